import { describe, expect, it } from 'vitest';
import type { Scenario, ScenarioInput } from '../../local/sandbox/scenario.js';
import {
  CONNECTION_ID,
  consoleInput,
  ENVIRONMENT,
  environmentDeletedEvent,
  environmentStack,
  MANAGEMENT_ACCOUNT,
  OTHER_CONNECTION_ID,
  scenario,
} from '../helpers/scenarios.js';
import {
  connectionOnly,
  decommissionDue,
  mixedOwnership,
  nestedNeverAlone,
  ownAccountEnvironment,
  protection,
  protonPrefix,
  provenFor,
  requestTarget,
  retiredSweepMayStart,
  servedUntouchable,
  targetEnvironment,
  waitsFor,
  whyStackNotDeletable,
} from './invariants.js';
import { type ConnectionState, environmentArn, initialWorld, parseScenario, type WorldState, worldAt } from './world.js';

/** The oracle's own rules on hand-built scenarios: each says yes once and no once. */
const E = { name: ENVIRONMENT, managementAccountId: MANAGEMENT_ACCOUNT };
const OTHER_MGMT = '999988887777';
const build = (overrides: Partial<ScenarioInput>): { s: Scenario; world: WorldState; arn: string } => {
  const s = parseScenario(scenario(overrides));
  return { s, world: initialWorld(s), arn: environmentArn(s, E) };
};
const stackOf = (world: WorldState, name: string) => {
  const stack = world.stacks.get(name);
  if (!stack) throw new Error(`no stack ${name}`);
  return stack;
};
const connection = (id: string, status: ConnectionState['status'], managementAccountId = MANAGEMENT_ACCOUNT): ConnectionState => ({
  id,
  environmentName: ENVIRONMENT,
  managementAccountId,
  status,
  roleNames: [],
});

describe('proven ownership', () => {
  it('an AWSProton- stack tagged for E is proven; one tagged nowhere is not', () => {
    const { world, arn } = build({ stacks: [environmentStack({ name: 'AWSProton-a' }), environmentStack({ name: 'AWSProton-b', protonTags: 'none' })] });
    expect(protonPrefix(stackOf(world, 'AWSProton-a'))).toBeUndefined();
    expect(provenFor(world, stackOf(world, 'AWSProton-a'), arn)).toBeUndefined();
    expect(provenFor(world, stackOf(world, 'AWSProton-b'), arn)).toMatch(/no proton:environment/);
  });

  it('a name without AWSProton- is never deletable', () => {
    const { world, arn } = build({ stacks: [environmentStack({ name: 'payments-legacy' })] });
    expect(protonPrefix(stackOf(world, 'payments-legacy'))).toMatch(/AWSProton-/);
    expect(whyStackNotDeletable(world, stackOf(world, 'payments-legacy'), arn)).toMatch(/AWSProton-/);
  });

  it("proof from a nested stack's resource counts; from an untaggable resource it does not", () => {
    const { world, arn } = build({
      stacks: [
        environmentStack({ name: 'AWSProton-root', protonTags: 'none' }),
        environmentStack({ name: 'AWSProton-root-n', protonTags: 'resources', parent: 'AWSProton-root', exports: [] }),
        environmentStack({
          name: 'AWSProton-hidden',
          protonTags: 'resources',
          resources: [{ logicalId: 'Q', type: 'AWS::SQS::Queue', name: 'q-hidden', taggable: false }],
        }),
      ],
    });
    expect(provenFor(world, stackOf(world, 'AWSProton-root'), arn)).toBeUndefined();
    expect(provenFor(world, stackOf(world, 'AWSProton-hidden'), arn)).toBeDefined();
  });

  it("a stack of E's name under another management account is not proven for E", () => {
    const { world, arn } = build({ stacks: [environmentStack({ name: 'AWSProton-m', managementAccountId: OTHER_MGMT })] });
    expect(provenFor(world, stackOf(world, 'AWSProton-m'), arn)).toBeDefined();
  });
});

describe('nested stacks go with their root', () => {
  it('a nested stack is never deleted alone; a root may be', () => {
    const { world } = build({
      stacks: [environmentStack({ name: 'AWSProton-r' }), environmentStack({ name: 'AWSProton-r-n', parent: 'AWSProton-r', exports: [] })],
    });
    expect(nestedNeverAlone(stackOf(world, 'AWSProton-r-n'))).toMatch(/nested/);
    expect(nestedNeverAlone(stackOf(world, 'AWSProton-r'))).toBeUndefined();
  });
});

describe('mixed ownership', () => {
  it('a resource tagged for another environment makes the stack mixed; an untagged resource does not', () => {
    const mixedStack = environmentStack({
      name: 'AWSProton-mixed',
      resources: [{ logicalId: 'A', type: 'AWS::SQS::Queue', name: 'qa', environment: 'ledger-staging' }],
    });
    const plain = environmentStack({ name: 'AWSProton-plain', protonTags: 'stack', resources: [{ logicalId: 'A', type: 'AWS::SQS::Queue', name: 'qb' }] });
    const { world } = build({ stacks: [mixedStack, plain] });
    expect(mixedOwnership(world, stackOf(world, 'AWSProton-mixed'))).toMatch(/^mixed ownership/);
    expect(mixedOwnership(world, stackOf(world, 'AWSProton-plain'))).toBeUndefined();
  });

  it("a nested stack tagged for E's name under another management account makes its root mixed", () => {
    const { world } = build({
      stacks: [
        environmentStack({ name: 'AWSProton-r' }),
        environmentStack({ name: 'AWSProton-r-n', parent: 'AWSProton-r', managementAccountId: OTHER_MGMT, exports: [] }),
      ],
    });
    expect(mixedOwnership(world, stackOf(world, 'AWSProton-r'))).toMatch(/999988887777/);
  });
});

describe('protection', () => {
  it("the protect tag with an empty value on a nested stack's resource protects the root; nothing protects a plain stack", () => {
    const { world } = build({
      stacks: [
        environmentStack({ name: 'AWSProton-r' }),
        environmentStack({
          name: 'AWSProton-r-n',
          parent: 'AWSProton-r',
          exports: [],
          resources: [{ logicalId: 'B', type: 'AWS::SQS::Queue', name: 'qn', tags: { 'proton-cleanup:protect': '' } }],
        }),
        environmentStack({ name: 'AWSProton-plain' }),
      ],
    });
    expect(protection(world, stackOf(world, 'AWSProton-r'))).toMatch(/proton-cleanup:protect/);
    expect(protection(world, stackOf(world, 'AWSProton-plain'))).toBeUndefined();
  });

  it('termination protection on the stack', () => {
    const { world } = build({ stacks: [environmentStack({ name: 'AWSProton-t', terminationProtection: true })] });
    expect(protection(world, stackOf(world, 'AWSProton-t'))).toMatch(/termination protection/);
  });
});

describe('served means untouchable', () => {
  const decommissioned = new Set([CONNECTION_ID]);
  it('another CONNECTED or PENDING connection of E blocks; a REJECTED one, or one of another management account, does not', () => {
    const other = '3c9d2f4e-8a1b-4c5d-9e6f-0a1b2c3d4e5f';
    for (const status of ['CONNECTED', 'PENDING'] as const) {
      expect(servedUntouchable(new Map([[other, connection(other, status)]]), E, decommissioned, 'available')).toMatch(/still serves/);
    }
    expect(servedUntouchable(new Map([[other, connection(other, 'REJECTED')]]), E, decommissioned, 'available')).toBeUndefined();
    expect(servedUntouchable(new Map([[other, connection(other, 'CONNECTED', OTHER_MGMT)]]), E, decommissioned, 'available')).toBeUndefined();
  });

  it('with Proton available the connection being decommissioned must be gone first; with Proton retired the rule is skipped', () => {
    const own = new Map([[CONNECTION_ID, connection(CONNECTION_ID, 'CONNECTED')]]);
    expect(servedUntouchable(own, E, decommissioned, 'available')).toMatch(/being decommissioned/);
    expect(servedUntouchable(own, E, decommissioned, 'retired')).toBeUndefined();
  });

  it('decommissioning a PENDING or REJECTED connection deletes the connection only', () => {
    expect(connectionOnly(new Map([[CONNECTION_ID, 'REJECTED']]), 'available')).toMatch(/connection only/);
    expect(connectionOnly(new Map([[CONNECTION_ID, 'PENDING']]), 'available')).toMatch(/connection only/);
    expect(connectionOnly(new Map([[CONNECTION_ID, 'CONNECTED']]), 'available')).toBeUndefined();
  });
});

describe('hold dependents back', () => {
  it('the environment stack waits for components and service instances; a component without exports waits for nothing', () => {
    const { world, arn } = build({});
    const env = [...world.stacks.values()].find((s) => s.ownerKind === 'environment');
    const component = [...world.stacks.values()].find((s) => s.ownerKind === 'component');
    expect(
      waitsFor(world, env!, arn)
        .map((s) => s.ownerKind)
        .sort(),
    ).toEqual(['component', 'service-instance', 'service-instance']);
    expect(waitsFor(world, component!, arn)).toEqual([]);
  });

  it('a service instance with exports waits for the stacks importing one of them, not for other components', () => {
    const { world, arn } = build({});
    const instance = [...world.stacks.values()].find((s) => s.ownerKind === 'service-instance')!;
    instance.exports = ['x'];
    expect(waitsFor(world, instance, arn)).toEqual([]);
    const component = [...world.stacks.values()].find((s) => s.ownerKind === 'component')!;
    component.imports = ['x'];
    expect(waitsFor(world, instance, arn)).toEqual([component]);
  });
});

describe('the request and its environment', () => {
  it("a connection request targets the connection's environment; a mismatching named environment targets none", () => {
    const s = parseScenario(scenario({ input: consoleInput('execute') }));
    expect(targetEnvironment(s, requestTarget(s, 'execute')).environment).toEqual(E);
    const mismatch = parseScenario(
      scenario({ input: consoleInput('execute', { environment: { name: 'ledger-staging', managementAccountId: MANAGEMENT_ACCOUNT } }) }),
    );
    expect(targetEnvironment(mismatch, requestTarget(mismatch, 'execute')).environment).toBeUndefined();
  });

  it('with Proton retired a request must name its environment; "retired" in a request is invalid', () => {
    const retired = parseScenario(scenario({ protonApi: 'retired', input: consoleInput('execute') }));
    expect(targetEnvironment(retired, requestTarget(retired, 'execute')).environment).toBeUndefined();
    const event = parseScenario(scenario({ protonApi: 'retired', input: environmentDeletedEvent() }));
    expect(targetEnvironment(event, requestTarget(event, 'execute')).environment).toEqual(E);
    const invalid = parseScenario(scenario({ input: consoleInput('execute', { protonApi: 'retired' }) }));
    expect(requestTarget(invalid, 'execute').kind).toBe('invalid');
    const asks = parseScenario(scenario({ protonApi: 'retired', input: consoleInput('execute', { protonApi: 'available' }) }));
    expect(requestTarget(asks, 'execute').protonApi).toBe('available');
  });
});

describe('sweeps', () => {
  it('an environment of this very account is never an orphan; one of the management account may be', () => {
    expect(ownAccountEnvironment({ name: 'x', managementAccountId: '111122223333' }, '111122223333')).toMatch(/never an orphan/);
    expect(ownAccountEnvironment(E, '111122223333')).toBeUndefined();
  });

  it('with Proton retired, only named or due environments; a future or malformed date is not due', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    const key = `/proton-cleanup/decommission/${MANAGEMENT_ACCOUNT}/${ENVIRONMENT}`;
    expect(decommissionDue({ [key]: '2026-11-30' }, E, now)).toBe(true);
    expect(decommissionDue({ [key]: '2026-12-02' }, E, now)).toBe(false);
    expect(decommissionDue({ [key]: '31/12/2025' }, E, now)).toBe(false);
    const s = parseScenario(scenario({ protonApi: 'retired', input: { sweep: true } }));
    const target = requestTarget(s, 'execute');
    expect(retiredSweepMayStart(target, {}, E, now)).toMatch(/neither named by the sweep nor due/);
    expect(retiredSweepMayStart({ ...target, sweepEnvironments: [E] }, {}, E, now)).toBeUndefined();
  });
});

describe('changes count from when they happen', () => {
  it('a re-tag at 100 s is in the world at 100 s, not at 99 s', () => {
    const s = parseScenario(
      scenario({
        connections: [
          { id: CONNECTION_ID, environmentName: ENVIRONMENT, roleName: 'r' },
          { id: OTHER_CONNECTION_ID, environmentName: 'ledger-staging', roleName: 'l' },
        ],
        stacks: [environmentStack({ name: 'AWSProton-x' })],
        changes: [{ at: 100, action: 'tag', target: { stack: 'AWSProton-x' }, tags: { 'proton-cleanup:protect': '' } }],
      }),
    );
    const before = worldAt(s, 0, 99_000);
    const after = worldAt(s, 0, 100_000);
    expect(protection(before, stackOf(before, 'AWSProton-x'))).toBeUndefined();
    expect(protection(after, stackOf(after, 'AWSProton-x'))).toBeDefined();
  });
});
