import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { type Deployment, deploymentFrom, type Identity } from './identities.js';
import { actionMatches, list, type PolicyStatement } from './policy.js';
import { PROJECT_ROOT, type Template } from './template.js';

/**
 * The spoke roles (deployment/spoke.yml): a plain CloudFormation template, deployed once in every
 * target account (a StackSet), holding one role per hub function that the hub function assumes,
 * and the role CloudFormation deletes stacks with there. Read with its parameter values for one
 * account; its roles are identities like the hub's (local/iam/identities.ts), so the sandbox
 * authorizes a spoke session's calls, and CloudFormation's deletions, against their policies.
 */
export const SPOKE_TEMPLATE = path.join('deployment', 'spoke.yml');
export const SPOKE_ROLE_NAME_PREFIX = 'proton-cleanup-spoke';

/** Where the hub runs: the spoke's trust policies name its functions' roles (`pcc-<stage>-<region>-<suffix>`). */
export interface HubPlace {
  accountId: string;
  region: string;
  /** The hub's stage (the local run's is `local`). */
  stage?: string;
  partition?: string;
}

/** A spoke template (YAML with long-form intrinsics only, or JSON). */
export function parseSpokeTemplate(text: string): Template {
  const template = parse(text) as Template;
  if (!template?.Resources) throw new Error('The spoke template has no Resources');
  return template;
}

/** deployment/spoke.yml, if the project has it. */
export function projectSpokeTemplate(root = PROJECT_ROOT): Template | undefined {
  const file = path.join(root, SPOKE_TEMPLATE);
  return existsSync(file) ? parseSpokeTemplate(readFileSync(file, 'utf8')) : undefined;
}

/** The spoke stack as deployed in `accountId` for the hub (its roles, resolved). */
export function spokeDeployment(template: Template, accountId: string, hub: HubPlace): Deployment {
  const partition = hub.partition ?? 'aws';
  return deploymentFrom(template, {
    accountId,
    // IAM is global: the Region the StackSet instance is in names nothing in a role.
    region: hub.region,
    partition,
    stackName: SPOKE_ROLE_NAME_PREFIX,
    parameters: { HubAccountId: hub.accountId, HubStage: hub.stage ?? 'local', HubRegion: hub.region },
  });
}

/**
 * The identity with these actions taken out of its Allow statements (a spoke role whose policy
 * lacks them). An action granted only by a wildcard (`cloudformation:*`) stays granted: the
 * statement cannot be narrowed without expanding the wildcard (documented in docs/sandbox.md).
 */
export function withoutActions(identity: Identity, actions: readonly string[]): Identity {
  if (actions.length === 0) return identity;
  const removed = (action: string) => actions.some((a) => a.toLowerCase() === action.toLowerCase());
  const policies = identity.policies.map((policy) => ({
    name: policy.name,
    document: {
      ...policy.document,
      Statement: list(policy.document.Statement).flatMap((statement): PolicyStatement[] => {
        if (statement.Effect !== 'Allow' || statement.Action === undefined) return [statement];
        const kept = list(statement.Action).filter((a) => !removed(a));
        return kept.length === 0 ? [] : [{ ...statement, Action: kept }];
      }),
    },
  }));
  return { ...identity, policies };
}

/** Whether any of the identity's Allow statements still names the action (exactly or by wildcard). */
export function grants(identity: Identity, action: string): boolean {
  return identity.policies.some((p) => list(p.document.Statement).some((s) => s.Effect === 'Allow' && list(s.Action).some((a) => actionMatches(a, action))));
}
