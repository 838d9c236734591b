import { main } from './cli-main.js';
import { runAsProcess } from './run-as-process.js';

/** The bin of `npm start`: the program (cli-main.ts) on this process's arguments and streams. */
runAsProcess(main);
