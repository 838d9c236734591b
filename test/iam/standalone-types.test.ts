import { describe, expect, it } from 'vitest';
import { DELETABLE_STANDALONE_TYPES } from '../../functions/standalone-types/aws.js';
import { STANDALONE_TYPES, type StandaloneDeletion, type StandaloneType } from '../../functions/standalone-types/index.js';
import { CoverageRecord, functionCaller, runAsFunction } from '../../local/iam/index.js';
import { openSandbox } from '../../local/local-environment.js';
import { scenario, standaloneResource } from '../helpers/scenarios.js';

/**
 * Whether serverless.yml's deleteStandaloneResource role grants what each registered type's
 * delete needs is judged as AWS judges it, not by the module's own list: the delete runs on the
 * sandbox as that function, every SDK call authorized against the packaged role by the Service
 * Authorization Reference's mapping (local/iam/requests.ts); a call the role does not allow is
 * AccessDenied and the resource stays. The module's `iamActions` is then held to what the calls
 * were authorized for: all of it, nothing else.
 */
const FUNCTION = 'deleteStandaloneResource';
const NAMES: Record<StandaloneType, string> = {
  's3:bucket': 'payments-prod-artifacts',
  'logs:log-group': '/proton/payments-prod/app',
  'ecr:repository': 'payments/api',
  'ssm:parameter': '/payments-prod/db/url',
};

describe("serverless.yml's deleteStandaloneResource role, judged by the IAM evaluation of each type's delete", () => {
  it.each(STANDALONE_TYPES)("%s: the function deletes it under its role, authorized for exactly the module's iamActions", async (type) => {
    const module = DELETABLE_STANDALONE_TYPES[type];
    const coverage = new CoverageRecord();
    const sandbox = await openSandbox(
      scenario({ standaloneResources: [standaloneResource(module.cloudFormationType, NAMES[type], type === 's3:bucket' ? { objects: 3 } : {})] }),
      { coverage },
    );
    const deployment = sandbox.iam?.deployment;
    if (!deployment) throw new Error('the sandbox enforces no IAM');
    const arn = sandbox.account.resourceNamed(module.cloudFormationType, NAMES[type])?.arn ?? '';
    // Later than the scenario's objects, written before the sandbox opened.
    const writtenBefore = new Date().toISOString();

    const outcomes: StandaloneDeletion[] = [];
    await runAsFunction(deployment, FUNCTION, async () => {
      do outcomes.push(await module.delete(module.nameOf(arn), { writtenBefore }));
      while (outcomes.at(-1) === 'in-progress' && outcomes.length < 10);
    });

    expect(outcomes.at(-1)).toBe('deleted');
    expect(sandbox.account.resourceNamed(module.cloudFormationType, NAMES[type])).toBeUndefined();
    const role = functionCaller(deployment, FUNCTION).identity.roleLogicalId;
    const authorized = new Set(
      coverage
        .entries()
        .filter((e) => e.identity === role && e.by === 'sdk')
        .map((e) => e.action),
    );
    expect([...authorized].sort()).toEqual([...module.iamActions].sort());
  });
  it.each(STANDALONE_TYPES)('%s: a function whose role grants none of it (notify) is denied, and the resource stays', async (type) => {
    const module = DELETABLE_STANDALONE_TYPES[type];
    const sandbox = await openSandbox(scenario({ standaloneResources: [standaloneResource(module.cloudFormationType, NAMES[type])] }));
    const deployment = sandbox.iam?.deployment;
    if (!deployment) throw new Error('the sandbox enforces no IAM');
    const arn = sandbox.account.resourceNamed(module.cloudFormationType, NAMES[type])?.arn ?? '';

    const denied = runAsFunction(deployment, 'notify', () => module.delete(module.nameOf(arn), { writtenBefore: new Date().toISOString() }));

    await expect(denied).rejects.toThrow(/is not authorized to perform/);
    expect(sandbox.account.resourceNamed(module.cloudFormationType, NAMES[type])?.arn).toBe(arn);
  });
});
