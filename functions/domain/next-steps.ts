import { STANDALONE_TYPES } from '../standalone-types/index.js';
import { stackName } from './arn.js';
import { deniedAction, type FailedResource } from './stack-deletion.js';

/**
 * The step a person can take about a failed or kept resource (or a failed connection), read
 * from the facts the report already states: its outcome, reason or error and, for a stack, the
 * resources CloudFormation failed to delete. Pure; the first rule that matches speaks. A kept
 * resource that needs nothing says so, and why, so that a reader never wonders.
 */
interface NextStepFacts {
  id: string;
  type: string;
  outcome: string;
  reason?: string | undefined;
  error?: string | undefined;
  failedResources?: readonly FailedResource[] | undefined;
}

/** The request's options that change what a re-run would do. */
export interface NextStepContext {
  retainFailedResources: boolean;
  deleteTypes: readonly string[];
}

const NOT_EMPTY = /bucket you tried to delete is not empty/i;
const RE_RUN = 'then re-run';

/** A name a person recognises: the bucket's, the stack's, or the ARN's last part. */
function shortName(id: string, type: string): string {
  if (type === 'cloudformation:stack') return stackName(id);
  if (type === 's3:bucket') return id.replace(/^arn:aws[a-z-]*:s3:::/, '');
  return id;
}

function deniedStep(denied: readonly string[]): string {
  const grantable = denied.filter((a) => a.toLowerCase() !== 'iam:passrole');
  const steps = grantable.length
    ? [`add permission ${grantable.join(', ')} to the deletion role (deployment parameter deletionRolePolicyArns), ${RE_RUN}`]
    : [];
  // The deletion role must not hold PassRole broadly: that resource is deleted by hand instead.
  if (grantable.length < denied.length) steps.push('it needs iam:PassRole, which the deletion role is not given: delete the resource yourself, then re-run');
  return steps.join('; ');
}

/** The buckets CloudFormation could not delete because they hold objects. */
function nonEmptyBuckets(facts: NextStepFacts): string[] {
  const inStack = (facts.failedResources ?? [])
    .filter((r) => NOT_EMPTY.test(r.reason))
    .map((r) => (r.physicalId ? shortName(r.physicalId, 's3:bucket') : r.logicalId));
  if (inStack.length) return inStack;
  return facts.type === 's3:bucket' && NOT_EMPTY.test(`${facts.error ?? ''} ${facts.reason ?? ''}`) ? [shortName(facts.id, facts.type)] : [];
}

function bucketStep(buckets: readonly string[], context: NextStepContext): string {
  const named = `bucket${buckets.length > 1 ? 's' : ''} ${buckets.join(', ')}`;
  const keep = `re-run with retainFailedResources to keep ${named} and delete the rest of the stack`;
  const empty = context.deleteTypes.includes('s3:bucket')
    ? `with retainFailedResources (s3:bucket is already in deleteTypes) the cleanup also empties and deletes ${buckets.length > 1 ? 'them' : 'it'}`
    : `add s3:bucket to deleteTypes as well to empty and delete ${buckets.length > 1 ? 'them' : 'it'} (${buckets.length > 1 ? 'their' : 'its'} objects are lost)`;
  return context.retainFailedResources
    ? `empty ${named} yourself, or add s3:bucket to deleteTypes to have the cleanup empty and delete ${buckets.length > 1 ? 'them' : 'it'}, ${RE_RUN}`
    : `${keep}; or ${empty}`;
}

type Rule = (facts: NextStepFacts, text: string, context: NextStepContext) => string | undefined;

/** In order: the first answer wins. `text` is the error, then the reason. */
const RULES: readonly Rule[] = [
  // A resource in a stack that stayed: its stack's step is its step.
  (facts, text, context) => {
    const inner = /^its stack (?:is retained|was not deleted): (.*)$/s.exec(text)?.[1];
    return inner ? `it goes with its stack: ${nextStep({ ...facts, type: 'cloudformation:stack', reason: inner, error: undefined }, context)}` : undefined;
  },
  (_f, text) => {
    const waitsFor = /^not started: waits for (\S+)/.exec(text)?.[1];
    return waitsFor ? `fix stack ${waitsFor} first (see its own next step), ${RE_RUN}` : undefined;
  },
  (facts, text) => {
    const denied = [...new Set([text, ...(facts.failedResources ?? []).map((r) => r.reason)].flatMap((t) => deniedAction(t) ?? []))];
    return denied.length ? deniedStep(denied) : undefined;
  },
  (facts, text) =>
    /termination protection is on/.test(text)
      ? `turn off termination protection (aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name ${shortName(facts.id, facts.type)}), ${RE_RUN}`
      : undefined,
  (facts, text) =>
    /^kept by the second DeleteStack \(RetainResources\)/.test(text)
      ? `its stack is gone and the cleanup no longer tracks it: ${NOT_EMPTY.test(text) && facts.type === 's3:bucket' ? `empty and delete bucket ${shortName(facts.id, facts.type)} yourself once its objects are no longer needed (aws s3 rb s3://${shortName(facts.id, facts.type)} --force)` : 'delete it yourself once what stopped its deletion is fixed'}`
      : undefined,
  (facts, _t, context) => {
    const buckets = nonEmptyBuckets(facts);
    return buckets.length ? bucketStep(buckets, context) : undefined;
  },
  (_f, text) => {
    const importer = /^not started: stack (\S+) imports its export (\S+)/.exec(text);
    return importer ? `delete stack ${importer[1]} first, or stop it importing ${importer[2]}, ${RE_RUN}` : undefined;
  },
  (_f, text) => {
    const inUse = /export (\S+) is in use by (\S+)/.exec(text);
    return inUse ? `delete stack ${inUse[2]} first, or stop it importing ${inUse[1]}, ${RE_RUN}` : undefined;
  },
  (facts) =>
    facts.failedResources?.length
      ? `fix what stops CloudFormation deleting ${facts.failedResources.map((r) => r.logicalId).join(', ')} (see failedResources), ${RE_RUN}; or re-run with retainFailedResources to keep ${facts.failedResources.length > 1 ? 'them' : 'it'} and delete the rest`
      : undefined,
  (_f, text) =>
    /still DELETE_IN_PROGRESS|CloudFormation goes on|re-run to (?:see|pick up) the result/.test(text)
      ? 'nothing to fix: CloudFormation goes on deleting it; re-run later to record the result'
      : undefined,
  (_f, text) => (/reached its limit of \d+ rounds|re-run to continue|re-run to go on/.test(text) ? 're-run to continue where this run stopped' : undefined),
  (_f, text) =>
    /^CloudFormation could not delete it/.test(text)
      ? `fix what stops CloudFormation deleting it (the reason given), ${RE_RUN}; or re-run with retainFailedResources to keep it and delete the rest of its stack`
      : undefined,
  (_f, text) =>
    /not in the reviewed plan/.test(text)
      ? 'nothing needs doing for this plan: it was not in the plan that was reviewed; make a new plan, review it and execute that one to include it'
      : undefined,
  (_f, text) => {
    const key = /^(?:re-checked before deletion: )?protected: .*?tagged (\S+)/.exec(text)?.[1];
    return key ? `nothing needs doing: kept on purpose by the protect tag ${key}; remove the tag and re-run if it should go` : undefined;
  },
  (_f, text) =>
    /DeletionPolicy \(Retain\)/.test(text)
      ? 'nothing needs doing: its template keeps it on purpose (DeletionPolicy Retain); delete it yourself if it is no longer needed'
      : undefined,
  (_f, text) =>
    /mixed ownership/.test(text) ? `sort out its tags (they name this environment and another one), ${RE_RUN}; nothing of it is deleted until then` : undefined,
  (_f, text) =>
    /ownership not proven/.test(text)
      ? "nothing needs doing: only what is proven to be this environment's is deleted; if it is, delete it yourself"
      : undefined,
  (_f, text) => (/not provisioned by Proton/.test(text) ? 'nothing needs doing: Proton did not provision it; delete it yourself if it should go' : undefined),
  (_f, text) =>
    /no longer prove it is this environment's|tags changed since the inventory|now name another environment/.test(text)
      ? "nothing needs doing: its tags now say it is not this environment's, so it was left alone"
      : undefined,
  (_f, text) =>
    /still served by connection/.test(text)
      ? 'nothing needs doing now: another connection serves the environment; decommission that connection first, then re-run'
      : undefined,
  (_f, text) =>
    /is (?:PENDING|REJECTED):/.test(text)
      ? "nothing needs doing: the connection never served the environment, so its resources are not this cleanup's"
      : undefined,
  (_f, text) =>
    /managed from this very account/.test(text) ? 'nothing needs doing: the environment is managed from this account and is not an orphan' : undefined,
  (facts, text) => {
    if (!/stand-alone resources are reported, not deleted/.test(text)) return undefined;
    return (STANDALONE_TYPES as readonly string[]).includes(facts.type)
      ? `add ${facts.type} to deleteTypes to delete it, ${RE_RUN}`
      : `delete it yourself if it should go: ${facts.type} is not a type deleteTypes can list`;
  },
  (_f, text) =>
    /^connection role: kept/.test(text)
      ? 'nothing needs doing: connection roles are kept by default; re-run with deleteConnectionRoles to delete it if nothing else uses it'
      : undefined,
  (_f, text) =>
    /also the role of|the service role of live stack/.test(text)
      ? 'nothing needs doing: it is still in use (see the reason); it can go once what uses it is gone'
      : undefined,
  (_f, text) =>
    /is not an active stack in this account/.test(text)
      ? 'nothing needs doing by the cleanup: its stack is gone, so it is no longer deleted with it; delete it yourself if it should go'
      : undefined,
  (_f, text) => (/^not processed: the run failed first/.test(text) ? `fix what failed the run (see the report's failure), ${RE_RUN}` : undefined),
  (_f, text) => (/appeared after the inventory was taken/.test(text) ? 're-run to include it' : undefined),
  (_f, text) =>
    /no longer tagged for this environment/.test(text) ? 'nothing needs doing: it was no longer tagged for this environment (gone, or re-tagged)' : undefined,
  (_f, text) => (/left deletion: it is now/.test(text) ? `find out what is changing the stack and let it finish, ${RE_RUN}` : undefined),
  (_f, text) =>
    /still present and tagged for this environment after the cleanup/.test(text)
      ? 'check why it is still there (re-created by something?), then re-run or delete it yourself'
      : undefined,
  (_f, text) => (/AccessDenied|not authorized/i.test(text) ? `grant the permission the error names to the role that made the call, ${RE_RUN}` : undefined),
];

/** The step for a failed or kept resource; undefined for any other outcome. */
export function nextStep(facts: NextStepFacts, context: NextStepContext): string | undefined {
  if (facts.outcome !== 'failed' && facts.outcome !== 'retained') return undefined;
  const text = [facts.error, facts.reason].filter(Boolean).join('; ');
  for (const rule of RULES) {
    const step = rule(facts, text, context);
    if (step) return step;
  }
  return facts.outcome === 'failed' ? `fix the cause the error gives, ${RE_RUN}: a re-run picks up where this one stopped` : 'see the reason given';
}

/** The step for a connection whose deletion failed. */
export function connectionNextStep(connection: { outcome: string; error?: string | undefined }): string | undefined {
  if (connection.outcome !== 'failed') return undefined;
  const error = connection.error ?? '';
  if (/^ConflictException/.test(error)) return `Proton is still changing the connection: wait for it to settle, ${RE_RUN}`;
  if (/^(?:AccessDenied|UnauthorizedOperation)|not authorized/i.test(error))
    return `grant the permission the error names to the DeleteConnection function's role, ${RE_RUN}`;
  if (/^(?:Throttling|InternalServer|ServiceUnavailable)/.test(error)) return 'a transient AWS error outlasted the retries: re-run';
  return `fix the cause the error gives, ${RE_RUN}`;
}
