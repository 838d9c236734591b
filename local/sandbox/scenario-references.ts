import type { ChangeSpec, StackSpec } from './scenario.js';

/**
 * What a scenario names must exist: a nested stack's parent, the targets of its changes, the
 * connections its changes act on. Checked when the scenario is loaded (ScenarioSchema), so a
 * typo fails loudly with the path of the field instead of a change that silently does nothing.
 */
interface ReferenceIssue {
  path: (string | number)[];
  message: string;
}

/** The parts of a parsed scenario the checks read (its types, without a cycle through scenario.ts). */
interface ReferencedScenario {
  connections: readonly { id: string }[];
  stacks: readonly StackSpec[];
  standaloneResources: readonly { name: string; type: string }[];
  changes: readonly ChangeSpec[];
}

/** Tag keys CloudFormation and Proton set themselves; a scenario's customer tags never carry them. */
const SYSTEM_KEY = /^(aws|proton):/;
/** AWS reserves the aws: prefix: nobody, a person or a tool, can add or remove such a tag. */
const RESERVED_KEY = /^aws:/i;

export function referenceIssues(scenario: ReferencedScenario): ReferenceIssue[] {
  return [...stackIssues(scenario.stacks), ...changeIssues(scenario)];
}

function stackIssues(stacks: readonly StackSpec[]): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const byName = new Map<string, StackSpec[]>();
  for (const s of stacks) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  stacks.forEach((stack, i) => {
    for (const key of Object.keys(stack.tags)) {
      if (SYSTEM_KEY.test(key))
        issues.push({ path: ['stacks', i, 'tags', key], message: `customer tags cannot use the key ${key}: proton:* and aws:* tags are set by the sandbox` });
    }
    stack.resources.forEach((r, j) => {
      for (const key of Object.keys(r.tags)) {
        if (SYSTEM_KEY.test(key))
          issues.push({
            path: ['stacks', i, 'resources', j, 'tags', key],
            message: `customer tags cannot use the key ${key}: proton:* and aws:* tags are set by the sandbox`,
          });
      }
      if (r.managementAccountId !== undefined && r.environment === undefined) {
        issues.push({
          path: ['stacks', i, 'resources', j, 'managementAccountId'],
          message: 'managementAccountId on a resource needs environment (the environment it is tagged for)',
        });
      }
    });
    if (stack.parent === undefined) return;
    const parents = byName.get(stack.parent) ?? [];
    if (parents.length !== 1) {
      const why = parents.length === 0 ? 'no stack of this scenario has that name' : 'several stacks of this scenario have that name';
      issues.push({ path: ['stacks', i, 'parent'], message: `parent ${stack.parent} of stack ${stack.name}: ${why}` });
      return;
    }
    const chain = [stack.name];
    for (let at: StackSpec | undefined = parents[0]; at; at = at.parent === undefined ? undefined : byName.get(at.parent)?.[0]) {
      chain.push(at.name);
      if (at.name === stack.name) {
        issues.push({ path: ['stacks', i, 'parent'], message: `nested stacks form a cycle: ${chain.join(' → ')}` });
        return;
      }
      if (chain.length > stacks.length + 1) return; // a cycle further up: reported for the stacks in it
    }
  });
  return issues;
}

function changeIssues(scenario: ReferencedScenario): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const stacks = new Map(scenario.stacks.map((s) => [s.name, s]));
  const standaloneCount = new Map<string, number>();
  for (const r of scenario.standaloneResources) standaloneCount.set(r.name, (standaloneCount.get(r.name) ?? 0) + 1);
  const connections = new Set(scenario.connections.map((c) => c.id));
  // Connections come and go in the order the changes happen: check each against the account of its moment.
  const inOrder = scenario.changes.map((change, index) => ({ change, index })).sort((a, b) => a.change.at - b.change.at || a.index - b.index);
  for (const { change, index } of inOrder) {
    const at = (...rest: (string | number)[]) => ['changes', index, ...rest];
    switch (change.action) {
      case 'tag':
      case 'untag': {
        const keys = change.action === 'tag' ? Object.keys(change.tags) : change.keys;
        for (const key of keys.filter((k) => RESERVED_KEY.test(k)))
          issues.push({
            path: at(change.action === 'tag' ? 'tags' : 'keys'),
            message: `${key}: the aws: prefix is reserved for AWS; nobody can ${change.action} it`,
          });
        const target = change.target;
        if ('standalone' in target) {
          const count = standaloneCount.get(target.standalone) ?? 0;
          if (count !== 1)
            issues.push({
              path: at('target', 'standalone'),
              message: `${count === 0 ? 'no' : 'more than one'} stand-alone resource is named ${target.standalone}`,
            });
          break;
        }
        const stack = stacks.get(target.stack);
        if (!stack) {
          issues.push({ path: at('target', 'stack'), message: `no stack of this scenario is named ${target.stack}` });
          break;
        }
        if (target.logicalId === undefined) break;
        const resource = stack.resources.find((r) => r.logicalId === target.logicalId);
        if (!resource) issues.push({ path: at('target', 'logicalId'), message: `stack ${target.stack} has no resource with logical ID ${target.logicalId}` });
        else if (!resource.taggable)
          issues.push({ path: at('target', 'logicalId'), message: `${target.logicalId} of ${target.stack} is not taggable (taggable: false)` });
        break;
      }
      case 'termination-protection':
        if (!stacks.has(change.stack)) issues.push({ path: at('stack'), message: `no stack of this scenario is named ${change.stack}` });
        break;
      case 'create-connection':
        if (connections.has(change.connection.id))
          issues.push({ path: at('connection', 'id'), message: `connection ${change.connection.id} already exists at ${change.at} s` });
        connections.add(change.connection.id);
        break;
      case 'delete-connection':
      case 'connection-status':
        if (!connections.has(change.id)) issues.push({ path: at('id'), message: `no connection ${change.id} exists at ${change.at} s` });
        if (change.action === 'delete-connection') connections.delete(change.id);
        break;
    }
  }
  return issues;
}

/** The parts of a parsed scenario the fleet checks read. */
interface FleetScenario {
  accountId: string;
  region: string;
  accounts: readonly { accountId: string; region: string; spoke?: unknown; outsideOrganization: boolean }[];
  organization?: { rootId: string; units: readonly { id: string; parent: string; accounts: readonly string[] }[] } | undefined;
}

/**
 * A fleet scenario's accounts: each account-Region once (the hub's is the top level); the entries
 * of one account agree on what is the account's, not the Region's (its spoke roles, its
 * organization membership); the organization's units name accounts of the scenario, each once, and
 * a parent that exists.
 */
export function fleetIssues(scenario: FleetScenario): ReferenceIssue[] {
  const issues: ReferenceIssue[] = [];
  const places = new Set([`${scenario.accountId}/${scenario.region}`]);
  const perAccount = new Map<string, { spoke: string; outside: boolean; index: number }>();
  scenario.accounts.forEach((a, i) => {
    const place = `${a.accountId}/${a.region}`;
    if (places.has(place))
      issues.push({ path: ['accounts', i], message: `account ${a.accountId} in ${a.region} is described twice (the top level is the hub's)` });
    places.add(place);
    const seen = perAccount.get(a.accountId);
    const spoke = JSON.stringify(a.spoke ?? null);
    if (seen && (seen.spoke !== spoke || seen.outside !== a.outsideOrganization))
      issues.push({
        path: ['accounts', i],
        message: `account ${a.accountId}: spoke and outsideOrganization are the account's (IAM and Organizations are global), and differ from accounts.${seen.index}`,
      });
    if (!seen) perAccount.set(a.accountId, { spoke, outside: a.outsideOrganization, index: i });
  });
  const known = new Set([scenario.accountId, ...scenario.accounts.map((a) => a.accountId)]);
  const outside = new Set(scenario.accounts.filter((a) => a.outsideOrganization).map((a) => a.accountId));
  const parents = new Set([scenario.organization?.rootId, ...(scenario.organization?.units ?? []).map((u) => u.id)]);
  const placed = new Set<string>();
  scenario.organization?.units.forEach((unit, i) => {
    if (!parents.has(unit.parent)) issues.push({ path: ['organization', 'units', i, 'parent'], message: `no root or unit ${unit.parent} in the organization` });
    unit.accounts.forEach((account, j) => {
      const path = ['organization', 'units', i, 'accounts', j];
      if (!known.has(account)) issues.push({ path, message: `account ${account} is not an account of the scenario` });
      else if (outside.has(account)) issues.push({ path, message: `account ${account} is marked outsideOrganization` });
      else if (placed.has(account)) issues.push({ path, message: `account ${account} is in two units` });
      placed.add(account);
    });
  });
  return issues;
}
