import { describe, expect, it } from 'vitest';
import { LOCAL_RESOURCES } from '../../local/local-environment.js';
import { CONNECTION_ID, environmentStack, standaloneResource } from '../helpers/scenarios.js';
import { resourceArnOf, sandboxOf, send, stackIdOf, UNTIMED } from './fixtures.js';

/** The other services' rules, call by call: Proton, the Tagging API's filters, CloudFormation's refusals, S3, SNS, EventBridge, Step Functions. */
const TOPIC = `arn:aws:sns:us-east-1:111122223333:${LOCAL_RESOURCES.topicName}`;

describe('Proton', () => {
  it('GetEnvironmentAccountConnection answers the connection', () => {
    const { output } = send(sandboxOf(), 'proton:GetEnvironmentAccountConnection', { id: CONNECTION_ID });
    expect(output).toMatchObject({ environmentAccountConnection: { id: CONNECTION_ID, status: 'CONNECTED', environmentAccountId: '111122223333' } });
  });

  it('a second DeleteEnvironmentAccountConnection answers ResourceNotFoundException', () => {
    const sandbox = sandboxOf({ timing: UNTIMED });
    expect(send(sandbox, 'proton:DeleteEnvironmentAccountConnection', { id: CONNECTION_ID }).error).toBeUndefined();
    expect(send(sandbox, 'proton:DeleteEnvironmentAccountConnection', { id: CONNECTION_ID }).error).toBe('ResourceNotFoundException');
  });

  it('ListEnvironmentAccountConnections refuses a missing requestedBy with ValidationException', () => {
    expect(send(sandboxOf(), 'proton:ListEnvironmentAccountConnections', {}).error).toBe('ValidationException');
  });

  it("ListTagsForResource answers the connection's customer tags", () => {
    const sandbox = sandboxOf({
      connections: [{ id: CONNECTION_ID, environmentName: 'payments-prod', roleName: 'R', tags: { 'proton-cleanup:decommission-on': '2026-12-01' } }],
    });
    const arn = sandbox.account.connections.get(CONNECTION_ID)!.arn;
    expect(send(sandbox, 'proton:ListTagsForResource', { resourceArn: arn }).output).toEqual({
      tags: [{ key: 'proton-cleanup:decommission-on', value: '2026-12-01' }],
    });
  });
});

describe("the Tagging API's GetResources filters", () => {
  const arnsOf = (output: unknown) => (output as { ResourceTagMappingList: { ResourceARN: string }[] }).ResourceTagMappingList.map((r) => r.ResourceARN);
  const sandbox = () =>
    sandboxOf({
      stacks: [],
      timing: UNTIMED,
      standaloneResources: [
        standaloneResource('AWS::S3::Bucket', 'a'),
        standaloneResource('AWS::S3::Bucket', 'b', { environment: 'other' }),
        standaloneResource('AWS::Logs::LogGroup', '/c'),
      ],
    });

  it('AND-s keys and OR-s the values of one key', () => {
    const s = sandbox();
    const env = (name: string) => `arn:aws:proton:us-east-1:444455556666:environment/${name}`;
    const { output } = send(s, 'tagging:GetResources', {
      TagFilters: [
        { Key: 'proton:environment', Values: [env('payments-prod'), env('other')] },
        { Key: 'proton:account', Values: ['444455556666'] },
      ],
    });
    expect(arnsOf(output)).toHaveLength(3);
    expect(arnsOf(send(s, 'tagging:GetResources', { TagFilters: [{ Key: 'proton:environment', Values: [env('other')] }] }).output)).toEqual(['arn:aws:s3:::b']);
  });

  it('narrows by ResourceTypeFilters', () => {
    expect(arnsOf(send(sandbox(), 'tagging:GetResources', { ResourceTypeFilters: ['logs:log-group'] }).output)).toHaveLength(1);
  });

  it('refuses ResourcesPerPage outside 1–100 with InvalidParameterException', () => {
    expect(send(sandbox(), 'tagging:GetResources', { ResourcesPerPage: 101 }).error).toBe('InvalidParameterException');
  });

  it('refuses ResourceARNList with TagFilters with InvalidParameterException', () => {
    expect(send(sandbox(), 'tagging:GetResources', { ResourceARNList: ['arn:aws:s3:::a'], TagFilters: [{ Key: 'x' }] }).error).toBe(
      'InvalidParameterException',
    );
  });
});

describe("the Tagging API's GetResources pages and lookups", () => {
  interface Page {
    ResourceTagMappingList: { ResourceARN: string }[];
    PaginationToken: string;
  }
  const logGroups = (n: number) => Array.from({ length: n }, (_, i) => standaloneResource('AWS::Logs::LogGroup', `/paged/${i}`));
  const arnOf = (name: string) => `arn:aws:logs:us-east-1:111122223333:log-group:${name}`;

  /** Every page of GetResources (`ResourcesPerPage` 50); `between` runs after each page. */
  function allPages(sandbox: ReturnType<typeof sandboxOf>, between: () => void = () => {}): { arns: string[]; tokens: string[] } {
    const arns: string[] = [];
    const tokens: string[] = [];
    let token = '';
    do {
      const { output, error } = send(sandbox, 'tagging:GetResources', { ResourcesPerPage: 50, ...(token ? { PaginationToken: token } : {}) });
      if (error) throw new Error(`GetResources failed: ${error}`);
      const page = output as Page;
      arns.push(...page.ResourceTagMappingList.map((r) => r.ResourceARN));
      token = page.PaginationToken;
      tokens.push(token);
      between();
    } while (token);
    return { arns, tokens };
  }

  it('pages by ResourcesPerPage with a PaginationToken, empty on the last page', () => {
    const groups = logGroups(120);
    const { arns, tokens } = allPages(sandboxOf({ stacks: [], timing: UNTIMED, standaloneResources: groups }));

    expect(arns).toEqual(groups.map((g) => arnOf(g.name)));
    expect(tokens.map((t) => t !== '')).toEqual([true, true, false]);
  });

  it('neither skips nor repeats a resource when resources of an earlier page are deleted between pages', () => {
    const groups = logGroups(120);
    const sandbox = sandboxOf({ stacks: [], timing: UNTIMED, standaloneResources: groups });
    let pages = 0;
    const { arns } = allPages(sandbox, () => {
      pages += 1;
      if (pages === 1) for (const g of groups.slice(0, 50)) sandbox.answer('CloudWatchLogsClient', 'DeleteLogGroupCommand', { logGroupName: g.name });
    });

    expect(arns).toEqual(groups.map((g) => arnOf(g.name)));
    expect(allPages(sandbox).arns).toHaveLength(70);
  });

  it('finds the resources of the stacks an aws:cloudformation:stack-id filter names, and only theirs', () => {
    const stacks = [environmentStack({ exports: [] }), environmentStack({ exports: [] }), environmentStack({ exports: [] })];
    const sandbox = sandboxOf({ stacks, timing: UNTIMED });
    const [first, , third] = stacks.map((s) => stackIdOf(sandbox, s.name));
    const { output } = send(sandbox, 'tagging:GetResources', { TagFilters: [{ Key: 'aws:cloudformation:stack-id', Values: [third, first] }] });

    expect((output as Page).ResourceTagMappingList.map((r) => r.ResourceARN)).toEqual([
      resourceArnOf(sandbox, stacks[0]!.name, 'Vpc'),
      resourceArnOf(sandbox, stacks[2]!.name, 'Vpc'),
    ]);
  });

  it('answers ResourceARNList with the resources listed it returns, leaving out one that does not exist', () => {
    const groups = logGroups(3);
    const sandbox = sandboxOf({ stacks: [], timing: UNTIMED, standaloneResources: groups });
    const { output } = send(sandbox, 'tagging:GetResources', { ResourceARNList: [arnOf('/paged/2'), arnOf('/nowhere'), arnOf('/paged/0')] });

    expect((output as Page).ResourceTagMappingList.map((r) => r.ResourceARN)).toEqual([arnOf('/paged/0'), arnOf('/paged/2')]);
  });
});

describe('CloudFormation refuses', () => {
  it('DeleteStack on a stack with termination protection: ValidationError, and the stack is unchanged', () => {
    const stack = environmentStack({ exports: [], terminationProtection: true });
    const sandbox = sandboxOf({ stacks: [stack] });
    expect(send(sandbox, 'cloudformation:DeleteStack', { StackName: stackIdOf(sandbox, stack.name) }).error).toBe('ValidationError');
    expect(sandbox.account.stackByName(stack.name)?.status).toBe('CREATE_COMPLETE');
  });

  it('RetainResources on a stack that is not DELETE_FAILED: ValidationError', () => {
    const stack = environmentStack({ exports: [] });
    const sandbox = sandboxOf({ stacks: [stack] });
    expect(send(sandbox, 'cloudformation:DeleteStack', { StackName: stackIdOf(sandbox, stack.name), RetainResources: ['Vpc'] }).error).toBe('ValidationError');
  });
});

describe('S3, SNS, EventBridge and Step Functions hold what was sent', () => {
  it('S3 GetObject answers what PutObject stored in the report bucket; a missing key is NoSuchKey', async () => {
    const sandbox = sandboxOf({ timing: UNTIMED });
    send(sandbox, 's3:PutObject', { Bucket: LOCAL_RESOURCES.reportBucket, Key: 'r.json', Body: '{"a":1}' });
    const { output } = send(sandbox, 's3:GetObject', { Bucket: LOCAL_RESOURCES.reportBucket, Key: 'r.json' });
    expect(await (output as { Body: { transformToString(): Promise<string> } }).Body.transformToString()).toBe('{"a":1}');
    expect(send(sandbox, 's3:GetObject', { Bucket: LOCAL_RESOURCES.reportBucket, Key: 'nope' }).error).toBe('NoSuchKey');
  });

  it('S3 PutObject to a bucket that does not exist answers NoSuchBucket', () => {
    expect(send(sandboxOf(), 's3:PutObject', { Bucket: 'nope', Key: 'k', Body: 'x' }).error).toBe('NoSuchBucket');
  });

  it('SNS Publish records the message on the topic; an unknown topic answers NotFoundException', () => {
    const sandbox = sandboxOf({ timing: UNTIMED });
    send(sandbox, 'sns:Publish', { TopicArn: TOPIC, Subject: 's', Message: 'm' });
    expect(sandbox.account.topics.get(TOPIC)).toEqual([{ subject: 's', message: 'm' }]);
    expect(send(sandbox, 'sns:Publish', { TopicArn: `${TOPIC}-nope`, Message: 'm' }).error).toBe('NotFoundException');
  });

  it('EventBridge PutEvents records each entry', () => {
    const sandbox = sandboxOf();
    send(sandbox, 'eventbridge:PutEvents', { Entries: [{ Source: 's', DetailType: 'd', Detail: '{"x":1}' }] });
    expect(sandbox.account.events).toEqual([{ busName: 'default', source: 's', detailType: 'd', detail: { x: 1 }, resources: [] }]);
  });

  it('Step Functions StartExecution with the name and input of a running execution succeeds and starts nothing', () => {
    const sandbox = sandboxOf({ timing: UNTIMED });
    const start = { stateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:m', name: 'n', input: '{"a":1}' };
    expect(send(sandbox, 'stepfunctions:StartExecution', start).error).toBeUndefined();
    expect(send(sandbox, 'stepfunctions:StartExecution', start).error).toBeUndefined();
    expect(sandbox.account.executions).toHaveLength(1);
  });

  it('Step Functions StartExecution with a name already used, with another input or once closed, answers ExecutionAlreadyExists', () => {
    const sandbox = sandboxOf({ timing: UNTIMED });
    const start = { stateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:m', name: 'n', input: '{"a":1}' };
    send(sandbox, 'stepfunctions:StartExecution', start);
    expect(send(sandbox, 'stepfunctions:StartExecution', { ...start, input: '{"a":2}' }).error).toBe('ExecutionAlreadyExists');
    sandbox.account.executions[0]!.status = 'SUCCEEDED';
    expect(send(sandbox, 'stepfunctions:StartExecution', start).error).toBe('ExecutionAlreadyExists');
  });

  it('Step Functions ListExecutions lists the most recent execution first', () => {
    const sandbox = sandboxOf({ timing: UNTIMED });
    const stateMachineArn = 'arn:aws:states:us-east-1:111122223333:stateMachine:m';
    for (const name of ['first', 'second', 'third']) {
      send(sandbox, 'stepfunctions:StartExecution', { stateMachineArn, name, input: '{}' });
      sandbox.advanceTo(sandbox.clock.now() + 1_000);
    }
    const listed = send(sandbox, 'stepfunctions:ListExecutions', { stateMachineArn }).output as { executions: { name: string }[] };
    expect(listed.executions.map((e) => e.name)).toEqual(['third', 'second', 'first']);
  });

  it('Step Functions GetExecutionHistory answers the recorded events, oldest first, in pages; an unknown execution answers ExecutionDoesNotExist', () => {
    const sandbox = sandboxOf({ timing: UNTIMED });
    const stateMachineArn = 'arn:aws:states:us-east-1:111122223333:stateMachine:m';
    send(sandbox, 'stepfunctions:StartExecution', { stateMachineArn, name: 'n', input: '{}' });
    sandbox.account.executions[0]!.history = [1, 2, 3].map((id) => ({ id, previousEventId: id - 1, timestamp: 0, type: 'PassStateEntered' }));
    const executionArn = 'arn:aws:states:us-east-1:111122223333:execution:m:n';
    const first = send(sandbox, 'stepfunctions:GetExecutionHistory', { executionArn, maxResults: 2 }).output as { events: { id: number }[]; nextToken: string };
    const rest = send(sandbox, 'stepfunctions:GetExecutionHistory', { executionArn, maxResults: 2, nextToken: first.nextToken }).output as {
      events: { id: number }[];
    };
    expect([...first.events, ...rest.events].map((e) => e.id)).toEqual([1, 2, 3]);
    expect(send(sandbox, 'stepfunctions:GetExecutionHistory', { executionArn: `${executionArn}x` }).error).toBe('ExecutionDoesNotExist');
  });
});

describe('the record of calls', () => {
  it('keeps a large body by its size only (a long run would fill memory with progress objects), and a small one whole', async () => {
    const sandbox = sandboxOf();
    const bucket = LOCAL_RESOURCES.reportBucket;
    sandbox.answer('S3Client', 'PutObjectCommand', { Bucket: bucket, Key: 'small.json', Body: '{"a":1}' });
    sandbox.answer('S3Client', 'PutObjectCommand', { Bucket: bucket, Key: 'large.json', Body: 'x'.repeat(5_000) });

    expect(sandbox.callsTo('PutObject').map((c) => c.input.Body)).toEqual(['{"a":1}', '<body of 5000 characters, not recorded>']);
    expect(sandbox.account.objects.get(`${bucket}/large.json`)).toHaveLength(5_000);
  });
});
