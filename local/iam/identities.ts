import { createHash } from 'node:crypto';
import type { NamedPolicy, PolicyDocument } from './policy.js';
import { list } from './policy.js';
import type { Template, TemplateResource } from './template.js';

/**
 * Identities from the packaged template, for a local deployment: every AWS::IAM::Role with its
 * inline policies (and the AWS::IAM::Policy / AWS::IAM::ManagedPolicy resources of the same
 * template attached to it), intrinsic functions resolved to the local run's names and ARNs.
 *
 * Which function uses which role comes from each AWS::Lambda::Function's Role
 * (serverless-iam-roles-per-function gives every function its own role,
 * `<Function>IamRoleLambdaExecution`); the function's key is its FunctionName without the
 * `<service>-<stage>-` prefix (the key in serverless.yml, as local/workflow-definition.ts uses it).
 * Any other role (the state machine's, the schedule's, a CloudFormation deletion role) is an
 * identity too, found by its logical id or by the service its trust policy names.
 *
 * Managed policies: a ManagedPolicyArns entry that resolves to a managed policy defined in the
 * same template contributes that policy's document; any other ARN (an AWS managed policy, or one
 * from outside the template) has no document offline, grants nothing here (fail closed), and is
 * listed in `unresolvedManagedPolicyArns` so a test can refuse it.
 */

export interface Place {
  region: string;
  accountId: string;
  partition?: string;
}

/** Names the local run gives to the deployment's resources (local/local-environment.ts LOCAL_RESOURCES). */
interface LocalResourceNames {
  reportBucket: string;
  topicName: string;
  stateMachineName: string;
}

/** The same values as LOCAL_RESOURCES (a test holds the two equal; imported there, not here, to keep this module free of the sandbox). */
const DEFAULT_LOCAL_RESOURCES: LocalResourceNames = {
  reportBucket: 'proton-connection-cleanup-local-reports',
  topicName: 'proton-connection-cleanup-local',
  stateMachineName: 'proton-connection-cleanup-local',
};

/**
 * The environment variables by which the functions learn a resource's physical name (serverless.yml
 * `REPORT_BUCKET: !Ref ReportBucket`): the resource a function's variable Refs gets the name the
 * local run gives that variable (local/local-environment.ts).
 */
const ENVIRONMENT_BINDINGS: Record<string, keyof LocalResourceNames> = {
  REPORT_BUCKET: 'reportBucket',
  TOPIC_ARN: 'topicName',
  STATE_MACHINE_ARN: 'stateMachineName',
};

export interface Identity {
  roleLogicalId: string;
  roleName: string;
  /** arn:<partition>:iam::<account>:role<path><name> */
  roleArn: string;
  /** Services the role's trust policy lets assume it (lambda.amazonaws.com, cloudformation.amazonaws.com, ...). */
  trustedServices: string[];
  /** The role's trust policy (AssumeRolePolicyDocument), resolved: who may assume it (local/iam/trust.ts). */
  trustPolicy?: PolicyDocument;
  policies: NamedPolicy[];
  managedPolicyArns: string[];
  unresolvedManagedPolicyArns: string[];
  /** serverless.yml keys of the functions that run with this role. */
  functions: string[];
}

interface Physical {
  /** What Ref answers. */
  ref: string;
  /** What Fn::GetAtt answers, by attribute name. */
  attributes: Record<string, string>;
}

export interface Deployment {
  place: Required<Place>;
  stackName: string;
  /** Every role of the template, by logical id. */
  identities: ReadonlyMap<string, Identity>;
  /** The identity a function runs with, by its serverless.yml key. */
  identityOfFunction(functionKey: string): Identity;
  identityOfRole(roleLogicalId: string): Identity;
  /** Roles whose trust policy names the service (e.g. 'cloudformation.amazonaws.com'). */
  rolesTrustedBy(service: string): Identity[];
  /** The identity whose role has this ARN, if the template defines it. */
  identityOfRoleArn(roleArn: string): Identity | undefined;
  physical(logicalId: string): Physical;
  /** A template value with its intrinsic functions resolved for the local deployment. */
  resolve(value: unknown): unknown;
  /** The template it was built from. */
  template: Template;
  /** KMS key ARN a bucket (by name) or topic (by ARN) encrypts with, from the template. */
  encryptionKeyOf(resource: { bucket: string } | { topicArn: string }): string | undefined;
}

type Json = unknown;

class Resolver {
  private readonly conditionCache = new Map<string, boolean>();
  private readonly physicalCache = new Map<string, Physical>();
  private readonly resolving = new Set<string>();
  readonly bindings: Map<string, keyof LocalResourceNames>;

  constructor(
    readonly template: Template,
    readonly place: Required<Place>,
    readonly stackName: string,
    readonly names: LocalResourceNames,
    readonly parameters: Readonly<Record<string, string>> = {},
  ) {
    this.bindings = environmentBindings(template);
  }

  condition(name: string): boolean {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) throw new Error(`Condition ${name} is not defined in the template`);
    const value = Boolean(this.value(definition));
    this.conditionCache.set(name, value);
    return value;
  }

  pseudo(name: string): string | undefined {
    const { region, accountId, partition } = this.place;
    const values: Record<string, string> = {
      'AWS::Region': region,
      'AWS::AccountId': accountId,
      'AWS::Partition': partition,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.stackName,
      'AWS::StackId': `arn:${partition}:cloudformation:${region}:${accountId}:stack/${this.stackName}/00000000-0000-4000-8000-000000000000`,
    };
    return values[name];
  }

  ref(name: string): Json {
    const pseudo = this.pseudo(name);
    if (pseudo !== undefined) return pseudo;
    const parameter = this.template.Parameters?.[name];
    const given = this.parameters[name] ?? (parameter ? String(this.value(parameter.Default as Json)) : undefined);
    if (given === undefined) return this.physical(name).ref;
    // A list parameter's Ref is the list (CloudFormation User Guide, Parameters: "CommaDelimitedList").
    return parameter?.Type === 'CommaDelimitedList' || parameter?.Type?.startsWith('List<') ? given.split(',') : given;
  }

  getAtt(logicalId: string, attribute: string): string {
    const physical = this.physical(logicalId);
    const value = physical.attributes[attribute];
    if (value === undefined)
      throw new Error(`Fn::GetAtt ${logicalId}.${attribute}: the sandbox does not model that attribute of ${this.resource(logicalId).Type}`);
    return value;
  }

  resource(logicalId: string): TemplateResource {
    const resource = this.template.Resources[logicalId];
    if (!resource) throw new Error(`The template has no resource ${logicalId}`);
    return resource;
  }

  physical(logicalId: string): Physical {
    const cached = this.physicalCache.get(logicalId);
    if (cached) return cached;
    if (this.resolving.has(logicalId)) throw new Error(`Circular reference resolving ${logicalId}`);
    this.resolving.add(logicalId);
    try {
      const physical = physicalOf(this, logicalId, this.resource(logicalId));
      this.physicalCache.set(logicalId, physical);
      return physical;
    } finally {
      this.resolving.delete(logicalId);
    }
  }

  /** A property of a resource, resolved (undefined when absent). */
  property(resource: TemplateResource, name: string): string | undefined {
    const raw = resource.Properties?.[name];
    if (raw === undefined) return undefined;
    const value = this.value(raw);
    return value === undefined || value === NO_VALUE ? undefined : String(value);
  }

  value(node: Json): Json {
    if (Array.isArray(node)) return node.map((item) => this.value(item)).filter((item) => item !== NO_VALUE);
    if (node === null || typeof node !== 'object') return node;
    const entries = Object.entries(node as Record<string, Json>);
    if (entries.length === 1) {
      const [key, arg] = entries[0] as [string, Json];
      switch (key) {
        case 'Ref':
          return arg === 'AWS::NoValue' ? NO_VALUE : this.ref(String(arg));
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.*)/s);
          return this.getAtt(String(id), String(this.value(attribute)));
        }
        case 'Fn::Sub':
          return this.sub(arg);
        case 'Fn::Join': {
          const [separator, items] = arg as [string, Json];
          return (this.value(items) as Json[]).map(String).join(separator);
        }
        case 'Fn::Select': {
          const [index, items] = arg as [Json, Json];
          const resolved = this.value(items) as Json[];
          const picked = resolved[Number(this.value(index))];
          if (picked === undefined) throw new Error(`Fn::Select index ${String(index)} out of range`);
          return picked;
        }
        case 'Fn::Split': {
          const [separator, source] = arg as [string, Json];
          return String(this.value(source)).split(separator);
        }
        case 'Fn::If': {
          const [condition, whenTrue, whenFalse] = arg as [string, Json, Json];
          return this.value(this.condition(condition) ? whenTrue : whenFalse);
        }
        case 'Fn::Equals': {
          const [a, b] = arg as [Json, Json];
          return JSON.stringify(this.value(a)) === JSON.stringify(this.value(b));
        }
        case 'Fn::Not':
          return !this.value((arg as Json[])[0]);
        case 'Fn::And':
          return (arg as Json[]).every((c) => this.value(c));
        case 'Fn::Or':
          return (arg as Json[]).some((c) => this.value(c));
        case 'Condition':
          return this.condition(String(arg));
        default:
          if (key.startsWith('Fn::')) throw new Error(`The sandbox does not resolve ${key}`);
      }
    }
    const out: Record<string, Json> = {};
    for (const [key, child] of entries) {
      const value = this.value(child);
      if (value !== NO_VALUE) out[key] = value;
    }
    return out;
  }

  private sub(arg: Json): string {
    const [text, variables] = Array.isArray(arg) ? (arg as [string, Record<string, Json>]) : [String(arg), {}];
    return text.replace(/\$\{([^}]+)\}/g, (_whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (variables && name in variables) return String(this.value(variables[name]));
      const dot = name.indexOf('.');
      if (dot > 0 && !name.startsWith('AWS::')) return this.getAtt(name.slice(0, dot), name.slice(dot + 1));
      return String(this.ref(name));
    });
  }
}

const NO_VALUE = Symbol('AWS::NoValue');

/** Which resource each ENVIRONMENT_BINDINGS variable Refs, across all functions (logical id → local name key). */
function environmentBindings(template: Template): Map<string, keyof LocalResourceNames> {
  const bindings = new Map<string, keyof LocalResourceNames>();
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables = ((resource.Properties?.Environment as { Variables?: Record<string, Json> } | undefined)?.Variables ?? {}) as Record<string, Json>;
    for (const [name, value] of Object.entries(variables)) {
      const binding = ENVIRONMENT_BINDINGS[name];
      const ref = (value as { Ref?: unknown } | null)?.Ref;
      if (binding && typeof ref === 'string') bindings.set(ref, binding);
    }
  }
  return bindings;
}

/** A stable fake key id for a local KMS key (CloudFormation would generate a UUID). */
function localKeyId(stackName: string, logicalId: string): string {
  const h = createHash('sha256').update(`${stackName}/${logicalId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Physical names and attributes of the resource types the template uses, for the local stack
 * `<service>-local`. A name the template sets is used as is; a resource a function learns by an
 * environment variable gets the local run's name for it (ENVIRONMENT_BINDINGS); any other gets
 * `<stack>-<LogicalId>` (CloudFormation would add a random suffix).
 */
function physicalOf(r: Resolver, logicalId: string, resource: TemplateResource): Physical {
  const { region, accountId, partition } = r.place;
  const bound = r.bindings.get(logicalId);
  const generated = `${r.stackName}-${logicalId}`;
  const name = (property: string) => r.property(resource, property) ?? (bound ? r.names[bound] : generated);
  switch (resource.Type) {
    case 'AWS::S3::Bucket': {
      const bucket = r.property(resource, 'BucketName') ?? (bound ? r.names[bound] : generated.toLowerCase());
      return { ref: bucket, attributes: { Arn: `arn:${partition}:s3:::${bucket}`, DomainName: `${bucket}.s3.amazonaws.com` } };
    }
    case 'AWS::SNS::Topic': {
      const topic = name('TopicName');
      const arn = `arn:${partition}:sns:${region}:${accountId}:${topic}`;
      return { ref: arn, attributes: { TopicArn: arn, TopicName: topic } };
    }
    case 'AWS::StepFunctions::StateMachine': {
      const machine = name('StateMachineName');
      const arn = `arn:${partition}:states:${region}:${accountId}:stateMachine:${machine}`;
      return { ref: arn, attributes: { Arn: arn, Name: machine } };
    }
    case 'AWS::SQS::Queue': {
      const queue = r.property(resource, 'QueueName') ?? generated;
      const url = `https://sqs.${region}.amazonaws.com/${accountId}/${queue}`;
      return { ref: url, attributes: { Arn: `arn:${partition}:sqs:${region}:${accountId}:${queue}`, QueueName: queue, QueueUrl: url } };
    }
    case 'AWS::KMS::Key': {
      const id = localKeyId(r.stackName, logicalId);
      return { ref: id, attributes: { KeyId: id, Arn: `arn:${partition}:kms:${region}:${accountId}:key/${id}` } };
    }
    case 'AWS::Lambda::Function': {
      const fn = r.property(resource, 'FunctionName') ?? generated;
      return { ref: fn, attributes: { Arn: `arn:${partition}:lambda:${region}:${accountId}:function:${fn}` } };
    }
    case 'AWS::IAM::Role': {
      const role = r.property(resource, 'RoleName') ?? generated;
      const rolePath = r.property(resource, 'Path') ?? '/';
      return {
        ref: role,
        attributes: {
          Arn: `arn:${partition}:iam::${accountId}:role${rolePath}${role}`,
          RoleId: `AROA${localKeyId(r.stackName, logicalId).replace(/-/g, '').slice(0, 17).toUpperCase()}`,
        },
      };
    }
    case 'AWS::IAM::ManagedPolicy': {
      const policy = r.property(resource, 'ManagedPolicyName') ?? generated;
      const policyPath = r.property(resource, 'Path') ?? '/';
      const arn = `arn:${partition}:iam::${accountId}:policy${policyPath}${policy}`;
      return { ref: arn, attributes: { PolicyArn: arn } };
    }
    case 'AWS::Logs::LogGroup': {
      const group = r.property(resource, 'LogGroupName') ?? generated;
      return { ref: group, attributes: { Arn: `arn:${partition}:logs:${region}:${accountId}:log-group:${group}:*` } };
    }
    case 'AWS::Events::Rule': {
      const rule = r.property(resource, 'Name') ?? generated;
      return { ref: rule, attributes: { Arn: `arn:${partition}:events:${region}:${accountId}:rule/${rule}` } };
    }
    default:
      return { ref: generated, attributes: {} };
  }
}

function trustedServices(r: Resolver, resource: TemplateResource): string[] {
  const document = r.value(resource.Properties?.AssumeRolePolicyDocument) as PolicyDocument | undefined;
  return list(document?.Statement)
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => list((s as { Principal?: { Service?: string | string[] } }).Principal?.Service))
    .map(String);
}

export interface DeploymentOptions extends Place {
  /** `<service>-<stage>`: the stack's name, and the prefix of every function's name. Default: the service name found in the template + '-local'. */
  stackName?: string;
  names?: LocalResourceNames;
  /** Values of the template's Parameters (a plain CloudFormation template deployed with them); others take their Default. */
  parameters?: Readonly<Record<string, string>>;
}

/** The deployment the local run simulates: the template's identities and resources, resolved for `place`. */
export function deploymentFrom(template: Template, options: DeploymentOptions): Deployment {
  const place = { region: options.region, accountId: options.accountId, partition: options.partition ?? 'aws' };
  const stackName = options.stackName ?? 'proton-connection-cleanup-local';
  const r = new Resolver(template, place, stackName, options.names ?? DEFAULT_LOCAL_RESOURCES, options.parameters);
  const present = (resource: TemplateResource) => !resource.Condition || r.condition(resource.Condition);
  const resources = Object.entries(template.Resources).filter(([, resource]) => present(resource));

  const identities = new Map<string, Identity>();
  for (const [logicalId, resource] of resources) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    const physical = r.physical(logicalId);
    const inline = list(resource.Properties?.Policies as Json[] | undefined).map((p) => r.value(p) as { PolicyName: string; PolicyDocument: PolicyDocument });
    // Fn::If with AWS::NoValue (a deploy parameter left empty) removes the property.
    const managed = r.value(resource.Properties?.ManagedPolicyArns ?? []);
    const managedPolicyArns = managed === NO_VALUE ? [] : list(managed as string[]).map(String);
    identities.set(logicalId, {
      roleLogicalId: logicalId,
      roleName: physical.ref,
      roleArn: physical.attributes.Arn as string,
      trustedServices: trustedServices(r, resource),
      trustPolicy: r.value(resource.Properties?.AssumeRolePolicyDocument) as PolicyDocument,
      policies: inline.map((p) => ({ name: p.PolicyName, document: p.PolicyDocument })),
      managedPolicyArns,
      unresolvedManagedPolicyArns: [],
      functions: [],
    });
  }

  // Policies defined in the template and attached to its roles.
  const roleByName = new Map([...identities.values()].map((i) => [i.roleName, i]));
  const managedByArn = new Map<string, NamedPolicy>();
  for (const [logicalId, resource] of resources) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    const document = r.value(resource.Properties?.PolicyDocument) as PolicyDocument;
    const policy: NamedPolicy = { name: r.property(resource, 'PolicyName') ?? r.property(resource, 'ManagedPolicyName') ?? logicalId, document };
    if (resource.Type === 'AWS::IAM::ManagedPolicy') managedByArn.set(r.physical(logicalId).ref, policy);
    for (const roleName of list(r.value(resource.Properties?.Roles ?? []) as string[])) {
      roleByName.get(roleName)?.policies.push(policy);
    }
  }
  for (const identity of identities.values()) {
    for (const arn of identity.managedPolicyArns) {
      const policy = managedByArn.get(arn);
      if (policy) identity.policies.push(policy);
      else identity.unresolvedManagedPolicyArns.push(arn);
    }
  }

  const functionRole = new Map<string, string>();
  const roleByArn = new Map([...identities.values()].map((i) => [i.roleArn, i]));
  for (const [, resource] of resources) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const functionName = r.property(resource, 'FunctionName');
    const roleArn = r.property(resource, 'Role');
    if (!functionName || !roleArn) continue;
    const key = functionName.startsWith(`${stackName}-`) ? functionName.slice(stackName.length + 1) : functionName;
    const identity = roleByArn.get(roleArn);
    if (!identity) throw new Error(`Function ${key} runs with ${roleArn}, a role the template does not define`);
    identity.functions.push(key);
    functionRole.set(key, identity.roleLogicalId);
  }

  const encryption = encryptionKeys(r, resources);
  return {
    place,
    stackName,
    identities,
    identityOfFunction(functionKey) {
      const id = functionRole.get(functionKey);
      if (!id) throw new Error(`No function ${functionKey} in the template (functions: ${[...functionRole.keys()].join(', ')})`);
      return identities.get(id) as Identity;
    },
    identityOfRole(roleLogicalId) {
      const identity = identities.get(roleLogicalId);
      if (!identity) throw new Error(`No role ${roleLogicalId} in the template (roles: ${[...identities.keys()].join(', ')})`);
      return identity;
    },
    rolesTrustedBy: (service) =>
      [...identities.values()].filter((i) =>
        i.trustedServices.some((s) => s === service || s.replace(/\.[a-z0-9-]+\.amazonaws\.com$/, '.amazonaws.com') === service),
      ),
    identityOfRoleArn: (roleArn) => roleByArn.get(roleArn),
    physical: (logicalId) => r.physical(logicalId),
    resolve: (value) => r.value(value),
    template,
    encryptionKeyOf(resource) {
      return 'bucket' in resource ? encryption.buckets.get(resource.bucket) : encryption.topics.get(resource.topicArn);
    },
  };
}

/** Buckets and topics the template encrypts with a KMS key: the key ARN their callers need KMS permissions on. */
function encryptionKeys(r: Resolver, resources: [string, TemplateResource][]) {
  const buckets = new Map<string, string>();
  const topics = new Map<string, string>();
  const keyArn = (idOrArn: string) => {
    if (idOrArn.startsWith('arn:')) return idOrArn;
    for (const [logicalId, resource] of resources)
      if (resource.Type === 'AWS::KMS::Key' && r.physical(logicalId).ref === idOrArn) return r.physical(logicalId).attributes.Arn as string;
    return idOrArn;
  };
  for (const [logicalId, resource] of resources) {
    if (resource.Type === 'AWS::S3::Bucket') {
      const rules =
        (
          r.value(resource.Properties?.BucketEncryption) as
            | { ServerSideEncryptionConfiguration?: { ServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string } }[] }
            | undefined
        )?.ServerSideEncryptionConfiguration ?? [];
      const kms = rules.map((rule) => rule.ServerSideEncryptionByDefault).find((d) => d?.SSEAlgorithm?.startsWith('aws:kms') && d.KMSMasterKeyID);
      if (kms?.KMSMasterKeyID) buckets.set(r.physical(logicalId).ref, keyArn(kms.KMSMasterKeyID));
    }
    if (resource.Type === 'AWS::SNS::Topic') {
      const key = r.property(resource, 'KmsMasterKeyId');
      if (key && !key.startsWith('alias/aws/')) topics.set(r.physical(logicalId).ref, keyArn(key));
    }
  }
  return { buckets, topics };
}
