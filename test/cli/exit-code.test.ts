import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeOf, worstExitCode } from '../../cli/exit-code.js';
import type { Report, ReportEntry } from '../../functions/domain/report.js';
import { reportEntry, reportFixture } from '../helpers/domain-fixtures.js';

const entry = (outcome: ReportEntry['outcome']) => reportEntry(`arn:aws:s3:::bucket-${outcome}`, outcome);
const report = (overrides: Partial<Report> = {}) => reportFixture({ resources: [entry('deleted')], ...overrides });

describe('exit code of a run', () => {
  it('is 0 when the execution succeeded and nothing in its report failed', () => {
    expect(exitCodeOf('SUCCEEDED', report())).toBe(EXIT.ok);
  });

  it('is 0 for kept (retained) resources: kept is what was asked for', () => {
    expect(exitCodeOf('SUCCEEDED', report({ resources: [entry('retained'), entry('deleted')] }))).toBe(EXIT.ok);
  });

  it('is 0 for a completed plan', () => {
    expect(
      exitCodeOf('SUCCEEDED', report({ mode: 'plan', connection: { ...reportFixture().connection, outcome: 'planned' }, resources: [entry('planned')] })),
    ).toBe(EXIT.ok);
  });

  it('is 3 when a resource failed', () => {
    expect(exitCodeOf('SUCCEEDED', report({ resources: [entry('deleted'), entry('failed')] }))).toBe(EXIT.completedWithFailures);
  });

  it('is 3 when the connection failed', () => {
    expect(exitCodeOf('SUCCEEDED', report({ connection: { ...reportFixture().connection, outcome: 'failed', error: 'AccessDeniedException: no' } }))).toBe(
      EXIT.completedWithFailures,
    );
  });

  it("is 3 when a sweep could not start one environment's cleanup", () => {
    const section = { environmentName: 'a', managementAccountId: '444455556666', environmentArn: 'arn', resources: 1, reason: 'due' };
    expect(exitCodeOf('SUCCEEDED', report({ sweep: [{ ...section, outcome: 'failed-to-start' }] }))).toBe(EXIT.completedWithFailures);
  });

  it.each(['FAILED', 'TIMED_OUT', 'ABORTED', 'failed'])('is 1 when the execution ended %s', (status) => {
    expect(exitCodeOf(status, report())).toBe(EXIT.executionFailed);
  });

  it('is 1 when the report says the run failed, whatever the status', () => {
    expect(exitCodeOf('SUCCEEDED', report({ status: 'failed', failure: { error: 'InvalidRequest', message: 'x' } }))).toBe(EXIT.executionFailed);
  });

  it('is 0 for a succeeded execution that wrote no report', () => {
    expect(exitCodeOf('succeeded', undefined)).toBe(EXIT.ok);
  });

  it('of several runs (a sweep and its children) is the worst, a failed execution before failures', () => {
    expect(worstExitCode([0, 3, 1])).toBe(1);
    expect(worstExitCode([0, 3])).toBe(3);
    expect(worstExitCode([0, 0])).toBe(0);
    expect(worstExitCode([])).toBe(0);
  });
});
