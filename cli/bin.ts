import { runAsProcess } from '../local/run-as-process.js';
import { main } from './main.js';

/** The program (main.ts) on this process's arguments and streams; bin/proton-cleanup.js starts it. */
runAsProcess(main);
