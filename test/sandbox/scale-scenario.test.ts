import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LOCAL_RESOURCES } from '../../local/local-environment.js';
import { Sandbox } from '../../local/sandbox/sandbox.js';
import type { Scenario } from '../../local/sandbox/scenario.js';
import {
  deletionDependencies,
  longestDeletionChain,
  mulberry32,
  SCALE_CONNECTION_ID,
  SCALE_ENVIRONMENT,
  scaleComposition,
  scaleEnvironments,
  scaleRequest,
  scaleScenario,
} from '../../local/scale-scenario.js';
import { listStacks, send } from './fixtures.js';

/** The seeded large scenario the scale benchmark runs: deterministic, composed as specified, importable. */
const sandboxFor = (scenario: Scenario) =>
  new Sandbox(scenario, { reportBucket: LOCAL_RESOURCES.reportBucket, topicArn: `arn:aws:sns:us-east-1:111122223333:${LOCAL_RESOURCES.topicName}` });

const inStackResources = (scenario: Scenario) => scenario.stacks.reduce((n, s) => n + s.resources.length, 0);
const ofKind = (scenario: Scenario, kind: string) => scenario.stacks.filter((s) => s.owner.kind === kind);

describe('mulberry32', () => {
  it('gives the same sequence for the same seed, in [0, 1)', () => {
    const [a, b] = [mulberry32(42), mulberry32(42)];
    const draws = Array.from({ length: 1_000 }, () => a());

    expect(Array.from({ length: 1_000 }, () => b())).toEqual(draws);
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('scaleScenario', () => {
  it('gives an identical scenario for the same seed, stack names included', () => {
    expect(scaleScenario({ resources: 1_000, seed: 7 })).toEqual(scaleScenario({ resources: 1_000, seed: 7 }));
  });

  it('gives a different scenario for another seed', () => {
    const names = (seed: number) => scaleScenario({ resources: 1_000, seed }).stacks.map((s) => s.name);
    expect(names(8)).not.toEqual(names(7));
  });

  it.each([10, 100, 1_000, 10_000])('with %i resources: the counts add up, about one in five is a stack, at least one is stand-alone', (resources) => {
    const scenario = scaleScenario({ resources });

    expect(scenario.stacks.length + inStackResources(scenario) + scenario.standaloneResources.length).toBe(resources);
    expect(scenario.stacks.length).toBe(Math.round(resources / 5));
    expect(scenario.standaloneResources.length).toBe(Math.max(1, Math.round(resources / 100)));
  });

  it('the sandbox account built from 10,000 resources has every one tagged for the environment', () => {
    const sandbox = sandboxFor(scaleScenario({ resources: 10_000 }));
    expect(sandbox.account.tagged.size).toBe(10_000);
  });

  it('has one environment stack; of the others, about 85% service instances and 15% components', () => {
    const scenario = scaleScenario({ resources: 10_000 });
    const others = scenario.stacks.length - 1;

    expect(ofKind(scenario, 'environment')).toHaveLength(1);
    expect(ofKind(scenario, 'component').length / others).toBeCloseTo(0.15, 2);
    expect(ofKind(scenario, 'service-instance').length / others).toBeCloseTo(0.85, 2);
  });

  it('service instances import an environment export; components an export of a service instance', () => {
    const scenario = scaleScenario({ resources: 1_000 });
    const exportsOf = (kind: string) => new Set(ofKind(scenario, kind).flatMap((s) => s.exports));

    expect(ofKind(scenario, 'service-instance').every((s) => s.imports.length === 1 && exportsOf('environment').has(s.imports[0]!))).toBe(true);
    expect(ofKind(scenario, 'component').every((s) => s.imports.length === 1 && exportsOf('service-instance').has(s.imports[0]!))).toBe(true);
  });

  it('names every stack AWSProton-…, uniquely, tagged for prod-env on the stack and its resources', () => {
    const scenario = scaleScenario({ resources: 1_000 });

    expect(scenario.stacks.every((s) => s.name.startsWith('AWSProton-') && s.environment === SCALE_ENVIRONMENT && s.protonTags === 'both')).toBe(true);
    expect(new Set(scenario.stacks.map((s) => s.name)).size).toBe(scenario.stacks.length);
  });

  it('draws deletion times of 60–600 s for most stacks and 900–2700 s for about 3%', () => {
    const seconds = scaleScenario({ resources: 10_000 }).stacks.map((s) => s.deleteSeconds);
    const long = seconds.filter((s) => s >= 900);

    expect(seconds.every((s) => (s >= 60 && s <= 600) || (s >= 900 && s <= 2_700))).toBe(true);
    expect(long.length / seconds.length).toBeGreaterThan(0.015);
    expect(long.length / seconds.length).toBeLessThan(0.05);
  });

  it('has stand-alone resources of the four deletable types', () => {
    const types = new Set(scaleScenario({ resources: 1_000 }).standaloneResources.map((r) => r.type));
    expect([...types].sort()).toEqual(['AWS::ECR::Repository', 'AWS::Logs::LogGroup', 'AWS::S3::Bucket', 'AWS::SSM::Parameter']);
  });

  it('asks to clean up its connection, in execute mode unless told, deleting the four stand-alone types', () => {
    expect(scaleScenario({ resources: 100 }).input).toEqual({
      connectionId: SCALE_CONNECTION_ID,
      mode: 'execute',
      deleteTypes: ['s3:bucket', 'logs:log-group', 'ecr:repository', 'ssm:parameter'],
    });
    expect(scaleScenario({ resources: 100, mode: 'plan' }).input).toMatchObject({ mode: 'plan' });
  });

  it('refuses fewer than 2 resources', () => {
    expect(() => scaleComposition(1)).toThrow(RangeError);
  });
});

describe('scaleScenario with several environments of one account', () => {
  const twenty = scaleScenario({ resources: 10_000, seed: 3, environments: 20 });
  const ofEnvironment = (name: string) => twenty.stacks.filter((s) => s.environment === name);

  it('with one environment, is exactly the scenario it always was (the bench figures are seeded on it)', () => {
    // The SHA-256 of the JSON scaleScenario gave for these options before it could make several environments.
    const fingerprint = (options: Parameters<typeof scaleScenario>[0]) =>
      createHash('sha256')
        .update(JSON.stringify(scaleScenario(options)))
        .digest('hex');
    expect(fingerprint({ resources: 10_000, seed: 20261125, mode: 'execute', environments: 1 })).toBe(
      '2ceaf5327429f8087d71af93c48d94258261b82bf343b34e77c53c0ffa4bb71b',
    );
    expect(fingerprint({ resources: 1_000, seed: 7, mode: 'plan' })).toBe('8c9de1ae0b4e11e3b7be4cbb032d1278ff088522c1417fe53a70fdeb1a675d27');
  });

  it('gives each of the 20 environments its own connection', () => {
    expect(twenty.connections.map((c) => c.environmentName)).toEqual(scaleEnvironments(20).map((e) => e.name));
    expect(new Set(twenty.connections.map((c) => c.id)).size).toBe(20);
  });

  it('divides 10,000 resources into 20 environments of 500, each composed like a 500-resource scenario', () => {
    const alone = scaleComposition(500);
    for (const { name } of scaleEnvironments(20)) {
      const stacks = ofEnvironment(name);
      const standalone = twenty.standaloneResources.filter((r) => r.environment === name);
      expect(stacks).toHaveLength(alone.stacks);
      expect(stacks.filter((s) => s.owner.kind === 'environment')).toHaveLength(1);
      expect(stacks.filter((s) => s.owner.kind === 'component')).toHaveLength(alone.componentStacks);
      expect(stacks.reduce((n, s) => n + s.resources.length, 0)).toBe(alone.inStackResources);
      expect(standalone).toHaveLength(alone.standalone);
    }
  });

  it("keeps every environment's imports within the environment", () => {
    for (const { name } of scaleEnvironments(20)) {
      const exports = new Set(ofEnvironment(name).flatMap((s) => s.exports));
      expect(ofEnvironment(name).every((s) => s.imports.every((i) => exports.has(i)))).toBe(true);
    }
  });

  it('names every stack and stand-alone resource uniquely across the account', () => {
    expect(new Set(twenty.stacks.map((s) => s.name)).size).toBe(twenty.stacks.length);
    expect(new Set(twenty.standaloneResources.map((r) => `${r.type} ${r.name}`)).size).toBe(twenty.standaloneResources.length);
  });

  it('builds a sandbox account holding all 10,000 resources, tagged', () => {
    expect(sandboxFor(twenty).account.tagged.size).toBe(10_000);
  });

  it('gives the first resources to the first environments when they do not divide evenly', () => {
    const uneven = scaleScenario({ resources: 1_001, environments: 2 });
    const total = (name: string) =>
      uneven.stacks.filter((s) => s.environment === name).reduce((n, s) => n + 1 + s.resources.length, 0) +
      uneven.standaloneResources.filter((r) => r.environment === name).length;
    expect(scaleEnvironments(2).map((e) => total(e.name))).toEqual([501, 500]);
  });

  it("asks to clean up the first environment's connection; scaleRequest asks for any other's", () => {
    expect(twenty.input).toEqual(scaleRequest(scaleEnvironments(20)[0]!.connectionId));
  });
});

describe('deletionDependencies', () => {
  it('lists, per stack, its deleteSeconds and the stacks importing one of its exports', () => {
    const scenario = scaleScenario({ resources: 1_000 });
    const dependencies = deletionDependencies(scenario);

    for (const stack of scenario.stacks) {
      const importers = scenario.stacks.filter((s) => s.imports.some((i) => stack.exports.includes(i))).map((s) => s.name);
      expect(dependencies.get(stack.name)).toEqual({ deleteSeconds: stack.deleteSeconds, importedBy: importers });
    }
  });

  it('longestDeletionChain adds up the slowest chain of importers before the stack they import from', () => {
    const chain = longestDeletionChain(
      new Map([
        ['env', { deleteSeconds: 100, importedBy: ['api', 'web'] }],
        ['api', { deleteSeconds: 300, importedBy: ['cmp'] }],
        ['web', { deleteSeconds: 500, importedBy: [] }],
        ['cmp', { deleteSeconds: 250, importedBy: [] }],
      ]),
    );

    expect(chain).toEqual({ seconds: 650, stacks: ['cmp', 'api', 'env'] });
  });
});

describe('the sandbox at scale', () => {
  // Speed is not asserted here: `npm run bench` measures the local run's wall clock at scale, sandbox included.
  it('settles 2,000 stack deletions through 22,000 calls', () => {
    const scenario = scaleScenario({ resources: 10_000 });
    const sandbox = sandboxFor({ ...scenario, timing: { latencyMs: { '*': 200 }, callsPerSecond: {} } });
    for (const stack of sandbox.account.stacks.values()) send(sandbox, 'cloudformation:DeleteStack', { StackName: stack.stackId });
    const ids = [...sandbox.account.stacks.keys()];
    for (let call = 0; sandbox.calls.length < 22_000; call += 1) {
      if (call % 100 === 0) listStacks(sandbox, ['DELETE_IN_PROGRESS']);
      else send(sandbox, 'cloudformation:DescribeStacks', { StackName: ids[call % ids.length] });
    }

    expect(listStacks(sandbox, ['DELETE_IN_PROGRESS']).summaries).toEqual([]);
  });
});
