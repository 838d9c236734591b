import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { ReportSchema } from '../../functions/domain/report.js';

/**
 * The CLI against the embedded sandbox, in-process through main() (and twice through the real
 * bin): every command, the state file carrying the simulated account from one command to the next.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const CONNECTION = '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11';
const DEMO = path.join(root, 'scenarios', 'demo.json');

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** A Node.js older than 22 on this machine (Debian's /usr/bin/node), if there is one: the bin must run under it too. */
const olderSystemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((node) => {
  try {
    return existsSync(node) && Number(execFileSync(node, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).trim()) < 22;
  } catch {
    return false;
  }
});

const tempDir = () => mkdtempSync(path.join(tmpdir(), 'pcc-cli-'));
const readReport = (file: string) => ReportSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
/** The name of the execution a plan or execute command started. */
const startedName = (stdout: string) => /^Execution (\S+) started/m.exec(stdout)?.[1] ?? '';

describe('proton-cleanup on the sandbox', () => {
  it('plan, execute that plan, execute again, list, report: one account across separate commands (the state file)', async () => {
    const dir = tempDir();
    const state = path.join(dir, 'S.json');
    const sandbox = ['--sandbox', DEMO, '--state', state];
    const plan = path.join(dir, 'P.json');

    const planned = await cli('plan', '--connection', CONNECTION, '--report', plan, ...sandbox);
    expect(planned.code).toBe(0);
    expect(readReport(plan).mode).toBe('plan');
    expect(readReport(plan).summary.planned).toBeGreaterThan(0);

    const executed = await cli('execute', '--connection', CONNECTION, '--plan', plan, ...sandbox);
    expect(executed.code).toBe(0);
    expect(executed.stdout).toMatch(/DeleteConnection\s+deleted after/);

    const again = await cli('execute', '--connection', CONNECTION, ...sandbox);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/DeleteConnection\s+already-absent/);
    expect(again.stdout).toMatch(/^deleted\s+0$/m);

    const listed = await cli('list', ...sandbox);
    const names = [startedName(again.stdout), startedName(executed.stdout), startedName(planned.stdout)];
    expect(listed.code).toBe(0);
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(/\s+/)[0]),
    ).toEqual(names);

    const report = await cli('report', startedName(executed.stdout), '--format', 'markdown', ...sandbox);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/^\| Outcome \| Type \| Resource \| Reason \| Next step \|$/m);
    expect(report.stdout).toMatch(/^\| deleted \| cloudformation:stack \| AWSProton-payments-prod-/m);
  });

  it('sends the plan file as an object of the report bucket, named by its content', async () => {
    const dir = tempDir();
    const state = path.join(dir, 'S.json');
    const plan = path.join(dir, 'P.json');
    await cli('plan', '--connection', CONNECTION, '--report', plan, '--sandbox', DEMO, '--state', state);

    const executed = await cli('execute', '--connection', CONNECTION, '--plan', plan, '--sandbox', DEMO, '--state', state);
    const report = await cli('report', startedName(executed.stdout), '--format', 'json', '--sandbox', DEMO, '--state', state);

    expect(JSON.parse(report.stdout).request.plan).toMatch(/^s3:\/\/proton-connection-cleanup-local-reports\/plans\/[0-9a-f]{64}\.json$/);
    expect(JSON.parse(report.stdout).requestedBy).toBe('arn:aws:iam::111122223333:user/sandbox-operator');
  });

  it('after a plan, prints the command that executes exactly it: its report file, its target, the same target flags', async () => {
    const dir = tempDir();
    const [plan, state] = [path.join(dir, 'P.json'), path.join(dir, 'S.json')];

    const { stdout } = await cli('plan', '--connection', CONNECTION, '--report', plan, '--sandbox', DEMO, '--state', state);

    expect(stdout).toContain(`To execute this plan: proton-cleanup execute --plan ${plan} --connection ${CONNECTION} --sandbox ${DEMO} --state ${state}`);
  });

  it('after a fleet sweep plan, prints the sweep to execute (a sweep is not a reviewed plan): its targets and options, the same target flags', async () => {
    const state = path.join(tempDir(), 'S.json');
    const fleet = path.join(root, 'scenarios', 'fleet.json');

    const { stdout } = await cli('plan', '--sweep', '--targets', '222233334444/us-east-1', '--delete-types', 's3:bucket', '--sandbox', fleet, '--state', state);

    expect(stdout).toContain(
      `To execute this plan: proton-cleanup execute --sweep --targets 222233334444/us-east-1 --delete-types s3:bucket --sandbox ${fleet} --state ${state}`,
    );
  });

  it("a plan made in another of the hub's accounts: the command printed names its account and Region, and execute --plan FILE alone runs it there", async () => {
    const dir = tempDir();
    const [plan, state] = [path.join(dir, 'P.json'), path.join(dir, 'S.json')];
    const fleet = path.join(root, 'scenarios', 'fleet.json');
    const where = ['--account', '222233334444', '--target-region', 'us-east-1'];
    const orders = ['--environment', 'orders-dev', '--management-account', '444455556666'];

    const planned = await cli('plan', ...orders, ...where, '--report', plan, '--sandbox', fleet, '--state', state);
    expect(planned.stdout).toContain(`To execute this plan: proton-cleanup execute --plan ${plan} ${[...orders, ...where].join(' ')} --sandbox ${fleet}`);

    const executed = await cli('execute', '--plan', plan, '--sandbox', fleet, '--state', state);
    const report = await cli('report', startedName(executed.stdout), '--format', 'json', '--sandbox', fleet, '--state', state);
    expect(JSON.parse(report.stdout).execution).toMatchObject({ account: '222233334444', region: 'us-east-1' });
    expect(JSON.parse(report.stdout).summary.deleted).toBeGreaterThan(0);
  });

  it('execute --plan FILE without target flags takes the target from the plan, saying so on stderr', async () => {
    const dir = tempDir();
    const sandbox = ['--sandbox', DEMO, '--state', path.join(dir, 'S.json')];
    await cli('plan', '--connection', CONNECTION, '--report', path.join(dir, 'P.json'), ...sandbox);

    const { code, stdout, stderr } = await cli('execute', '--plan', path.join(dir, 'P.json'), ...sandbox);

    expect(code).toBe(0);
    expect(stderr).toBe(`target from the plan: connection ${CONNECTION}\n`);
    expect(stdout).toMatch(/DeleteConnection\s+deleted after/);
  });

  it('execute --plan FILE that is not a succeeded plan (an execute report) exits 2 and starts nothing', async () => {
    const dir = tempDir();
    const sandbox = ['--sandbox', DEMO, '--state', path.join(dir, 'S.json')];
    await cli('execute', '--connection', CONNECTION, '--report', path.join(dir, 'E.json'), ...sandbox);

    const { code, stderr } = await cli('execute', '--plan', path.join(dir, 'E.json'), ...sandbox);
    const listed = await cli('list', ...sandbox);

    expect(code).toBe(2);
    expect(stderr).toMatch(/is the report of an execute mode, not of a plan/);
    expect(listed.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('--input naming the mode of the other command exits 2 and starts nothing', async () => {
    const dir = tempDir();
    const sandbox = ['--sandbox', DEMO, '--state', path.join(dir, 'S.json')];
    writeFileSync(path.join(dir, 'input.json'), JSON.stringify({ connectionId: CONNECTION, mode: 'plan' }));

    const { code, stderr } = await cli('execute', '--input', path.join(dir, 'input.json'), ...sandbox);
    const listed = await cli('list', ...sandbox);

    expect(code).toBe(2);
    expect(stderr).toMatch(/the input's "mode" is "plan", but this is the execute command/);
    expect(listed.stdout).toMatch(/^No executions on sandbox scenario demo/m);
  });

  it('--input without a mode runs in the command mode', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'input.json'), JSON.stringify({ connectionId: CONNECTION }));

    const { code } = await cli('plan', '--input', path.join(dir, 'input.json'), '--report', path.join(dir, 'R.json'), '--sandbox', DEMO);

    expect(code).toBe(0);
    expect(readReport(path.join(dir, 'R.json')).mode).toBe('plan');
  });

  it('--input with a mode that is no mode ("destroy") is sent as it is: the workflow refuses it, InvalidRequest, exit 1', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'input.json'), JSON.stringify({ connectionId: CONNECTION, mode: 'destroy' }));

    const { code, stdout } = await cli('execute', '--input', path.join(dir, 'input.json'), '--sandbox', DEMO);

    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ execution failed: InvalidRequest/);
  });

  it('a plan by an environment nothing is tagged for says so where to look, and still exits 0 (demo: only an unproven stack is examined)', async () => {
    const { code, stdout } = await cli('plan', '--environment', 'paymnets-prod', '--management-account', '444455556666', '--sandbox', DEMO);

    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Note: nothing in this account is tagged for environment paymnets-prod of management account 444455556666: .*a sweep in plan mode lists/m,
    );
  });

  it('without --state, each command starts from the scenario: nothing is listed, and list says why', async () => {
    await cli('plan', '--connection', CONNECTION, '--sandbox', DEMO);

    const { code, stdout } = await cli('list', '--sandbox', DEMO);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^No executions on sandbox scenario demo\.$/m);
    expect(stdout).toMatch(/^Without --state FILE each command starts from the scenario, so nothing an earlier command ran is listed/m);
  });

  it('with --state, an empty list says only that there are no executions', async () => {
    const state = path.join(tempDir(), 'S.json');
    const { stdout } = await cli('list', '--sandbox', DEMO, '--state', state);

    expect(stdout).toBe(`No executions on sandbox scenario demo (state ${state}).\n`);
  });

  it('watch prints the progress lines of an execution that has ended, with its simulated elapsed time', async () => {
    const state = path.join(tempDir(), 'S.json');
    const executed = await cli('execute', '--connection', CONNECTION, '--sandbox', DEMO, '--state', state);

    const { code, stdout } = await cli('watch', startedName(executed.stdout), '--sandbox', DEMO, '--state', state);

    expect(code).toBe(0);
    const progress = (text: string) => text.split('\n').filter((line) => /^ {2}[✓↻✗■]/.test(line));
    expect(progress(stdout)).toEqual(progress(executed.stdout));
    expect(stdout).toMatch(/succeeded after \d+m \d\ds, 5 of 5 stack\(s\) settled/);
  });

  it('exits 3 when a resource failed (a stack stuck in DELETE_FAILED), and report --failures shows only what failed or was kept', async () => {
    const state = path.join(tempDir(), 'S.json');
    const stuck = ['--sandbox', path.join(root, 'scenarios', 'stuck-stack.json'), '--state', state];
    const executed = await cli('execute', '--connection', CONNECTION, ...stuck);

    const report = await cli('report', startedName(executed.stdout), '--failures', '--format', 'csv', ...stuck);
    const outcomes = report.stdout
      .trim()
      .split('\r\n')
      .slice(1)
      .map((line) => line.split(',')[0]);

    expect(executed.code).toBe(3);
    expect(report.code).toBe(3);
    expect(new Set(outcomes)).toEqual(new Set(['failed', 'retained']));
  });

  it('report --failures prints, under each failed or kept row, the next step the workflow wrote', async () => {
    const state = path.join(tempDir(), 'S.json');
    const stuck = ['--sandbox', path.join(root, 'scenarios', 'stuck-stack.json'), '--state', state];
    const executed = await cli('execute', '--connection', CONNECTION, ...stuck);

    const { stdout } = await cli('report', startedName(executed.stdout), '--failures', ...stuck);
    const lines = stdout.split('\n');
    const failedRow = lines.findIndex((line) => /^failed\s+[a-z0-9-]+:[a-z-]+\s/.test(line));

    expect(failedRow).toBeGreaterThan(0);
    expect(lines.slice(failedRow + 1, failedRow + 3).join('\n')).toMatch(/^ {4}next step: \S/m);
  });

  it.each([['null'], ['0'], ['false'], ['""']])('--input %s ends as in AWS: InvalidRequest, a failure report, exit 1', async (text) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'input.json'), text);

    const { code, stdout } = await cli('execute', '--input', path.join(dir, 'input.json'), '--report', path.join(dir, 'R.json'), '--sandbox', DEMO);

    expect(code).toBe(1);
    expect(stdout).toMatch(/✗ execution failed: InvalidRequest/);
    expect(readReport(path.join(dir, 'R.json')).failure?.error).toBe('InvalidRequest');
  });

  it('runs a sweep end to end: the cleanups it started run after it, each with its summary', async () => {
    const { code, stdout } = await cli('execute', '--sweep', '--sandbox', path.join(root, 'scenarios', 'sweep-after-proton.json'));

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Cleanup sweep-\S+ \(payments-prod\), started by the sweep: succeeded$/m);
  });

  it('refuses a state file made from another scenario (exit 2), and leaves it as it was', async () => {
    const state = path.join(tempDir(), 'S.json');
    await cli('plan', '--connection', CONNECTION, '--sandbox', DEMO, '--state', state);
    const before = readFileSync(state, 'utf8');

    const { code, stderr } = await cli('list', '--sandbox', path.join(root, 'scenarios', 'stuck-stack.json'), '--state', state);

    expect(code).toBe(2);
    expect(stderr).toMatch(/holds the account of scenario "demo"/);
    expect(readFileSync(state, 'utf8')).toBe(before);
  });

  it.each([
    [['plan', '--connection', 'not-a-uuid', '--sandbox', DEMO], /--connection: expected a UUID/],
    [['plan', '--environment', 'payments-prod', '--sandbox', DEMO], /--environment NAME and --management-account ID go together/],
    [
      ['plan', '--connection', CONNECTION, '--delete-types', 's3:bukket', '--sandbox', DEMO],
      /--delete-types: "s3:bukket" is not a type .* s3:bucket, logs:log-group/,
    ],
    [['plan', '--environment', 'a', '--environment', 'b', '--sandbox', DEMO], /--environment is given more than once/],
    [['plan', '--frobnicate', '--sandbox', DEMO], /plan has no option --frobnicate: proton-cleanup plan --help lists its options/],
    [['plan', '--connection', CONNECTION], /give one target: --sandbox SCENARIO .* or --stack NAME/],
    [['plan', '--connection', CONNECTION, '--sandbox', DEMO, '--stack', 'x'], /give one target/],
    [['report', '--sandbox', DEMO], /report takes EXECUTION/],
    [['report', 'x', '--format', 'yaml', '--sandbox', DEMO], /--format must be one of table, json, markdown, csv/],
    [['report', 'no-such-execution', '--sandbox', DEMO], /no execution named no-such-execution/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['plan', '--input', 'x.json', '--connection', CONNECTION, '--sandbox', DEMO], /--input gives the whole request: drop --connection/],
  ])('exits 2 with a clear usage error for %j, starting nothing', async (args, message) => {
    const { code, stderr } = await cli(...args);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('--help lists the commands and both targets', async () => {
    const { code, stdout } = await cli('--help');

    expect(code).toBe(0);
    for (const command of ['plan', 'execute', 'watch EXECUTION', 'report EXECUTION', 'list']) expect(stdout).toMatch(new RegExp(`^ {2}${command}\\s`, 'm'));
    for (const target of ['--sandbox SCENARIO', '--state FILE', '--stack NAME', '--region', '--profile']) expect(stdout).toContain(target);
  });

  it.each([['plan'], ['execute'], ['watch'], ['report'], ['list']])('%s --help documents its options', async (command) => {
    const { code, stdout } = await cli(command, '--help');

    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: proton-cleanup ${command}`));
  });

  it.each([
    ['plan', /none named, the\s+command's is added/],
    ['execute', /without --connection\/--environment, the plan's target is\s+used/],
    ['report', /next step/],
  ])('%s --help documents what the command does with its request and report', async (command, text) => {
    expect((await cli(command, '--help')).stdout).toMatch(text);
  });

  describe('the bin (bin/proton-cleanup.js)', () => {
    const bin = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(root, 'bin', 'proton-cleanup.js'), ...args], { cwd: root });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failed = error as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
      }
    };

    it('prints the help and exits 0', async () => {
      const { code, stdout } = await bin('--help');

      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: proton-cleanup <command>/);
    });

    it.runIf(olderSystemNode)("runs under an older Node.js (the system one), re-executing itself with the project's Node.js 22", async () => {
      const { stdout } = await promisify(execFile)(olderSystemNode ?? '', [path.join(root, 'bin', 'proton-cleanup.js'), 'list', '--sandbox', DEMO], {
        cwd: root,
      });

      expect(stdout).toMatch(/^No executions on sandbox scenario demo\.$/m);
    });

    it('runs a plan on the sandbox, writes the report, and keeps the state file', async () => {
      const dir = tempDir();
      const { code } = await bin(
        'plan',
        '--connection',
        CONNECTION,
        '--report',
        path.join(dir, 'P.json'),
        '--sandbox',
        DEMO,
        '--state',
        path.join(dir, 'S.json'),
      );

      expect(code).toBe(0);
      expect(readReport(path.join(dir, 'P.json')).mode).toBe('plan');
      expect(existsSync(path.join(dir, 'S.json'))).toBe(true);
    });
  });
});

describe('a run by an environment that is not there', () => {
  it("ends its summary with the report's note: nothing is tagged for it (exit code unchanged)", async () => {
    const afterProton = path.join(root, 'scenarios', 'after-proton.json');
    const { code, stdout } = await cli('plan', '--environment', 'paymnets-prod', '--management-account', '444455556666', '--sandbox', afterProton);

    expect(code).toBe(0);
    expect(stdout).toContain('Note: nothing in this account is tagged for environment paymnets-prod of management account 444455556666');
  });
});
