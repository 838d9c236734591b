import { describe, expect, it } from 'vitest';
import type { CleanupAccess, ExecutionInfo, ExecutionStatus } from '../../cli/access.js';
import { listCommand, reportCommand, watchCommand } from '../../cli/commands.js';
import type { Report } from '../../functions/domain/report.js';
import { summarize } from '../../functions/domain/report.js';
import type { SweepSection } from '../../functions/domain/sweep-result.js';
import { arns, cleanupRequest, MANAGEMENT_ACCOUNT, reportEntry, reportFixture } from '../helpers/domain-fixtures.js';

/**
 * list, watch and report of a sweep whose children run in three accounts and two Regions, against
 * a CleanupAccess held in memory: executions and report-bucket objects, nothing else.
 */
const SWEEP = 'cli-execute-20261201T100000Z-abc123';
const BUCKET = 'reports-bucket';
const child = (name: string) => `sweep-0a1b2c3d4e-execute-${name}-9f8e7d6c`;
const UNREACHABLE = 'AccessDenied: not authorized to perform sts:AssumeRole on the spoke role';

class MemoryAccess implements CleanupAccess {
  readonly description = 'memory';
  readonly executions: ExecutionInfo[] = [];
  readonly objects = new Map<string, string>();
  async resources() {
    return { stateMachineArn: 'arn:aws:states:eu-west-1:111111111111:stateMachine:cleanup', reportBucket: BUCKET };
  }
  async caller() {
    return 'arn:aws:iam::111111111111:user/test';
  }
  async startExecution(): Promise<ExecutionInfo> {
    throw new Error('not in these tests');
  }
  async describeExecution(name: string) {
    return this.executions.find((e) => e.name === name);
  }
  async executionHistory() {
    return [];
  }
  async listExecutions(max: number) {
    return this.executions.slice(0, max);
  }
  async getObject(key: string) {
    return this.objects.get(key);
  }
  async putObject(key: string, body: string) {
    this.objects.set(key, body);
  }
  now() {
    return Date.parse('2026-12-01T11:00:00.000Z');
  }
  async pause() {}
  async close() {}

  execution(name: string, status: ExecutionStatus, minute: number, report?: Report): this {
    this.executions.unshift({
      arn: `arn:aws:states:eu-west-1:111111111111:execution:cleanup:${name}`,
      name,
      status,
      startedAt: new Date(Date.parse('2026-12-01T10:00:00.000Z') + minute * 60_000),
      ...(status === 'RUNNING' ? {} : { stoppedAt: new Date(Date.parse('2026-12-01T10:30:00.000Z')) }),
    });
    if (report) this.objects.set(`reports/${name}.json`, JSON.stringify(report));
    return this;
  }
}

function section(account: string, region: string, name: string, overrides: Partial<SweepSection> = {}): SweepSection {
  return {
    account,
    region,
    environmentName: name,
    managementAccountId: MANAGEMENT_ACCOUNT,
    environmentArn: `arn:aws:proton:${region}:${MANAGEMENT_ACCOUNT}:environment/${name}`,
    resources: 3,
    outcome: 'started',
    reason: 'its connection is gone',
    execution: child(name),
    report: `s3://${BUCKET}/reports/${child(name)}.json`,
    ...overrides,
  };
}

function childReport(name: string, failed = 0): Report {
  const resources = [
    reportEntry(arns.queue(`${name}-orders`), 'deleted'),
    ...Array.from({ length: failed }, (_, i) =>
      reportEntry(arns.queue(`${name}-${i}`), 'failed', { error: 'AccessDenied', nextStep: 'grant it, then re-run' }),
    ),
  ];
  return reportFixture({
    execution: { name: child(name), startedAt: '2026-12-01T10:01:00.000Z', finishedAt: '2026-12-01T10:20:00.000Z' },
    resources,
    summary: summarize(resources),
  });
}

/** The sweep (its report written before its children ended: no fleet) and its children, newest first. */
function fleetAccess(): MemoryAccess {
  const sections = [
    section('111111111111', 'eu-west-1', 'payments-prod'),
    section('111111111111', 'us-east-1', 'api-prod'),
    section('222222222222', 'eu-west-1', 'ledger-prod'),
    section('222222222222', 'eu-west-1', 'web-dev', { outcome: 'skipped', reason: 'another connection serves it', execution: undefined, report: undefined }),
  ];
  const sweep = reportFixture({
    execution: { name: SWEEP, startedAt: '2026-12-01T10:00:00.000Z', finishedAt: '2026-12-01T10:01:00.000Z', account: '111111111111', region: 'eu-west-1' },
    request: cleanupRequest({ connectionId: undefined, sweep: true }),
    connection: { outcome: 'not-attempted' },
    sweep: sections,
  });
  const access = new MemoryAccess()
    .execution(SWEEP, 'SUCCEEDED', 0, sweep)
    .execution(child('payments-prod'), 'SUCCEEDED', 1, childReport('payments-prod'))
    .execution(child('api-prod'), 'SUCCEEDED', 1, childReport('api-prod', 1))
    .execution(child('ledger-prod'), 'RUNNING', 2);
  access.objects.set(
    `executions/${SWEEP}/sweep.json`,
    JSON.stringify({ environments: sections, unreachable: [{ account: '333333333333', region: 'us-east-1', error: UNREACHABLE }] }),
  );
  return access;
}

async function run(command: (out: (line: string) => void) => Promise<number>): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await command((text) => lines.push(...text.replace(/\n$/, '').split('\n')));
  return { code, lines };
}

/** The lines from the sweep's own row on, each child under its account and Region heading. */
const headings = (lines: readonly string[]) => lines.filter((l) => /^ {2}account \d{12} in /.test(l)).map((l) => l.trim().replace(/:.*$/, ''));

describe('proton-cleanup list of a sweep', () => {
  it('shows the children under their sweep, grouped by account and Region, and not once more on their own', async () => {
    const { lines } = await run((out) => listCommand(fleetAccess(), 20, out));
    expect(headings(lines)).toEqual([
      'account 111111111111 in eu-west-1',
      'account 111111111111 in us-east-1',
      'account 222222222222 in eu-west-1',
      'account 333333333333 in us-east-1',
    ]);
    for (const name of ['payments-prod', 'api-prod', 'ledger-prod']) expect(lines.filter((l) => l.includes(child(name)))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith(SWEEP))).toHaveLength(1);
  });

  it('puts each child in its own account and Region group, with its status and counts', async () => {
    const { lines } = await run((out) => listCommand(fleetAccess(), 20, out));
    const groupOf = (name: string) =>
      headings(
        lines.slice(
          0,
          lines.findIndex((l) => l.includes(child(name))),
        ),
      ).at(-1);
    expect(groupOf('payments-prod')).toBe('account 111111111111 in eu-west-1');
    expect(groupOf('api-prod')).toBe('account 111111111111 in us-east-1');
    expect(groupOf('ledger-prod')).toBe('account 222222222222 in eu-west-1');
    const api = lines
      .find((l) => l.includes(child('api-prod')))
      ?.trim()
      .split(/\s{2,}/);
    expect(api).toEqual([
      child('api-prod'),
      'completed-with-failures',
      '2026-12-01T10:01:00.000Z',
      'execute',
      `environment api-prod@${MANAGEMENT_ACCOUNT}`,
      '1',
      '0',
      '1',
      '0',
    ]);
    expect(lines.find((l) => l.includes(child('ledger-prod')))).toMatch(/ running /);
  });

  it('names a target the sweep could not read, and why', async () => {
    const { lines } = await run((out) => listCommand(fleetAccess(), 20, out));
    const at = lines.findIndex((l) => l.includes('333333333333/us-east-1'));
    expect(lines[at]).toMatch(/ unreachable /);
    expect(lines[at + 1]?.trim()).toBe(UNREACHABLE);
  });

  it('lists the executions of a run that is no sweep as before', async () => {
    const access = new MemoryAccess().execution(
      'cli-plan-1',
      'SUCCEEDED',
      0,
      reportFixture({ execution: { name: 'cli-plan-1', startedAt: 'x', finishedAt: 'y' } }),
    );
    const { lines } = await run((out) => listCommand(access, 20, out));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^cli-plan-1 +SUCCEEDED/);
  });
});

describe('proton-cleanup watch of a sweep', () => {
  it('ends with its children grouped by account and Region, and every failure with its next step', async () => {
    const { lines } = await run((out) => watchCommand(fleetAccess(), SWEEP, out));
    expect(lines).toContain('Fleet: 4 environments in 3 accounts, 1 completed with failures, 1 running, 1 account unreachable');
    expect(headings(lines)).toEqual([
      'account 111111111111 in eu-west-1',
      'account 111111111111 in us-east-1',
      'account 222222222222 in eu-west-1',
      'account 333333333333 in us-east-1',
    ]);
    expect(lines).toContain(`- 111111111111 us-east-1 api-prod@${MANAGEMENT_ACCOUNT}: ${arns.queue('api-prod-0')}: AccessDenied`);
    expect(lines).toContain('    next step: grant it, then re-run');
    expect(lines).toContain(`    running                 ledger-prod@${MANAGEMENT_ACCOUNT}: proton-cleanup watch ${child('ledger-prod')}`);
  });

  it('exits 3 when a child completed with failures or a target could not be read', async () => {
    expect((await run((out) => watchCommand(fleetAccess(), SWEEP, out))).code).toBe(3);
  });
});

describe('proton-cleanup report of a sweep', () => {
  it('prints the fleet built from the children’s reports after the sweep’s own table', async () => {
    const { lines } = await run((out) => reportCommand(fleetAccess(), SWEEP, { format: 'table', failures: false }, out));
    const progress = lines.indexOf('still running: 1 succeeded, 1 completed with failures, 1 running, 1 skipped, 1 unreachable');
    expect(progress).toBeGreaterThan(lines.findIndex((l) => l.startsWith('total ')));
    expect(lines[0]).toBe('Fleet: 4 environments in 3 accounts, 1 completed with failures, 1 running, 1 account unreachable (execute mode)');
  });

  it('puts the fleet into the JSON it prints', async () => {
    const { lines } = await run((out) => reportCommand(fleetAccess(), SWEEP, { format: 'json', failures: false }, out));
    const report = JSON.parse(lines.join('\n')) as Report;
    expect(report.fleet?.rows.map((r) => `${r.account}/${r.region} ${r.status}`)).toEqual([
      '111111111111/eu-west-1 succeeded',
      '111111111111/us-east-1 completed-with-failures',
      '222222222222/eu-west-1 running',
      '222222222222/eu-west-1 skipped',
      '333333333333/us-east-1 unreachable',
    ]);
    expect(report.fleet?.rows[0]?.report).toBe(`s3://${BUCKET}/reports/${child('payments-prod')}.json`);
  });
});
