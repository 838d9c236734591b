import type { CliOutput } from './cli-main.js';

/** Runs a program (`main(argv, output)` → exit code) on this process's arguments and streams: what each bin does. */
export function runAsProcess(main: (argv: string[], output: CliOutput) => Promise<number>): void {
  main(process.argv.slice(2), { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
