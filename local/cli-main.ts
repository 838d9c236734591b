import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exitCodeOf, worstExitCode } from '../cli/exit-code.js';
import { writeReportFiles } from './report-files.js';
import { ScenarioSchema } from './sandbox/scenario.js';
import { PROJECT_ROOT } from './workflow-definition.js';

/**
 * `npm start -- [options]`: runs the workflow locally on the embedded sandbox (local/cli.ts is
 * the bin; this is the program, callable in-process). Exit codes (cli/exit-code.ts): 0 the run
 * completed and nothing in its report failed, 3 it completed with failures, 1 it failed, 2 usage error.
 */
const USAGE = `Usage: npm start -- [options]

Runs the decommission workflow (statemachines/decommission-connection.asl.yaml) locally in
aws-local-stepfunctions, each Task bound to its real Lambda handler, against the embedded
sandbox: a simulated environment account. Nothing reaches AWS.

Options:
  --scenario FILE   sandbox scenario (JSON, schema: schemas/scenario.schema.json)
                    default: scenarios/demo.json
  --input FILE      the trigger, instead of the scenario's: a console input such as
                    {"connectionId": "<uuid>", "mode": "plan"} or a whole EventBridge event
  --mode MODE       plan (inventory and report, delete nothing) or execute; overrides the
                    input's mode and the deployment default (DEFAULT_MODE)
  --report FILE     where to write the JSON report (default: out/report.json); the
                    Markdown and HTML reports go beside it (out/report.md, out/report.html)
  --verbose         also print the handlers' Powertools JSON logs
  --help            show this help

A sweep ({"sweep": true}) also runs, after it, each cleanup execution it started.
The operator CLI, with commands against the sandbox or a deployed stack: npx proton-cleanup --help

Exit codes: 0 the run completed and nothing in its report is failed; 3 it completed, but the
connection or some resource failed (kept resources and a plan are not failures); 1 the execution
failed; 2 usage error.
`;

class UsageError extends Error {}

interface CliOptions {
  scenario: string;
  input?: string;
  mode?: 'plan' | 'execute';
  report: string;
  verbose: boolean;
  help: boolean;
}

function parseCli(argv: string[]): CliOptions {
  const values = parsedOptions(argv);
  if (values.mode !== undefined && values.mode !== 'plan' && values.mode !== 'execute') {
    throw new UsageError(`--mode must be "plan" or "execute", not "${values.mode}"`);
  }
  return {
    scenario: values.scenario ?? path.join(PROJECT_ROOT, 'scenarios', 'demo.json'),
    ...(values.input ? { input: values.input } : {}),
    ...(values.mode ? { mode: values.mode } : {}),
    report: values.report ?? path.join('out', 'report.json'),
    verbose: values.verbose,
    help: values.help,
  };
}

/** The options as parseArgs reads them; what it rejects is a usage error. */
function parsedOptions(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        scenario: { type: 'string' },
        input: { type: 'string' },
        mode: { type: 'string' },
        report: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** --mode applies to a console input or a custom event's detail; Proton events take the default mode. */
export function withMode(input: unknown, mode: string | undefined): unknown {
  if (!mode || typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const record = input as Record<string, unknown>;
  if ('detail-type' in record) {
    const detail = record.detail;
    return typeof detail === 'object' && detail !== null && 'connectionId' in detail ? { ...record, detail: { ...detail, mode } } : record;
  }
  return { ...record, mode };
}

/** Where the program writes: the process's streams, or a test's buffers. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs the program; resolves to its exit code (never rejects for a usage error). */
export async function main(argv: string[], output: CliOutput): Promise<number> {
  try {
    return await run(argv, output);
  } catch (error) {
    if (error instanceof UsageError) {
      output.stderr(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

async function run(argv: string[], output: CliOutput): Promise<number> {
  const options = parseCli(argv);
  if (options.help) {
    output.stdout(USAGE);
    return 0;
  }
  const parsedScenario = ScenarioSchema.safeParse(await readJson(options.scenario, 'scenario'));
  if (!parsedScenario.success) {
    throw new UsageError(
      `scenario ${options.scenario} does not match schemas/scenario.schema.json:\n${parsedScenario.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const scenario = parsedScenario.data;
  const rawInput = options.input ? await readJson(options.input, 'input') : scenario.input;
  const input = withMode(rawInput, options.mode);

  if (options.verbose) process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
  // Imported late: the handlers read their configuration when first loaded.
  const { runWorkflow } = await import('./run-workflow.js');
  const { ProgressPrinter } = await import('./progress.js');
  const { summaryTable } = await import('./summary-table.js');
  const { runSweepChildren } = await import('./sweep-children.js');

  const out = (line: string) => output.stdout(`${line}\n`);
  out('proton-connection-cleanup: local run on the embedded sandbox');
  out(`scenario ${scenario.name} (${path.relative(process.cwd(), options.scenario) || options.scenario})`);
  out('');
  const printer = new ProgressPrinter(out);
  const result = await runWorkflow(scenario, { input, ...(options.mode ? { defaultMode: options.mode } : {}), onEvent: (e) => printer.onEvent(e) });

  out('');
  if (result.report) {
    for (const line of summaryTable(result.report)) out(line);
    const files = await writeReportFiles(options.report, result.report);
    out('');
    out(`Report written to ${files.json}, with ${files.markdown} (summary) and ${files.html} (timeline, table) beside it`);
  } else {
    out('No report was written (see the errors above).');
  }
  const children = await runSweepChildren(scenario, result, {
    onChildStart: (name) => out(`\nExecution ${name}, started by the sweep:`),
    onEvent: (e) => printer.onEvent(e),
  });
  for (const child of children) {
    out('');
    for (const line of child.report ? summaryTable(child.report) : ['No report was written (see the errors above).']) out(line);
    out(`Execution ${child.executionName} ${child.status}${child.error ? `: ${child.error.name}` : ''}`);
  }
  out('');
  const calls = result.sandbox.calls;
  const failedCalls = calls.filter((c) => c.error);
  const byError = [...new Set(failedCalls.map((c) => c.error))].map((e) => `${failedCalls.filter((c) => c.error === e).length} ${e}`);
  // Error answers as counted, not judged: throttling is retried, NoSuchKey or a ValidationError may be the answer sought.
  out(`AWS calls answered by the sandbox: ${calls.length}${byError.length ? `, ${failedCalls.length} of them with an error (${byError.join(', ')})` : ''}`);
  const messages = [...result.sandbox.account.topics.values()].flat().length;
  out(`Notifications: ${messages} SNS message(s), ${result.sandbox.account.events.length} EventBridge event(s)`);
  out(`Execution ${result.executionName} ${result.status}${result.error ? `: ${result.error.name}` : ''}`);
  return worstExitCode([result, ...children].map((r) => exitCodeOf(r.status, r.report)));
}
