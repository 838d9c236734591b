import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Fleet } from '../functions/domain/fleet.js';
import type { Report } from '../functions/domain/report.js';
import { renderHtml } from '../functions/domain/report-html.js';
import { fleetMarkdown, renderMarkdown } from '../functions/domain/report-markdown.js';
import type { Mode } from '../functions/domain/request.js';
import { reportSiblings } from '../local/report-files.js';
import { summaryTable } from '../local/summary-table.js';
import type { CleanupAccess, ExecutionInfo } from './access.js';
import { EXIT, type ExitCode, exitCodeOf, worstExitCode } from './exit-code.js';
import { planTarget, targetFlags } from './plan-file.js';
import { formatReport, type ReportFormat } from './report-formats.js';
import type { PreparedStart } from './start-request.js';
import { byAccount, fleetExitCode, fleetSummaryLines, isSweep, sweepFleet } from './sweep-fleet.js';
import { UsageError } from './usage-error.js';
import { readReport, watchExecution } from './watch.js';

/**
 * The CLI's commands, each against a target (CleanupAccess), each resolving to its exit code.
 * What they print goes to `out`, one line at a time.
 */
type Out = (line: string) => void;

/** `cli-<mode>-<UTC timestamp>-<random>`: unique, sortable, and within Step Functions' 80 characters. */
export function executionName(mode: Mode, now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `cli-${mode}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Where the plan goes in the report bucket: named by its content, so the same plan is the same object. */
function planKey(content: string): string {
  return `plans/${createHash('sha256').update(content).digest('hex')}.json`;
}

/** A local plan file is uploaded to the report bucket, named by its content. */
async function uploadedPlan(access: CleanupAccess, content: string): Promise<string> {
  const key = planKey(content);
  await access.putObject(key, content);
  return `s3://${(await access.resources()).reportBucket}/${key}`;
}

/** A console input records who asked, unless it says so itself; an event, or a value that is not an object, is sent as given. */
function withRequester(input: unknown, caller: string): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input) || 'detail-type' in input || 'requestedBy' in input) return input;
  return { ...input, requestedBy: caller };
}

interface StartOptions {
  /** What to send (prepareStart made it, before the target was touched). */
  prepared: PreparedStart;
  report?: string | undefined;
  /** The target flags as given (--sandbox … or --stack …), for the command printed after a plan. */
  targetArgs?: string[];
}

/** A word as a POSIX shell reads it: quoted when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** After a plan that succeeded: the command that executes exactly it. */
async function executeCommandFor(access: CleanupAccess, report: Report, options: StartOptions): Promise<string> {
  // A sweep's plan is not a reviewed plan (a plan is one environment's): its execute is the sweep again.
  if (report.request?.sweep) return ['proton-cleanup', 'execute', ...sweepFlags(report), ...(options.targetArgs ?? [])].map(shellWord).join(' ');
  const plan = options.report ?? `s3://${(await access.resources()).reportBucket}/reports/${report.execution.name}.json`;
  // The deployment's own account and Region (its state machine's ARN): a plan of another target says where.
  const [, , , region = '', account = ''] = (await access.resources()).stateMachineArn.split(':');
  const target = report.request ? targetFlags(planTarget(JSON.stringify(report), plan), { account, region }) : [];
  return ['proton-cleanup', 'execute', '--plan', plan, ...target, ...(options.targetArgs ?? [])].map(shellWord).join(' ');
}

/** The sweep a report ran, as flags: the same targets (a fleet's named ones), environments and options. */
function sweepFlags(report: Report): string[] {
  const request = report.request;
  return [
    '--sweep',
    ...(request?.targets ? ['--targets', request.targets.map((t) => `${t.account}/${t.region}`).join(',')] : []),
    ...(request?.environments ? ['--environments', request.environments.map((e) => `${e.name}@${e.managementAccountId}`).join(',')] : []),
    ...(request?.options.deleteTypes.length ? ['--delete-types', request.options.deleteTypes.join(',')] : []),
    ...(request?.options.retainFailedResources ? ['--retain-failed-resources'] : []),
    ...(request?.options.deleteConnectionRoles ? ['--delete-connection-roles'] : []),
  ];
}

/**
 * Writes the report as stored, and the Markdown and HTML the workflow wrote beside it, if it did.
 * A sweep's report without its fleet (the children ended after it was written) is written with
 * the fleet built now (`built`), its Markdown and HTML rendered here.
 */
async function writeReportFiles(access: CleanupAccess, name: string, file: string, out: Out, built?: Report): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const written: string[] = [];
  const siblings = reportSiblings(file);
  if (built) {
    await writeFile(file, `${JSON.stringify(built, null, 2)}\n`);
    await writeFile(siblings.markdown, renderMarkdown(built));
    await writeFile(siblings.html, renderHtml(built));
    out(`Report with the fleet written to ${[file, siblings.markdown, siblings.html].join(', ')}`);
    return;
  }
  for (const [key, target] of [
    [`reports/${name}.json`, file],
    [`reports/${name}.md`, siblings.markdown],
    [`reports/${name}.html`, siblings.html],
  ] as const) {
    const body = await access.getObject(key);
    if (body === undefined) continue;
    await writeFile(target, key.endsWith('.json') ? `${JSON.stringify(JSON.parse(body), null, 2)}\n` : body);
    written.push(target);
  }
  out(`Report written to ${written.join(', ')}`);
}

export async function startCommand(access: CleanupAccess, mode: Mode, options: StartOptions, out: Out): Promise<ExitCode> {
  const caller = await access.caller();
  const { prepared } = options;
  const input =
    prepared.kind === 'input'
      ? withRequester(prepared.input, caller)
      : {
          ...prepared.request,
          ...(prepared.planContent !== undefined ? { plan: await uploadedPlan(access, prepared.planContent) } : {}),
          requestedBy: caller,
        };
  const name = executionName(mode);
  await access.startExecution(name, input);
  out(`Execution ${name} started on ${access.description}, requested by ${caller}`);
  out('');
  const { execution, report } = await watchExecution(access, name, out);
  out('');
  if (report) {
    for (const line of summaryTable(report)) out(line);
    out('');
  } else {
    out(`No report was written${execution.error ? ` (${execution.error}: ${execution.cause ?? ''})` : ''}.`);
  }
  const codes = [exitCodeOf(execution.status, report), ...(await sweepChildren(access, report, out))];
  // A sweep: its fleet, the report's own or built now that its children have ended (or as far as they have got).
  const fleet = isSweep(report) ? await sweepFleet(access, name, report) : undefined;
  if (fleet) {
    for (const line of fleetSummaryLines(fleet)) out(line);
    out('');
  }
  if (fleet) codes.push(fleetExitCode(fleet));
  if (report && options.report) await writeReportFiles(access, name, options.report, out, fleet && fleet !== report.fleet ? { ...report, fleet } : undefined);
  if (report && mode === 'plan' && execution.status === 'SUCCEEDED' && report.status === 'succeeded') {
    out(`To execute this plan: ${await executeCommandFor(access, report, options)}`);
    out('');
  }
  out(`Execution ${name} ${execution.status.toLowerCase()}`);
  return worstExitCode(codes);
}

/** A sweep's cleanups: those that have ended (on the sandbox, all of them) with their summaries; the others, how to watch them. */
async function sweepChildren(access: CleanupAccess, report: Report | undefined, out: Out): Promise<ExitCode[]> {
  const codes: ExitCode[] = [];
  for (const section of report?.sweep ?? []) {
    if (!section.execution || section.outcome === 'skipped') continue;
    const child = await access.describeExecution(section.execution);
    if (!child || child.status === 'RUNNING') {
      out(`Cleanup ${section.execution} (${section.environmentName}) is running: proton-cleanup watch ${section.execution}`);
      continue;
    }
    const childReport = await readReport(access, child.name);
    out(`Cleanup ${child.name} (${section.environmentName}), started by the sweep: ${child.status.toLowerCase()}`);
    for (const line of childReport ? summaryTable(childReport) : ['No report was written.']) out(`  ${line}`);
    out('');
    codes.push(exitCodeOf(child.status, childReport));
  }
  return codes;
}

export async function watchCommand(access: CleanupAccess, name: string, out: Out): Promise<ExitCode> {
  if (!(await access.describeExecution(name))) throw new UsageError(`no execution named ${name} on ${access.description} (proton-cleanup list shows them)`);
  const { execution, report } = await watchExecution(access, name, out);
  const fleet = isSweep(report) ? await sweepFleet(access, name, report) : undefined;
  if (!fleet) return exitCodeOf(execution.status, report);
  out('');
  for (const line of fleetSummaryLines(fleet)) out(line);
  return worstExitCode([exitCodeOf(execution.status, report), fleetExitCode(fleet)]);
}

export async function reportCommand(
  access: CleanupAccess,
  name: string,
  options: { format: ReportFormat; failures: boolean },
  out: (text: string) => void,
): Promise<ExitCode> {
  const execution = await access.describeExecution(name);
  const stored = await readReport(access, name);
  // A sweep's fleet, built now when its report was written before its children ended.
  const fleet = isSweep(stored) ? await sweepFleet(access, name, stored) : undefined;
  const report = stored && fleet ? { ...stored, fleet } : stored;
  if (!report) {
    if (!execution) throw new UsageError(`no execution named ${name} on ${access.description} (proton-cleanup list shows them)`);
    out(`Execution ${name} is ${execution.status.toLowerCase()} and has no report${execution.status === 'RUNNING' ? ' yet: proton-cleanup watch it' : ''}.\n`);
    return EXIT.executionFailed;
  }
  out(formatReport(report, options.format, { failures: options.failures }));
  if (fleet && options.format === 'table') out(`\n${fleetSummaryLines(fleet).join('\n')}\n`);
  if (fleet && options.format === 'markdown') out(`\n${fleetMarkdown(report)}`);
  // An execution older than Step Functions keeps (90 days) is judged by its report alone.
  const code = exitCodeOf(execution?.status ?? (report.status === 'succeeded' ? 'SUCCEEDED' : 'FAILED'), report);
  return fleet ? worstExitCode([code, fleetExitCode(fleet)]) : code;
}

/** What a run was about: its connection, environment, or a sweep (from its request, as resolved or as started). */
function targetOf(request: { sweep?: unknown; connectionId?: unknown; environment?: unknown } | undefined): string {
  if (!request) return '—';
  if (request.sweep === true) return 'sweep';
  if (typeof request.connectionId === 'string') return `connection ${request.connectionId}`;
  const environment = request.environment as { name?: unknown; managementAccountId?: unknown } | undefined;
  return typeof environment?.name === 'string' ? `environment ${environment.name}@${String(environment.managementAccountId)}` : '—';
}

/** A run without a report yet: what it was started with (a console input, or a custom event's detail). */
async function startedRequest(access: CleanupAccess, name: string): Promise<Record<string, unknown> | undefined> {
  const input = (await access.describeExecution(name))?.input;
  try {
    const parsed = JSON.parse(input ?? 'null') as Record<string, unknown> | null;
    const request = parsed && typeof parsed.detail === 'object' ? (parsed.detail as Record<string, unknown>) : parsed;
    return typeof request === 'object' && request !== null ? request : undefined;
  } catch {
    return undefined;
  }
}

/** Said when nothing is listed on a sandbox without a state file: why nothing earlier can be. */
export const NO_STATE_HINT =
  'Without --state FILE each command starts from the scenario, so nothing an earlier command ran is listed: give the same --state FILE to every command.';

/**
 * The executions, newest first; a sweep's children (the executions it started, `sweep-…`) under
 * it, grouped by account and Region, with the targets it could not read: not once more on their own.
 */
export async function listCommand(access: CleanupAccess, max: number, out: Out, options: { emptyHint?: string } = {}): Promise<ExitCode> {
  const executions = await access.listExecutions(max);
  if (executions.length === 0) {
    out(`No executions on ${access.description}.`);
    if (options.emptyHint) out(options.emptyHint);
    return EXIT.ok;
  }
  const listed = new Map(executions.map((e) => [e.name, e]));
  const count = (n: number | undefined) => (n === undefined ? '—' : String(n));
  const runs: { execution: ExecutionInfo; cells: string[]; fleet?: Fleet }[] = [];
  for (const e of executions) {
    const report = await readReport(access, e.name).catch(() => undefined);
    const request = report ? (report.request ?? undefined) : await startedRequest(access, e.name);
    const s = report?.summary;
    const mode = report?.mode ?? (typeof request?.mode === 'string' ? request.mode : '—');
    const fleet = isSweep(report, request) ? await sweepFleet(access, e.name, report, listed).catch(() => undefined) : undefined;
    const cells = [
      e.name,
      e.status,
      e.startedAt.toISOString(),
      mode,
      targetOf(request),
      count(s?.deleted),
      count(s?.retained),
      count(s?.failed),
      count(s?.planned),
    ];
    runs.push({ execution: e, cells, ...(fleet ? { fleet } : {}) });
  }
  const children = new Set(runs.flatMap((r) => (r.fleet?.rows ?? []).flatMap((row) => (row.execution ? [row.execution] : []))));
  /** A table row, or a line of its own (an account and Region heading). */
  const lines: (string[] | string)[] = [['EXECUTION', 'STATUS', 'STARTED', 'MODE', 'TARGET', 'DELETED', 'RETAINED', 'FAILED', 'PLANNED']];
  for (const run of runs) {
    if (children.has(run.execution.name)) continue;
    lines.push(run.cells);
    for (const group of run.fleet ? byAccount(run.fleet) : []) {
      lines.push(`  ${group.heading}`);
      for (const row of group.rows) {
        const started = row.execution ? listed.get(row.execution)?.startedAt.toISOString() : undefined;
        const reported = row.status === 'succeeded' || row.status === 'completed-with-failures' || row.status === 'failed';
        const n = (k: 'deleted' | 'retained' | 'failed' | 'planned') => (reported ? String(row.summary[k]) : '—');
        lines.push([
          `    ${row.execution ?? '—'}`,
          row.status,
          started ?? '—',
          run.cells[3] ?? '—',
          row.environment ? `environment ${row.environment}` : `${row.account}/${row.region}`,
          n('deleted'),
          n('retained'),
          n('failed'),
          n('planned'),
        ]);
        // A target the sweep could not read has no execution to look at: why, on a line of its own.
        if (row.status === 'unreachable') lines.push(`      ${row.reason ?? 'could not be read'}`);
      }
    }
  }
  const rows = lines.filter((l): l is string[] => Array.isArray(l));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const line of lines)
    out(typeof line === 'string' ? line : line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '));
  return EXIT.ok;
}
