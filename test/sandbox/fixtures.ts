import { LOCAL_RESOURCES } from '../../local/local-environment.js';
import { Sandbox } from '../../local/sandbox/sandbox.js';
import { type ScenarioInput, ScenarioSchema } from '../../local/sandbox/scenario.js';
import { scenario } from '../helpers/scenarios.js';

/**
 * Sandboxes answered call by call, without SDK clients: what a service answers, when, and
 * how the sandbox clock moves, with nothing (pacing, retries) in between.
 */
/** No latency: the clock moves only when the test moves it (the default rate limits hold). */
export const INSTANT = { latencyMs: { '*': 0 } };

/** No latency and no rate limit: only the test moves the clock, and every call is admitted. */
export const UNTIMED = { latencyMs: { '*': 0 }, callsPerSecond: {} };

/** A sandbox of the test scenario (overrides applied). */
export function sandboxOf(overrides: Partial<ScenarioInput> = {}): Sandbox {
  return new Sandbox(ScenarioSchema.parse(scenario(overrides)), {
    reportBucket: LOCAL_RESOURCES.reportBucket,
    topicArn: `arn:aws:sns:us-east-1:111122223333:${LOCAL_RESOURCES.topicName}`,
  });
}

const CLIENT_OF: Record<string, string> = {
  cloudformation: 'CloudFormationClient',
  tagging: 'ResourceGroupsTaggingAPIClient',
  proton: 'ProtonClient',
  s3: 'S3Client',
  sns: 'SNSClient',
  eventbridge: 'EventBridgeClient',
  stepfunctions: 'SFNClient',
  ssm: 'SSMClient',
};

/** One call, as the service's SDK client would send it: its output, or the name of the error it threw. */
export function send(sandbox: Sandbox, api: `${string}:${string}`, input: Record<string, unknown> = {}): { output?: unknown; error?: string } {
  const [service = '', operation = ''] = api.split(':');
  try {
    return { output: sandbox.answer(CLIENT_OF[service] ?? service, `${operation}Command`, input) };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

/** The scenario of `sandboxOf`, parsed: the way a scenario file is loaded (its errors, or its content). */
export function loadScenario(overrides: Partial<ScenarioInput> = {}): { ok: true } | { ok: false; issues: { path: string; message: string }[] } {
  const parsed = ScenarioSchema.safeParse(scenario(overrides));
  return parsed.success ? { ok: true } : { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
}

interface DescribedStack {
  StackId: string;
  StackName: string;
  StackStatus: string;
  StackStatusReason?: string;
  ParentId?: string;
  RootId?: string;
  EnableTerminationProtection?: boolean;
  Tags: { Key: string; Value: string }[];
}

/** The stack as DescribeStacks answers it (by name or ID). */
export function describeStack(sandbox: Sandbox, stackNameOrId: string): DescribedStack {
  const { output, error } = send(sandbox, 'cloudformation:DescribeStacks', { StackName: stackNameOrId });
  if (error) throw new Error(`DescribeStacks ${stackNameOrId} failed: ${error}`);
  return (output as { Stacks: DescribedStack[] }).Stacks[0]!;
}

/** The stack's Tags from DescribeStacks, as a map. */
export function stackTags(sandbox: Sandbox, stackNameOrId: string): Record<string, string> {
  return Object.fromEntries(describeStack(sandbox, stackNameOrId).Tags.map((t) => [t.Key, t.Value]));
}

/** What GetResources answers for these ARNs: ARN → tags (an ARN it does not return is absent). */
export function taggingView(sandbox: Sandbox, arns: string[]): Map<string, Record<string, string>> {
  const { output, error } = send(sandbox, 'tagging:GetResources', { ResourceARNList: arns });
  if (error) throw new Error(`GetResources failed: ${error}`);
  const list = (output as { ResourceTagMappingList: { ResourceARN: string; Tags: { Key: string; Value: string }[] }[] }).ResourceTagMappingList;
  return new Map(list.map((r) => [r.ResourceARN, Object.fromEntries(r.Tags.map((t) => [t.Key, t.Value]))]));
}

/** The ARN of the resource with this logical ID in the stack (as the sandbox named it). */
export function resourceArnOf(sandbox: Sandbox, stackName: string, logicalId: string): string {
  const arn = sandbox.account.stackByName(stackName)?.resources.find((r) => r.logicalId === logicalId)?.arn;
  if (!arn) throw new Error(`no resource ${logicalId} in stack ${stackName}`);
  return arn;
}

export interface StackEvent {
  LogicalResourceId: string;
  PhysicalResourceId: string;
  ResourceType: string;
  ResourceStatus: string;
  ResourceStatusReason?: string;
  Timestamp: Date;
}

/** Every event DescribeStackEvents answers for the stack, newest first. */
export function stackEvents(sandbox: Sandbox, stackNameOrId: string): StackEvent[] {
  const { output, error } = send(sandbox, 'cloudformation:DescribeStackEvents', { StackName: stackNameOrId });
  if (error) throw new Error(`DescribeStackEvents failed: ${error}`);
  return (output as { StackEvents: StackEvent[] }).StackEvents;
}

/** The stack's status as DescribeStacks answers it (by name or ID), or the error it answers. */
export function statusOf(sandbox: Sandbox, stackNameOrId: string): string | undefined {
  const { output, error } = send(sandbox, 'cloudformation:DescribeStacks', { StackName: stackNameOrId });
  return error ?? (output as { Stacks: { StackStatus: string }[] }).Stacks[0]?.StackStatus;
}

export function stackIdOf(sandbox: Sandbox, name: string): string {
  const stack = sandbox.account.stackByName(name);
  if (!stack) throw new Error(`no stack named ${name} in the sandbox`);
  return stack.stackId;
}

/** Starts the stack's deletion; returns the sandbox time it started at. */
export function deleteStack(sandbox: Sandbox, name: string, input: Record<string, unknown> = {}): number {
  const at = sandbox.clock.now();
  const { error } = send(sandbox, 'cloudformation:DeleteStack', { StackName: stackIdOf(sandbox, name), ...input });
  if (error) throw new Error(`DeleteStack ${name} failed: ${error}`);
  return at;
}

interface Summary {
  StackId: string;
  StackName: string;
  StackStatus: string;
  StackStatusReason?: string;
  DeletionTime?: Date;
}

/** Every page of ListStacks, with the filter given; `between` runs after each page. */
export function listStacks(sandbox: Sandbox, filter?: string[], between: () => void = () => {}): { summaries: Summary[]; pages: number } {
  const summaries: Summary[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const { output, error } = send(sandbox, 'cloudformation:ListStacks', {
      ...(filter ? { StackStatusFilter: filter } : {}),
      ...(token ? { NextToken: token } : {}),
    });
    if (error) throw new Error(`ListStacks failed: ${error}`);
    const page = output as { StackSummaries: Summary[]; NextToken?: string };
    summaries.push(...page.StackSummaries);
    token = page.NextToken;
    pages += 1;
    between();
  } while (token);
  return { summaries, pages };
}
