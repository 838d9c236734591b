import { z } from 'zod';
import { fleetIssues, referenceIssues } from './scenario-references.js';

/**
 * A sandbox scenario: a simulated environment account (connections, Proton stacks with
 * their resources and exports, stand-alone tagged resources), the faults to inject, and the
 * trigger to run. Published as schemas/scenario.schema.json.
 */
const name = z.string().min(1).max(200);

const bucketObjects = z
  .number()
  .int()
  .min(0)
  .max(100000)
  .default(0)
  .describe('AWS::S3::Bucket only: objects, with versions, in the bucket (every second one also has a delete marker)');

export const OwnerSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('environment') }),
  z.strictObject({ kind: z.literal('service-instance'), service: name, instance: name }),
  z.strictObject({ kind: z.literal('component'), component: name }),
]);

const accountIdText = z.string().regex(/^\d{12}$/);

/** Tags a person (or another tool) put on a stack or resource: the protect tag, cost tags, anything. */
const customTags = z
  .record(z.string().min(1).max(128), z.string().max(256))
  .default({})
  .describe('customer tags (e.g. the protect tag proton-cleanup:protect, any value); never proton:* or aws:* keys, which the sandbox sets itself');

export const ResourceSpecSchema = z.strictObject({
  logicalId: z
    .string()
    .regex(/^[A-Za-z0-9]+$/)
    .describe('logical ID in the stack template'),
  type: z
    .string()
    .regex(/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/)
    .describe('CloudFormation resource type, e.g. AWS::S3::Bucket'),
  name: name.describe('physical name; the ARN is derived from it'),
  deletionPolicy: z.enum(['Delete', 'Retain']).default('Delete'),
  failsToDelete: z.string().optional().describe('CloudFormation fails to delete it with this reason'),
  taggable: z.boolean().default(true).describe('false: the Tagging API never returns it'),
  objects: bucketObjects,
  tags: customTags,
  environment: name
    .optional()
    .describe("tagged proton:* for this environment instead of its stack's (a resource someone re-tagged, or moved between environments): mixed ownership"),
  managementAccountId: accountIdText.optional().describe("with environment: its management account (defaults to the stack's)"),
});

/** The statuses a scenario's stack can start in. */
export const STACK_STATUSES = [
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'ROLLBACK_COMPLETE',
  'UPDATE_ROLLBACK_FAILED',
  'DELETE_FAILED',
  'DELETE_IN_PROGRESS',
] as const;

export const StackSpecSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z][-A-Za-z0-9]{0,127}$/),
  environment: name.describe('the Proton environment it was provisioned for'),
  managementAccountId: z
    .string()
    .regex(/^\d{12}$/)
    .optional()
    .describe('defaults to the scenario managementAccountId'),
  owner: OwnerSpecSchema,
  protonTags: z
    .enum(['stack', 'resources', 'both', 'none'])
    .default('both')
    .describe('where the proton:* tags are: on the stack, on its resources, both, or nowhere'),
  exports: z.array(name).default([]),
  imports: z.array(name).default([]),
  terminationProtection: z.boolean().default(false),
  serviceRole: name.optional().describe('name of the IAM role CloudFormation uses for the stack (RoleARN)'),
  deleteSeconds: z.number().int().min(1).max(86400).default(60).describe('seconds CloudFormation takes to delete the stack (on the sandbox clock)'),
  status: z.enum(STACK_STATUSES).default('CREATE_COMPLETE').describe('DELETE_IN_PROGRESS: someone else started its deletion; it settles after deleteSeconds'),
  resources: z.array(ResourceSpecSchema).default([]),
  tags: customTags,
  parent: name
    .optional()
    .describe('a nested stack: the name of its parent stack in this scenario (the root is the top-most ancestor); CloudFormation deletes it with its root'),
});

export const StandaloneResourceSchema = z.strictObject({
  type: z.string().regex(/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/),
  name,
  environment: name,
  managementAccountId: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  objects: bucketObjects,
});

export const ConnectionSpecSchema = z.strictObject({
  id: z.guid(),
  environmentName: name,
  managementAccountId: z
    .string()
    .regex(/^\d{12}$/)
    .optional(),
  status: z.enum(['PENDING', 'CONNECTED', 'REJECTED']).default('CONNECTED'),
  roleName: name,
  componentRoleName: name.optional(),
  codebuildRoleName: name.optional(),
  tags: z.record(z.string(), z.string()).default({}).describe('customer tags on the connection, e.g. proton-cleanup:decommission-on'),
});

/**
 * `ECONNRESET`, `ETIMEDOUT`, `ENOTFOUND`: the network fails (connection reset, timed out, DNS name
 * not resolved), as Node's HTTP stack reports it; `unreachable` is the same as `ENOTFOUND`.
 */
export const NETWORK_FAULT_KINDS = ['ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND'] as const;
export const FAULT_KINDS = ['throttle', 'conflict', 'internal', 'not-found', 'access-denied', 'unreachable', ...NETWORK_FAULT_KINDS] as const;

export const FaultSpecSchema = z.strictObject({
  operation: z.string().min(1).describe('API operation, e.g. DeleteEnvironmentAccountConnection, GetResources, DescribeStacks, or * for all'),
  error: z
    .enum(FAULT_KINDS)
    .describe(
      "what goes wrong; the service's own exception is thrown (e.g. throttle → Proton ThrottlingException, CloudFormation Throttling, Tagging ThrottledException)",
    ),
  after: z.number().int().min(0).default(0).describe('calls that succeed before the fault starts'),
  times: z.number().int().min(1).optional().describe('how many calls fail; omit for every call from then on'),
  every: z.number().int().min(1).default(1).describe('fail one call in this many (1: every call)'),
});

/** What a change acts on: a stack, a resource of a stack (by logical ID), or a stand-alone resource. */
const ChangeTargetSchema = z.union([
  z.strictObject({
    stack: name,
    logicalId: z
      .string()
      .regex(/^[A-Za-z0-9]+$/)
      .optional(),
  }),
  z.strictObject({ standalone: name }),
]);

/**
 * Something that happens in the account while a run goes on, at a moment on the sandbox clock
 * (`at`: seconds after the sandbox opened), the way a person or another tool would do it.
 */
export const ChangeSpecSchema = z.discriminatedUnion('action', [
  z.strictObject({
    at: z.number().min(0),
    action: z.literal('tag'),
    target: ChangeTargetSchema,
    tags: z.record(z.string().min(1).max(128), z.string().max(256)).describe('tags set (added or overwritten), proton:* ones included'),
  }),
  z.strictObject({ at: z.number().min(0), action: z.literal('untag'), target: ChangeTargetSchema, keys: z.array(z.string().min(1)).min(1) }),
  z.strictObject({ at: z.number().min(0), action: z.literal('termination-protection'), stack: name, enabled: z.boolean() }),
  z.strictObject({ at: z.number().min(0), action: z.literal('create-connection'), connection: z.lazy(() => ConnectionSpecSchema) }),
  z.strictObject({ at: z.number().min(0), action: z.literal('delete-connection'), id: z.guid() }),
  z.strictObject({ at: z.number().min(0), action: z.literal('connection-status'), id: z.guid(), status: z.enum(['PENDING', 'CONNECTED', 'REJECTED']) }),
  z
    .strictObject({ at: z.number().min(0), action: z.literal('update-stack'), stack: name })
    .describe('someone updates a stack (its LastUpdatedTime changes: what it holds may have changed)'),
  z
    .strictObject({ at: z.number().min(0), action: z.literal('put-objects'), bucket: name, objects: z.number().int().min(1).max(100_000) })
    .describe('someone writes new objects to a bucket of the account (in a stack or stand-alone)'),
]);

/** The services the sandbox simulates: the keys of `timing`, alone or as service:Operation. */
export const SANDBOX_SERVICES = [
  'proton',
  'cloudformation',
  'tagging',
  's3',
  'sns',
  'eventbridge',
  'stepfunctions',
  'iam',
  'logs',
  'ecr',
  'ssm',
  'sts',
  'organizations',
] as const;

const apiKey = z
  .string()
  .regex(new RegExp(`^(\\*|(${SANDBOX_SERVICES.join('|')})(:[A-Za-z0-9]+)?)$`))
  .describe('a service (cloudformation), one of its operations (cloudformation:ListStacks), or * for any other service');

/** Round figures of the services' answer times, so a local run measures a plausible duration. */
const DEFAULT_LATENCY_MS: Readonly<Record<string, number>> = { cloudformation: 150, tagging: 200, proton: 100, s3: 30, '*': 50 };

/** The services' known limits: CloudFormation about 5 calls/s per API, the Tagging API about 15/s. */
const DEFAULT_CALLS_PER_SECOND: Readonly<Record<string, number>> = { cloudformation: 5, tagging: 15 };

export const TimingSpecSchema = z
  .strictObject({
    latencyMs: z
      .record(apiKey, z.number().min(0).max(60000))
      .default({ ...DEFAULT_LATENCY_MS })
      .describe(
        'milliseconds each call takes on the sandbox clock; an operation entry wins over its service, a service over *; given, it replaces the defaults',
      ),
    callsPerSecond: z
      .record(apiKey, z.number().positive().max(100000))
      .default({ ...DEFAULT_CALLS_PER_SECOND })
      .describe(
        "rate limit per API (a service's rate applies to each of its operations separately), with 1 s of burst; a call over it is throttled with the service's own error; given, it replaces the defaults",
      ),
  })
  .describe('how long calls take and how fast each API may be called, on the sandbox clock');

const regionText = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/);

/** CloudFormation's ConcurrentResourcesLimit when the scenario does not give one: the figure of AWS's `aws cloudformation describe-account-limits` example. */
export const DEFAULT_CONCURRENT_RESOURCES_LIMIT = 2500;

/**
 * What one account holds in one Region, and how its APIs behave there: the same for the hub (the
 * scenario's top level) and for every target account-Region (`accounts`).
 */
export const AccountContentSchema = z.strictObject({
  connections: z.array(ConnectionSpecSchema).default([]),
  stacks: z.array(StackSpecSchema).default([]),
  standaloneResources: z.array(StandaloneResourceSchema).default([]),
  faults: z.array(FaultSpecSchema).default([]),
  changes: z.array(ChangeSpecSchema).default([]).describe('what others change in the account while the run goes on, on the sandbox clock'),
  parameters: z
    .record(z.string().regex(/^\/[A-Za-z0-9_.\-/]+$/), z.string().max(4096))
    .default({})
    .describe('SSM parameters of the account (name → value), e.g. /proton-cleanup/decommission/<management account>/<environment> = YYYY-MM-DD'),
  timing: TimingSpecSchema.default({ latencyMs: { ...DEFAULT_LATENCY_MS }, callsPerSecond: { ...DEFAULT_CALLS_PER_SECOND } }),
  concurrentResourcesLimit: z
    .number()
    .int()
    .positive()
    .default(DEFAULT_CONCURRENT_RESOURCES_LIMIT)
    .describe(
      "CloudFormation's ConcurrentResourcesLimit in this account-Region (DescribeAccountLimits): how many resources its stack operations may involve at a time; a DeleteStack over it is accepted but waits, first come first served, until enough deletions in flight settle (docs/sandbox.md, Concurrent resources)",
    ),
});

/** The spoke roles (deployment/spoke.yml) in a target account: IAM roles, one set per account whatever the Region. */
export const SpokeSpecSchema = z
  .strictObject({
    deployed: z.boolean().default(true).describe('false: the spoke stack is not deployed in the account (no spoke role exists: AssumeRole is denied)'),
    withoutActions: z
      .array(z.string().regex(/^[a-z0-9-]+:[A-Za-z0-9*]+$/))
      .default([])
      .describe('IAM actions removed from every spoke role of the account (a spoke whose policy lacks them)'),
  })
  .describe('the spoke roles of the account; every entry of one account must say the same');

export const TargetAccountSchema = AccountContentSchema.extend({
  accountId: accountIdText,
  region: regionText,
  protonApi: z
    .enum(['available', 'retired'])
    .default('available')
    .describe("retired: Proton's endpoint in this account-Region is gone; every Proton call fails as the network does (ENOTFOUND)"),
  spoke: SpokeSpecSchema.optional(),
  outsideOrganization: z.boolean().default(false).describe("true: the account is not in the scenario's organization"),
});

const organizationUnitId = z.string().regex(/^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/);
const rootId = z.string().regex(/^r-[0-9a-z]{4,32}$/);

/** The organization's id when the scenario does not give one (every account of the scenario is in it). */
export const DEFAULT_ORGANIZATION = { id: 'o-sandbox0001', rootId: 'r-sb01' } as const;

export const OrganizationSpecSchema = z
  .strictObject({
    id: z.string().regex(/^o-[a-z0-9]{10,32}$/),
    rootId,
    managementAccountId: accountIdText.optional().describe("the organization's management account (default: the hub's account)"),
    units: z
      .array(
        z.strictObject({
          id: organizationUnitId,
          name: name.optional(),
          parent: z.union([rootId, organizationUnitId]).describe('the root or the unit it is in'),
          accounts: z.array(accountIdText).default([]),
        }),
      )
      .default([]),
  })
  .describe('AWS Organizations: the accounts of the scenario not in a unit are in the root; an account with outsideOrganization is in none');

export const ScenarioSchema = AccountContentSchema.extend({
  $schema: z.string().optional(),
  name,
  description: z.string().default(''),
  accountId: accountIdText.default('111122223333').describe("the hub's account (where the product runs)"),
  region: regionText.default('us-east-1').describe("the hub's Region"),
  managementAccountId: z
    .string()
    .regex(/^\d{12}$/)
    .default('444455556666'),
  protonApi: z
    .enum(['available', 'retired'])
    .default('available')
    .describe("the deployment's protonApi parameter: retired never calls Proton (requests name their environments)"),
  accounts: z
    .array(TargetAccountSchema)
    .default([])
    .describe('target account-Regions besides the hub, each with what it holds; the product reaches them by assuming its spoke roles'),
  organization: OrganizationSpecSchema.optional(),
  input: z.unknown().describe('the trigger: console input or a whole EventBridge event'),
})
  // Names must resolve (parents, change targets, connections): checked at load, not when a change comes due.
  .superRefine((scenario, ctx) => {
    for (const issue of referenceIssues(scenario)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    scenario.accounts.forEach((account, i) => {
      for (const issue of referenceIssues(account)) ctx.addIssue({ code: 'custom', path: ['accounts', i, ...issue.path], message: issue.message });
    });
    for (const issue of fleetIssues(scenario)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  })
  .meta({ title: 'proton-connection-cleanup sandbox scenario' });

export type Scenario = z.infer<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type StackSpec = z.infer<typeof StackSpecSchema>;
export type FaultSpec = z.infer<typeof FaultSpecSchema>;
export type TimingSpec = z.infer<typeof TimingSpecSchema>;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type ChangeSpec = z.infer<typeof ChangeSpecSchema>;
export type ConnectionSpec = z.infer<typeof ConnectionSpecSchema>;
export type AccountContent = z.infer<typeof AccountContentSchema>;
export type TargetAccountSpec = z.infer<typeof TargetAccountSchema>;
export type OrganizationSpec = z.infer<typeof OrganizationSpecSchema>;
