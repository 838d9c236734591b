import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Resource, ROOT, type Statement, type Template } from './packaged-template.js';

/**
 * The template as packaged for the longest stage and Region the README documents
 * (`--stage production --region ap-southeast-2`), checked against the name limits AWS publishes:
 * - IAM role names: 64 characters; inline policy names: 128 (IAM and AWS STS quotas,
 *   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html);
 * - Lambda function names: 64 characters (CreateFunction, FunctionName "1 to 64 characters");
 * - state machine names: 80 characters (CreateStateMachine, `name`, "1-80");
 * - CloudWatch Logs log group names: 512 characters (CreateLogGroup, logGroupName);
 * - an event bus policy's StatementId: 64 characters (PutPermission, StatementId "1-64").
 * And the review's two template fixes: the alarm's metric math FILLs each metric (a metric with no
 * data in a period makes `a + b` return no data: CloudWatch "Using metric math", FILL), and the
 * dead-letter queue's policy names the rules and the schedule that may use it (aws:SourceArn,
 * as EventBridge's dead-letter queue documentation shows).
 */
const STAGE = 'production';
const REGION = 'ap-southeast-2';
const PSEUDO: Record<string, string> = {
  'AWS::Region': REGION,
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::StackName': `proton-connection-cleanup-${STAGE}`,
};

let template: Template;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pcc-limits-'));
  await promisify(execFile)(path.join(ROOT, 'node_modules', '.bin', 'serverless'), ['package', '--stage', STAGE, '--region', REGION, '--package', dir], {
    cwd: ROOT,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    maxBuffer: 10 * 1024 * 1024,
  });
  template = JSON.parse(await readFile(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A name as CloudFormation would resolve it; a name that depends on another resource's physical id fails the test. */
function resolved(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, unknown>;
  if (v && typeof v === 'object') {
    if ('Ref' in v && typeof v.Ref === 'string' && v.Ref in PSEUDO) return PSEUDO[v.Ref]!;
    if ('Fn::Join' in v) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(resolved).join(sep);
    }
    if ('Fn::Sub' in v && typeof v['Fn::Sub'] === 'string') {
      return v['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
        if (name in PSEUDO) return PSEUDO[name]!;
        throw new Error(`cannot resolve ${whole}`);
      });
    }
  }
  throw new Error(`cannot resolve a name from ${JSON.stringify(value)}`);
}

const ofType = (type: string): [string, Resource][] => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

describe(`names within AWS limits with --stage ${STAGE} --region ${REGION}`, () => {
  it('packages (the framework refuses a role name over 64 characters)', () => {
    expect(ofType('AWS::IAM::Role').length).toBeGreaterThan(0);
  });

  it('gives every IAM role a name of at most 64 characters, and every inline policy one of at most 128', () => {
    const roles = ofType('AWS::IAM::Role');
    for (const [id, role] of roles) {
      expect(role.Properties?.RoleName, `${id} has a RoleName`).toBeDefined();
      expect(resolved(role.Properties?.RoleName).length, `${id} RoleName ${resolved(role.Properties?.RoleName)}`).toBeLessThanOrEqual(64);
      for (const policy of (role.Properties?.Policies ?? []) as { PolicyName: unknown }[]) {
        expect(resolved(policy.PolicyName).length, `${id} policy ${resolved(policy.PolicyName)}`).toBeLessThanOrEqual(128);
      }
    }
    const names = roles.map(([, r]) => resolved(r.Properties?.RoleName));
    expect(new Set(names).size).toBe(names.length);
  });

  it('names every Lambda function in at most 64 characters and the state machine in at most 80', () => {
    for (const [id, fn] of ofType('AWS::Lambda::Function')) {
      expect(resolved(fn.Properties?.FunctionName).length, id).toBeLessThanOrEqual(64);
    }
    for (const [id, sm] of ofType('AWS::StepFunctions::StateMachine')) {
      expect(resolved(sm.Properties?.StateMachineName).length, id).toBeLessThanOrEqual(80);
    }
  });

  it('keeps log group names within 512 characters and the event bus policy statement id within 64', () => {
    for (const [id, group] of ofType('AWS::Logs::LogGroup')) {
      expect(resolved(group.Properties?.LogGroupName).length, id).toBeLessThanOrEqual(512);
    }
    for (const [id, policy] of ofType('AWS::Events::EventBusPolicy')) {
      expect(resolved(policy.Properties?.StatementId).length, id).toBeLessThanOrEqual(64);
    }
  });
});

describe('the alarm and the dead-letter queue', () => {
  it("fills each metric the alarm's expression adds, so that one metric without data never silences it", () => {
    const [, alarm] = ofType('AWS::CloudWatch::Alarm').find(([id]) => id === 'ExecutionsFailedAlarm')!;
    const metrics = alarm.Properties?.Metrics as { Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: unknown }[];
    const inputs = metrics.filter((m) => m.MetricStat).map((m) => m.Id);
    const [expression] = metrics.filter((m) => m.ReturnData !== false && m.Expression).map((m) => m.Expression!);

    expect(inputs).toEqual(['failed', 'timedOut']);
    for (const id of inputs) {
      expect(expression).toContain(`FILL(${id}, 0)`);
      // No bare use of the metric besides its FILL.
      expect(expression!.replaceAll(`FILL(${id}, 0)`, '')).not.toMatch(new RegExp(`\\b${id}\\b`));
    }
  });

  it("lets only this deployment's rules and schedule send to the dead-letter queue (aws:SourceArn names each)", () => {
    const [, policy] = ofType('AWS::SQS::QueuePolicy')[0]!;
    const statements = (policy.Properties!.PolicyDocument as { Statement: Statement[] }).Statement.filter((s) => s.Effect === 'Allow');
    const sourceArns = (principal: string) => {
      const matching = statements.filter((s) => [(s.Principal as { Service?: unknown }).Service].flat().includes(principal));
      expect(matching.length, principal).toBeGreaterThan(0);
      return matching.flatMap((s) => {
        // Each statement that lets a service send names the sources; none is left to the account alone.
        const condition = s.Condition as Record<string, Record<string, unknown>> | undefined;
        const arns = condition?.ArnEquals?.['aws:SourceArn'] ?? condition?.ArnLike?.['aws:SourceArn'];
        expect(arns, `${principal} statement has an aws:SourceArn condition`).toBeDefined();
        return [arns].flat();
      });
    };
    const dlqTargets = (type: string) =>
      ofType(type)
        .filter(([, r]) => JSON.stringify(r.Properties).includes('"TriggerDeadLetterQueue"'))
        .map(([id]) => ({ 'Fn::GetAtt': [id, 'Arn'] }));
    const rules = dlqTargets('AWS::Events::Rule');
    const schedules = dlqTargets('AWS::Scheduler::Schedule');

    // The three triggers (Proton's two events, the decommission request) and the sweep children's end (CollectFleet).
    expect(rules).toHaveLength(4);
    expect(sourceArns('events.amazonaws.com')).toEqual(expect.arrayContaining(rules));
    expect(sourceArns('events.amazonaws.com')).toHaveLength(rules.length);
    expect(sourceArns('scheduler.amazonaws.com')).toEqual(schedules);
  });
});
