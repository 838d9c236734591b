import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';

/**
 * Everything the operator CLI asks of a deployment, in one place: the deployment's resources
 * (the stack's outputs), who is asking, the executions of its state machine and the objects of
 * its report bucket. Two implementations: a deployed stack (aws-target.ts: SDK clients with the
 * AWS CLI's credentials) and the embedded sandbox (sandbox-target.ts: the same SDK clients,
 * answered by the sandbox, which also runs each execution it starts). Both go through SdkAccess.
 */
export interface DeploymentResources {
  stateMachineArn: string;
  reportBucket: string;
  topicArn?: string;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface ExecutionInfo {
  arn: string;
  name: string;
  status: ExecutionStatus;
  startedAt: Date;
  stoppedAt?: Date;
  error?: string;
  cause?: string;
  /** The input it was started with, as JSON text (DescribeExecution only). */
  input?: string;
}

export interface CleanupAccess {
  /** What the commands run against, for people ("stack X in eu-west-1", "sandbox scenario demo"). */
  readonly description: string;
  resources(): Promise<DeploymentResources>;
  /** Who is asking (the caller's ARN), recorded in the request as `requestedBy`. */
  caller(): Promise<string>;
  startExecution(name: string, input: unknown): Promise<ExecutionInfo>;
  describeExecution(nameOrArn: string): Promise<ExecutionInfo | undefined>;
  executionHistory(nameOrArn: string): Promise<HistoryEvent[]>;
  /** Newest first. */
  listExecutions(max: number): Promise<ExecutionInfo[]>;
  getObject(key: string): Promise<string | undefined>;
  putObject(key: string, body: string): Promise<void>;
  /** The simulated time on the sandbox; the real time for a deployed stack. */
  now(): number;
  /** Waits between two looks at a running execution (no time at all on the sandbox). */
  pause(): Promise<void>;
  /** Done with the target (the sandbox saves its state file). */
  close(): Promise<void>;
}

const hasName = (error: unknown, ...names: string[]) => error instanceof Error && names.includes(error.name);

/** The SDK calls both targets make, over the clients each gives. */
export class SdkAccess {
  constructor(
    private readonly clients: { sfn: SFNClient; s3: S3Client },
    private readonly deployment: () => Promise<DeploymentResources>,
  ) {}

  async executionArn(nameOrArn: string): Promise<string> {
    if (nameOrArn.startsWith('arn:')) return nameOrArn;
    const { stateMachineArn } = await this.deployment();
    return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${nameOrArn}`;
  }

  async startExecution(name: string, input: unknown): Promise<ExecutionInfo> {
    const { stateMachineArn } = await this.deployment();
    const started = await this.clients.sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return { arn: started.executionArn ?? (await this.executionArn(name)), name, status: 'RUNNING', startedAt: started.startDate ?? new Date() };
  }

  async describeExecution(nameOrArn: string): Promise<ExecutionInfo | undefined> {
    try {
      const e = await this.clients.sfn.send(new DescribeExecutionCommand({ executionArn: await this.executionArn(nameOrArn) }));
      return {
        arn: e.executionArn ?? '',
        name: e.name ?? '',
        status: (e.status ?? 'RUNNING') as ExecutionStatus,
        startedAt: e.startDate ?? new Date(0),
        ...(e.stopDate ? { stoppedAt: e.stopDate } : {}),
        ...(e.error !== undefined ? { error: e.error } : {}),
        ...(e.cause !== undefined ? { cause: e.cause } : {}),
        ...(e.input !== undefined ? { input: e.input } : {}),
      };
    } catch (error) {
      if (hasName(error, 'ExecutionDoesNotExist', 'InvalidArn')) return undefined;
      throw error;
    }
  }

  async executionHistory(nameOrArn: string): Promise<HistoryEvent[]> {
    const executionArn = await this.executionArn(nameOrArn);
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.clients.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }));
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return events;
  }

  async listExecutions(max: number): Promise<ExecutionInfo[]> {
    const { stateMachineArn } = await this.deployment();
    const found: ExecutionInfo[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.clients.sfn.send(
        new ListExecutionsCommand({ stateMachineArn, maxResults: Math.min(1000, max - found.length), ...(nextToken ? { nextToken } : {}) }),
      );
      for (const e of page.executions ?? []) {
        found.push({
          arn: e.executionArn ?? '',
          name: e.name ?? '',
          status: (e.status ?? 'RUNNING') as ExecutionStatus,
          startedAt: e.startDate ?? new Date(0),
          ...(e.stopDate ? { stoppedAt: e.stopDate } : {}),
        });
      }
      nextToken = page.nextToken;
    } while (nextToken && found.length < max);
    return found.slice(0, max);
  }

  async getObject(key: string): Promise<string | undefined> {
    const { reportBucket } = await this.deployment();
    try {
      const object = await this.clients.s3.send(new GetObjectCommand({ Bucket: reportBucket, Key: key }));
      return await object.Body?.transformToString('utf8');
    } catch (error) {
      if (hasName(error, 'NoSuchKey', 'NotFound')) return undefined;
      throw error;
    }
  }

  async putObject(key: string, body: string): Promise<void> {
    const { reportBucket } = await this.deployment();
    await this.clients.s3.send(new PutObjectCommand({ Bucket: reportBucket, Key: key, Body: body, ContentType: 'application/json' }));
  }
}
