import { type Scenario, type ScenarioInput, ScenarioSchema } from './sandbox/scenario.js';

/**
 * A large, seeded scenario for measuring the workflow at scale: one environment (prod-env)
 * with its connection (or `environments` of them, prod-env-01…, each with its own connection and
 * an even part of the resources, composed alike, all in the one account: a sweep's children
 * cleaning up side by side), about one resource in five a Proton stack (one environment stack,
 * ~85% service-instance stacks importing an environment export, ~15% component stacks each
 * importing an export of a service-instance stack), the rest tagged resources inside those
 * stacks, and ~1% (at least one) stand-alone tagged resources. Deletion durations are drawn
 * from the seed: ~97% take 60–600 s, ~3% 900–2700 s. The same options give the same scenario
 * (stack IDs aside: the sandbox account makes those).
 */
interface ScaleOptions {
  /** Resources in all: stacks, resources in stacks and stand-alone resources (at least 2). */
  resources: number;
  seed?: number;
  mode?: 'plan' | 'execute';
  /**
   * Environments of the account (default 1), each with its own connection: the resources divided
   * evenly between them (the first ones one more when they do not divide), each environment drawn
   * from seed + its index (so one environment is exactly the scenario it always was).
   */
  environments?: number;
}

type StackInput = NonNullable<ScenarioInput['stacks']>[number];
type ResourceInput = NonNullable<StackInput['resources']>[number];
type StandaloneInput = NonNullable<ScenarioInput['standaloneResources']>[number];

export const SCALE_ENVIRONMENT = 'prod-env';
export const SCALE_CONNECTION_ID = '3d6f1a2b-8c4e-4f5a-9b7d-0e1f2a3b4c5d';
const ENVIRONMENT_EXPORTS = ['VpcId', 'ClusterArn', 'PrivateSubnetIds', 'SecurityGroupId'];
const STACK_RESOURCE_TYPES = ['AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::S3::Bucket'] as const;
const STANDALONE_TYPES = ['AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::ECR::Repository', 'AWS::SSM::Parameter'] as const;

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How many of each: stacks ≈ 1/5, stand-alone ≈ 1/100 (at least one each); they add up to `resources`. */
export function scaleComposition(resources: number) {
  if (!Number.isInteger(resources) || resources < 2) throw new RangeError(`resources must be an integer of at least 2, got ${resources}`);
  const stacks = Math.max(1, Math.round(resources / 5));
  const standalone = Math.max(1, Math.round(resources / 100));
  const others = stacks - 1;
  const components = Math.round(others * 0.15);
  return {
    stacks,
    environmentStacks: 1,
    serviceInstanceStacks: others - components,
    componentStacks: components,
    inStackResources: resources - stacks - standalone,
    standalone,
  };
}

/** The environments of a scale scenario, with their connection ids: prod-env alone, or prod-env-01… when there are several. */
export function scaleEnvironments(environments = 1): { name: string; connectionId: string }[] {
  if (!Number.isInteger(environments) || environments < 1) throw new RangeError(`environments must be a positive integer, got ${environments}`);
  if (environments === 1) return [{ name: SCALE_ENVIRONMENT, connectionId: SCALE_CONNECTION_ID }];
  const width = Math.max(2, String(environments).length);
  return Array.from({ length: environments }, (_, i) => ({
    name: `${SCALE_ENVIRONMENT}-${String(i + 1).padStart(width, '0')}`,
    connectionId: `${SCALE_CONNECTION_ID.slice(0, 24)}${String(i + 1).padStart(12, '0')}`,
  }));
}

/** The request that cleans up one environment of a scale scenario (by its connection). */
export function scaleRequest(connectionId: string, mode: 'plan' | 'execute' = 'execute') {
  return { connectionId, mode, deleteTypes: ['s3:bucket', 'logs:log-group', 'ecr:repository', 'ssm:parameter'] };
}

export function scaleScenario(options: ScaleOptions): Scenario {
  const { resources, seed = 1, mode = 'execute' } = options;
  const environments = scaleEnvironments(options.environments);
  if (resources < 2 * environments.length) throw new RangeError(`resources must be at least 2 per environment, got ${resources} for ${environments.length}`);
  const parts = environments.map((environment, i) => {
    const share = Math.floor(resources / environments.length) + (i < resources % environments.length ? 1 : 0);
    // Several environments name their stacks and resources after themselves; one keeps the names it always had.
    return environmentPart(environment.name, share, seed + i, environments.length > 1);
  });
  const [first] = environments;
  const only = parts.length === 1 ? parts[0] : undefined;
  const stacks = parts.flatMap((p) => p.stacks);
  const inStack = parts.reduce((n, p) => n + p.counts.inStackResources, 0);
  const standaloneResources = parts.flatMap((p) => p.standaloneResources);
  return ScenarioSchema.parse({
    name: only ? `scale-${resources}-seed-${seed}` : `scale-${resources}-in-${environments.length}-environments-seed-${seed}`,
    description: only
      ? `${resources} resources: ${only.counts.stacks} Proton stacks of ${SCALE_ENVIRONMENT}, ${only.counts.inStackResources} tagged resources in them, ${only.counts.standalone} stand-alone (seed ${seed}).`
      : `${resources} resources in ${environments.length} environments of one account (${environments[0]?.name} to ${environments.at(-1)?.name}): ${stacks.length} Proton stacks, ${inStack} tagged resources in them, ${standaloneResources.length} stand-alone (seeds ${seed} to ${seed + environments.length - 1}).`,
    connections: environments.map((environment) => ({
      id: environment.connectionId,
      environmentName: environment.name,
      roleName: `ProtonEnvironmentRole-${environment.name}`,
      componentRoleName: `ProtonComponentRole-${environment.name}`,
    })),
    stacks,
    standaloneResources,
    input: scaleRequest(first?.connectionId ?? SCALE_CONNECTION_ID, mode),
  } satisfies ScenarioInput);
}

/** One environment's stacks, resources in them and stand-alone resources, drawn from its own seed. */
function environmentPart(environment: string, resources: number, seed: number, labelled: boolean) {
  const counts = scaleComposition(resources);
  const random = mulberry32(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const width = Math.max(4, String(counts.stacks).length);
  const key = (kind: string, n: number) => `${kind}-${String(n).padStart(width, '0')}`;
  // Proton names stacks AWSProton-<what>-cloudformation--<16 random capitals>.
  const stackName = (what: string) =>
    `AWSProton-${labelled && what !== environment ? `${environment}-` : ''}${what}-cloudformation--${Array.from({ length: 16 }, () => String.fromCharCode(65 + int(0, 25))).join('')}`;
  const deleteSeconds = () => (random() < 0.03 ? int(900, 2700) : int(60, 600));

  // Which service instance each component builds on; those service instances export an endpoint.
  const services = Array.from({ length: counts.serviceInstanceStacks }, (_, i) => key('svc', i + 1));
  const componentBase = Array.from({ length: counts.componentStacks }, () => pick(services));
  const serviceExport = (service: string) => `${environment}-${service}-Endpoint`;
  const exporting = new Set(componentBase);

  const common = { environment, protonTags: 'both' } as const;
  const stacks: StackInput[] = [
    {
      ...common,
      name: stackName(environment),
      owner: { kind: 'environment' },
      exports: ENVIRONMENT_EXPORTS.map((e) => `${environment}-${e}`),
      deleteSeconds: deleteSeconds(),
    },
    ...services.map(
      (service): StackInput => ({
        ...common,
        name: stackName(`${service}-prod`),
        owner: { kind: 'service-instance', service, instance: 'prod' },
        imports: [`${environment}-${pick(ENVIRONMENT_EXPORTS)}`],
        exports: exporting.has(service) ? [serviceExport(service)] : [],
        deleteSeconds: deleteSeconds(),
      }),
    ),
    ...componentBase.map(
      (service, i): StackInput => ({
        ...common,
        name: stackName(key('cmp', i + 1)),
        owner: { kind: 'component', component: key('cmp', i + 1) },
        imports: [serviceExport(service)],
        deleteSeconds: deleteSeconds(),
      }),
    ),
  ];
  fillStacks(stacks, counts.inStackResources, random, environment);

  const standaloneResources = Array.from({ length: counts.standalone }, (_, i) => standaloneResource(i, key('standalone', i + 1), environment));
  return { counts, stacks, standaloneResources };
}

/** Spreads `count` tagged resources over the stacks: as evenly as possible, the remainder to stacks drawn at random. */
function fillStacks(stacks: StackInput[], count: number, random: () => number, environment: string): void {
  const order = stacks.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const sizes = stacks.map(() => Math.floor(count / stacks.length));
  for (const i of order.slice(0, count % stacks.length)) sizes[i] = (sizes[i] ?? 0) + 1;
  stacks.forEach((stack, s) => {
    const prefix = `${environment}-s${String(s).padStart(5, '0')}`;
    stack.resources = Array.from({ length: sizes[s] ?? 0 }, (_, n): ResourceInput => {
      const type = STACK_RESOURCE_TYPES[Math.floor(random() * STACK_RESOURCE_TYPES.length)] as ResourceInput['type'];
      const kind = type.split('::')[2] ?? 'Resource';
      return { logicalId: `${kind}${n + 1}`, type, name: `${prefix}-${kind.toLowerCase()}-${n + 1}` };
    });
  });
}

/** Stand-alone resources cycle through the four types the cleanup can delete, so each appears once there are four. */
function standaloneResource(i: number, key: string, environment: string): StandaloneInput {
  const type = STANDALONE_TYPES[i % STANDALONE_TYPES.length] as (typeof STANDALONE_TYPES)[number];
  const name = {
    'AWS::S3::Bucket': `${environment}-${key}`,
    'AWS::Logs::LogGroup': `/proton/${environment}/${key}`,
    'AWS::ECR::Repository': `${environment}/${key}`,
    'AWS::SSM::Parameter': `/${environment}/${key}`,
  }[type];
  return { type, name, environment };
}

/** A stack's deletion: how long it takes, and which stacks import from it (they must be gone first). */
interface StackDeletion {
  deleteSeconds: number;
  importedBy: string[];
}

/** Per stack name: its deletion time and its importers. Pure: read from the scenario alone. */
export function deletionDependencies(scenario: Scenario): Map<string, StackDeletion> {
  const exporterOf = new Map<string, string>();
  const result = new Map<string, StackDeletion>();
  for (const stack of scenario.stacks) {
    result.set(stack.name, { deleteSeconds: stack.deleteSeconds, importedBy: [] });
    for (const e of stack.exports) exporterOf.set(e, stack.name);
  }
  for (const stack of scenario.stacks) {
    const exporters = new Set(stack.imports.flatMap((i) => exporterOf.get(i) ?? []));
    for (const exporter of exporters) if (exporter !== stack.name) result.get(exporter)?.importedBy.push(stack.name);
  }
  return result;
}

/**
 * The longest chain of deletions that must follow one another (importers before the stack
 * they import from): the least time any cleanup can take, however fast it calls.
 */
export function longestDeletionChain(dependencies: ReadonlyMap<string, StackDeletion>): { seconds: number; stacks: string[] } {
  const memo = new Map<string, { seconds: number; stacks: string[] }>();
  const visiting = new Set<string>();
  const chainFrom = (name: string): { seconds: number; stacks: string[] } => {
    const known = memo.get(name);
    if (known) return known;
    if (visiting.has(name)) throw new Error(`stacks import from each other in a cycle through ${name}`);
    visiting.add(name);
    const own = dependencies.get(name);
    let longest = { seconds: 0, stacks: [] as string[] };
    for (const importer of own?.importedBy ?? []) {
      const chain = chainFrom(importer);
      if (chain.seconds > longest.seconds) longest = chain;
    }
    visiting.delete(name);
    const chain = { seconds: longest.seconds + (own?.deleteSeconds ?? 0), stacks: [...longest.stacks, name] };
    memo.set(name, chain);
    return chain;
  };
  let best = { seconds: 0, stacks: [] as string[] };
  for (const name of dependencies.keys()) {
    const chain = chainFrom(name);
    if (chain.seconds > best.seconds) best = chain;
  }
  return best;
}
