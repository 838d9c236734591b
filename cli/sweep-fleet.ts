import type { ChildState, Fleet, FleetRow } from '../functions/domain/fleet.js';
import { childState, fleetFailures, fleetFromSweep, fleetProgress, fleetVerdict, statusWords } from '../functions/domain/fleet-view.js';
import { executionKey } from '../functions/domain/object-keys.js';
import type { Report } from '../functions/domain/report.js';
import { type SweepFile, SweepFileSchema } from '../functions/domain/sweep-result.js';
import type { CleanupAccess, ExecutionInfo } from './access.js';
import { EXIT, type ExitCode } from './exit-code.js';
import { readReport } from './watch.js';

/**
 * A sweep's fleet as the CLI shows it: the report's own once every child has ended, else built on
 * demand from the sweep's sections (its report's, or those StartSweep stored while it runs), the
 * targets it could not read, and each child's execution and report. Then the children grouped by
 * account and Region, and the fleet's summary, as terminal lines.
 */

/** The file StartSweep writes (executions/<sweep>/sweep.json): the sections, and the targets it could not read. */
async function sweepFile(access: CleanupAccess, name: string): Promise<SweepFile | undefined> {
  const text = await access.getObject(executionKey(name, 'sweep.json'));
  if (text === undefined) return undefined;
  const parsed = SweepFileSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

/** What is known of one child: its report once it wrote one, else what Step Functions says. */
async function childOf(access: CleanupAccess, execution: string, listed: ReadonlyMap<string, ExecutionInfo>): Promise<ChildState> {
  const info = listed.get(execution) ?? (await access.describeExecution(execution));
  if (!info || info.status === 'RUNNING') return { kind: 'running' };
  const report = await readReport(access, execution).catch(() => undefined);
  if (!report) return { kind: 'ended-without-report', status: info.status };
  return childState(report, `s3://${(await access.resources()).reportBucket}/reports/${execution}.json`);
}

/** Whether an execution is a sweep, from its report (or, while it runs, the request it was started with). */
export function isSweep(report: Report | undefined, request?: { sweep?: unknown }): boolean {
  return Boolean(report?.fleet || report?.sweep || report?.request?.sweep || request?.sweep === true);
}

/**
 * The fleet of sweep `name`: its report's when complete, else built now. Undefined when nothing of
 * the sweep is stored yet. `listed`: executions already described (list), spared a second call.
 */
export async function sweepFleet(
  access: CleanupAccess,
  name: string,
  report: Report | undefined,
  listed: ReadonlyMap<string, ExecutionInfo> = new Map(),
): Promise<Fleet | undefined> {
  if (report?.fleet?.complete) return report.fleet;
  // The fleet report CollectFleet wrote when the sweep's last child ended.
  const collected = await readReport(access, `${name}.fleet`);
  if (collected?.fleet?.complete) return collected.fleet;
  const file = await sweepFile(access, name);
  const sections = report?.sweep ?? file?.environments;
  if (!sections) return report?.fleet;
  const unreachable =
    file?.unreachable ??
    (report?.fleet?.rows ?? [])
      .filter((r) => r.status === 'unreachable')
      .map((r) => ({ account: r.account, region: r.region, error: r.reason ?? 'unreachable' }));
  const children = new Map<string, ChildState>();
  for (const section of sections) {
    if (!section.execution || (section.outcome !== 'started' && section.outcome !== 'already-started')) continue;
    children.set(section.execution, await childOf(access, section.execution, listed));
  }
  const hub = { account: report?.execution.account ?? 'hub', region: report?.execution.region ?? 'hub' };
  return fleetFromSweep(
    sections,
    hub,
    children,
    unreachable,
    file?.targets ?? report?.fleet?.accounts.flatMap((a) => (a.account && a.region ? [{ account: a.account, region: a.region }] : [])),
  );
}

/** The children in the order of their account and Region (as swept), each group with its totals. */
export function byAccount(fleet: Fleet): { account: string; region: string; heading: string; rows: FleetRow[] }[] {
  return fleet.accounts.map((totals) => {
    const rows = fleet.rows.filter((r) => r.account === totals.account && r.region === totals.region);
    const statuses = Object.entries(totals.byStatus).map(([status, n]) => `${n} ${statusWords(status as FleetRow['status'])}`);
    const environments = `${totals.environments} environment${totals.environments === 1 ? '' : 's'}`;
    return {
      account: totals.account ?? '',
      region: totals.region ?? '',
      heading: `account ${totals.account} in ${totals.region}: ${environments}; ${statuses.join(', ')}`,
      rows,
    };
  });
}

const counts = (row: FleetRow) =>
  `deleted ${row.summary.deleted}, retained ${row.summary.retained}, failed ${row.summary.failed}, planned ${row.summary.planned}`;

/** One line a child: its status, environment, execution, and its counts, how to watch it, or why it has none. */
function childLine(row: FleetRow): string {
  const what = `${statusWords(row.status).padEnd(24)}${row.environment ?? 'environments unknown'}`;
  if (row.status === 'running' && row.execution) return `${what}: proton-cleanup watch ${row.execution}`;
  const tail = row.status === 'succeeded' || row.status === 'completed-with-failures' ? counts(row) : (row.reason ?? row.status);
  return `${what}${row.execution ? ` (${row.execution})` : ''}: ${tail}`;
}

/** The children grouped by account and Region, indented under their sweep. */
export function childrenLines(fleet: Fleet, indent = '  '): string[] {
  return byAccount(fleet).flatMap((group) => [`${indent}${group.heading}`, ...group.rows.map((row) => `${indent}  ${childLine(row)}`)]);
}

/** The fleet's summary: verdict, progress, children by account and Region, then every failure with its next step. */
export function fleetSummaryLines(fleet: Fleet): string[] {
  const failures = fleetFailures(fleet);
  return [
    `Fleet: ${fleetVerdict(fleet).text.replace(/^fleet: /, '')}`,
    fleetProgress(fleet),
    '',
    ...childrenLines(fleet),
    ...(failures.length
      ? [
          '',
          `Failures (${failures.length}):`,
          ...failures.flatMap((f) => [
            `- ${f.account} ${f.region}${f.environment ? ` ${f.environment}` : ''}: ${f.resource}: ${f.error}`,
            ...(f.nextStep ? [`    next step: ${f.nextStep}`] : []),
          ]),
        ]
      : []),
  ];
}

/**
 * A fleet's exit code, as a sweep's children each give theirs (exit-code.ts): 1 when a child
 * failed; 3 when one completed with failures, did not start, or a target could not be read.
 */
export function fleetExitCode(fleet: Fleet): ExitCode {
  const statuses = new Set(fleet.rows.map((r) => r.status));
  if (statuses.has('failed')) return EXIT.executionFailed;
  return ['completed-with-failures', 'not-started', 'unreachable'].some((s) => statuses.has(s as FleetRow['status'])) ? EXIT.completedWithFailures : EXIT.ok;
}
