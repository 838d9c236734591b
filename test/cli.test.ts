import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../functions/domain/report.js';
import { main } from '../local/cli-main.js';

const root = path.resolve(import.meta.dirname, '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

/** Runs `npm start -- <args>` in this process (the program the bin calls), returning exit code and output. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

/** Runs the bin itself, as `npm start` does: a new process, its exit code. */
async function bin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(tsx, ['local/cli.ts', ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const tempReport = () => path.join(mkdtempSync(path.join(tmpdir(), 'pcc-')), 'report.json');
const readReport = (file: string) => ReportSchema.parse(JSON.parse(readFileSync(file, 'utf8')));

describe('npm start', () => {
  it('runs the demo in execute mode, deletes the connection and writes a report whose counts add up (exit 0)', async () => {
    const report = tempReport();
    const { code, stdout } = await cli('--report', report);
    const written = readReport(report);
    const s = written.summary;

    expect(code).toBe(0);
    expect(stdout).toMatch(/DeleteConnection\s+deleted after 2 attempt\(s\)/);
    expect(written.connection.outcome).toBe('deleted');
    expect(s.deleted + s.alreadyAbsent + s.retained + s.failed + s.planned).toBe(s.total);
    expect(s.total).toBe(written.resources.length);
  });

  it('writes the Markdown and HTML reports beside the JSON, and says where', async () => {
    const report = tempReport();
    const { stdout } = await cli('--report', report);
    const stem = report.slice(0, -'.json'.length);
    expect(readFileSync(`${stem}.md`, 'utf8')).toMatch(/^# Proton connection cleanup succeeded \(execute\): connection /);
    expect(readFileSync(`${stem}.html`, 'utf8')).toContain('<table id="resources"');
    expect(stdout).toContain(`Report written to ${report}, with ${stem}.md (summary) and ${stem}.html (timeline, table) beside it`);
  });

  it('counts the calls answered with an error without claiming they were all retried', async () => {
    const { stdout } = await cli('--report', tempReport());

    // The demo scenario throttles CloudFormation; a missing report object is an answer, not a retry.
    expect(stdout).toMatch(/^AWS calls answered by the sandbox: \d+, \d+ of them with an error \(.*\d+ Throttling.*\)$/m);
    expect(stdout).not.toMatch(/retried/);
  });

  it('deletes nothing with --mode plan', async () => {
    const report = tempReport();
    const { code } = await cli('--mode', 'plan', '--report', report);
    const written = readReport(report);

    expect(code).toBe(0);
    expect(written.connection.outcome).toBe('planned');
    expect(written.summary.deleted).toBe(0);
  });

  it('exits 1 when the execution fails, after writing the failure report', async () => {
    const report = tempReport();
    const { code, stdout } = await cli('--scenario', 'scenarios/connection-delete-fails.json', '--report', report);

    expect(code).toBe(1);
    expect(stdout).toMatch(/failed: ConflictException/);
    expect(readReport(report).status).toBe('failed');
  });

  it('takes the trigger from --input', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pcc-'));
    const input = path.join(dir, 'input.json');
    writeFileSync(input, JSON.stringify({ connectionId: '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11', mode: 'plan' }));
    const { code } = await cli('--input', input, '--report', path.join(dir, 'report.json'));

    expect(code).toBe(0);
    expect(readReport(path.join(dir, 'report.json')).mode).toBe('plan');
  });

  it('exits 3 when the run completed but a resource failed (a stack stuck in DELETE_FAILED)', async () => {
    const report = tempReport();
    const { code } = await cli('--scenario', 'scenarios/stuck-stack.json', '--report', report);

    expect(code).toBe(3);
    expect(readReport(report).summary.failed).toBeGreaterThan(0);
  });

  it.each([['null'], ['0'], ['false'], ['""'], ['[]'], ['"plan"'], ['{"connectionId": "not-a-uuid"}']])(
    'ends an invalid input %s as in AWS: InvalidRequest, a failure report, exit 1 (never the scenario input)',
    async (text) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'pcc-'));
      writeFileSync(path.join(dir, 'input.json'), text);
      const { code, stdout } = await cli('--input', path.join(dir, 'input.json'), '--report', path.join(dir, 'report.json'));
      const written = readReport(path.join(dir, 'report.json'));

      expect(code).toBe(1);
      expect(stdout).toMatch(/failed: InvalidRequest/);
      expect(written.failure?.error).toBe('InvalidRequest');
      expect(written.summary.total).toBe(0);
    },
  );

  it('runs a sweep end to end: each cleanup the sweep started runs after it, with its summary', async () => {
    const report = tempReport();
    const { code, stdout } = await cli('--scenario', 'scenarios/sweep-after-proton.json', '--report', report);
    const started = (readReport(report).sweep ?? []).filter((s) => s.outcome === 'started');

    expect(code).toBe(0);
    expect(started.length).toBeGreaterThan(0);
    for (const section of started) expect(stdout).toContain(`Execution ${section.execution} succeeded`);
  });

  it.each([
    [['--mode', 'destroy'], /--mode must be "plan" or "execute"/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['--scenario', 'no-such-file.json'], /cannot read scenario no-such-file\.json/],
  ])('exits 2 with a usage error for %j', async (args, message) => {
    const { code, stderr } = await cli(...args);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/Usage: npm start/);
  });

  it('documents itself with --help (exit 0)', async () => {
    const { code, stdout } = await cli('--help');

    expect(code).toBe(0);
    for (const flag of ['--scenario', '--input', '--mode', '--report']) expect(stdout).toContain(flag);
  });

  describe('the bin', () => {
    it('prints the help and exits 0', async () => {
      const { code, stdout } = await bin('--help');

      expect(code).toBe(0);
      expect(stdout).toContain('Usage: npm start');
    });

    it('exits 2 on a usage error, the message on stderr', async () => {
      const { code, stderr } = await bin('--mode', 'destroy');

      expect(code).toBe(2);
      expect(stderr).toMatch(/--mode must be "plan" or "execute"/);
    });
  });
});
