import type { CliOutput } from '../local/cli-main.js';
import type { CleanupAccess } from './access.js';
import { awsSetupProblem } from './aws-setup.js';
import { listCommand, NO_STATE_HINT, reportCommand, startCommand, watchCommand } from './commands.js';
import { EXIT, type ExitCode } from './exit-code.js';
import { type FlagSpec, parseFlags } from './parse-flags.js';
import { REPORT_FORMATS, type ReportFormat } from './report-formats.js';
import type { RequestFlags } from './request-flags.js';
import { type PreparedStart, prepareStart } from './start-request.js';
import { COMMAND_USAGE, USAGE } from './usage.js';
import { TargetError, UsageError } from './usage-error.js';

/**
 * `proton-cleanup <command> …`: the operator CLI (cli/bin.ts is its bin; this is the program,
 * callable in-process). Same commands against a deployed stack or the embedded sandbox.
 */
const COMMANDS = ['plan', 'execute', 'watch', 'report', 'list'] as const;
type Command = (typeof COMMANDS)[number];

const TARGET_OPTIONS = {
  sandbox: { type: 'string' },
  state: { type: 'string' },
  stack: { type: 'string' },
  region: { type: 'string' },
  profile: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

const REQUEST_OPTIONS = {
  connection: { type: 'string' },
  environment: { type: 'string' },
  'management-account': { type: 'string' },
  sweep: { type: 'boolean' },
  environments: { type: 'string' },
  account: { type: 'string' },
  'target-region': { type: 'string' },
  targets: { type: 'string' },
  'retain-failed-resources': { type: 'boolean' },
  'delete-types': { type: 'string' },
  'delete-connection-roles': { type: 'boolean' },
  'proton-api': { type: 'string' },
  plan: { type: 'string' },
  input: { type: 'string' },
  report: { type: 'string' },
} as const;

const OPTIONS_OF = {
  plan: { ...TARGET_OPTIONS, ...REQUEST_OPTIONS },
  execute: { ...TARGET_OPTIONS, ...REQUEST_OPTIONS },
  watch: TARGET_OPTIONS,
  report: { ...TARGET_OPTIONS, format: { type: 'string', default: 'table' }, failures: { type: 'boolean', default: false } },
  list: { ...TARGET_OPTIONS, max: { type: 'string', default: '20' } },
} as const;

/** How many positional arguments each command takes (the execution name). */
const POSITIONALS: Record<Command, string[]> = { plan: [], execute: [], watch: ['EXECUTION'], report: ['EXECUTION'], list: [] };

interface MainOptions {
  /** How long `watch` waits between two looks at a running execution of a deployed stack (default POLL_MS). */
  pollMs?: number;
}

type Values = Record<string, string | boolean | undefined>;

function parsed(command: Command, args: string[]): { values: Values; positionals: string[] } {
  return parseFlags(command, args, OPTIONS_OF[command] as FlagSpec);
}

const str = (value: string | boolean | undefined) => (typeof value === 'string' ? value : undefined);

/** The target flags as given, to repeat them in a command the CLI prints. */
function targetArgs(values: Values): string[] {
  return (['sandbox', 'state', 'stack', 'region', 'profile'] as const).flatMap((flag) => {
    const value = str(values[flag]);
    return value === undefined ? [] : [`--${flag}`, value];
  });
}

async function targetOf(values: Values, options: MainOptions): Promise<CleanupAccess> {
  const sandbox = str(values.sandbox);
  const stack = str(values.stack);
  if ((sandbox === undefined) === (stack === undefined)) {
    throw new UsageError('give one target: --sandbox SCENARIO (the embedded sandbox) or --stack NAME (a deployed stack)');
  }
  if (sandbox !== undefined) {
    if (values.region !== undefined || values.profile !== undefined) throw new UsageError('--region and --profile go with --stack, not --sandbox');
    const { sandboxAccess } = await import('./sandbox-target.js');
    return sandboxAccess({ scenario: sandbox, state: str(values.state) });
  }
  if (values.state !== undefined) throw new UsageError('--state goes with --sandbox: a deployed stack keeps its own state');
  const { awsAccess } = await import('./aws-target.js');
  return awsAccess({ stack: stack ?? '', region: str(values.region), profile: str(values.profile) }, options);
}

async function run(argv: string[], output: CliOutput, options: MainOptions): Promise<ExitCode> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    output.stdout(USAGE);
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (!(COMMANDS as readonly string[]).includes(first)) throw new UsageError(`unknown command "${first}": expected one of ${COMMANDS.join(', ')}`);
  const command = first as Command;
  const { values, positionals } = parsed(command, rest);
  if (values.help) {
    output.stdout(COMMAND_USAGE[command] ?? USAGE);
    return EXIT.ok;
  }
  const expected = POSITIONALS[command];
  if (positionals.length !== expected.length) {
    throw new UsageError(
      expected.length
        ? `${command} takes ${expected.join(' ')} (the execution's name, as list shows it)`
        : `${command} takes no argument "${positionals.join(' ')}"`,
    );
  }
  const format = str(values.format) ?? 'table';
  if (command === 'report' && !(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, not "${format}"`);
  }
  const max = Number(str(values.max) ?? '20');
  if (command === 'list' && !(Number.isInteger(max) && max >= 1 && max <= 1000))
    throw new UsageError(`--max must be a whole number from 1 to 1000, not "${String(values.max)}"`);
  if ((command === 'plan' || command === 'execute') && values.input !== undefined) {
    const flags = Object.keys(REQUEST_OPTIONS).filter((k) => k !== 'input' && k !== 'report' && values[k] !== undefined);
    if (flags.length > 0) throw new UsageError(`--input gives the whole request: drop ${flags.map((f) => `--${f}`).join(', ')}`);
  }

  const prepared =
    command === 'plan' || command === 'execute'
      ? await prepareStart(command, { flags: values as RequestFlags, input: str(values.input) }, (line) => output.stderr(`${line}\n`))
      : undefined;
  const access = await targetOf(values, options);
  const out = (line: string) => output.stdout(`${line}\n`);
  try {
    switch (command) {
      case 'plan':
      case 'execute':
        return await startCommand(access, command, { prepared: prepared as PreparedStart, report: str(values.report), targetArgs: targetArgs(values) }, out);
      case 'watch':
        return await watchCommand(access, positionals[0] ?? '', out);
      case 'report':
        return await reportCommand(access, positionals[0] ?? '', { format: format as ReportFormat, failures: values.failures === true }, (text) =>
          output.stdout(text),
        );
      case 'list':
        return await listCommand(access, max, out, values.sandbox !== undefined && values.state === undefined ? { emptyHint: NO_STATE_HINT } : {});
    }
  } finally {
    await access.close();
  }
}

/** Runs the program; resolves to its exit code. Usage and target errors are exit 2; an AWS error is exit 1, with its name and message. */
export async function main(argv: string[], output: CliOutput, options: MainOptions = {}): Promise<ExitCode> {
  try {
    return await run(argv, output, options);
  } catch (error) {
    if (error instanceof UsageError) {
      output.stderr(`error: ${error.message}\n\nproton-cleanup --help lists the commands and targets; proton-cleanup <command> --help their options.\n`);
      return EXIT.usage;
    }
    const setup = awsSetupProblem(error);
    if (setup) {
      output.stderr(`error: ${setup}\n`);
      return EXIT.usage;
    }
    if (error instanceof TargetError || (error as Error).name === 'SnapshotError') {
      output.stderr(`error: ${(error as Error).message}\n`);
      return EXIT.usage;
    }
    output.stderr(`error: ${(error as Error).name}: ${(error as Error).message}\n`);
    return EXIT.executionFailed;
  }
}
