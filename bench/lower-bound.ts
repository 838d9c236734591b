/**
 * The least time any correct and safe cleanup of a scenario can take, whatever its design and
 * settings: the largest of
 * - the longest chain of deletions that must follow one another (importers first, the
 *   environment's stack last);
 * - the API calls any cleanup must make, at the APIs' assumed rates (each API on its own);
 * - the work CloudFormation must do, Σ over stacks of (resources in the stack × its deletion
 *   time), over the account's ConcurrentResourcesLimit (resources in stack operations at once).
 * Nothing here reads the product's settings.
 */
export interface LowerBoundInput {
  chainSeconds: number;
  /** The minimum calls per API ("service:Operation"). */
  minimumCalls: Readonly<Record<string, number>>;
  /** The assumed rate of an API (calls per second); undefined: unlimited. */
  rateOf: (api: string) => number | undefined;
  /** Σ over stacks of (resources in the stack × its deletion seconds). */
  resourceSeconds: number;
  concurrentResourcesLimit: number;
}

export interface LowerBound {
  seconds: number;
  chainSeconds: number;
  callsSeconds: number;
  throughputSeconds: number;
  bindingTerm: 'chain' | 'calls' | 'throughput';
}

export function lowerBound(input: LowerBoundInput): LowerBound {
  const callsSeconds = Math.max(0, ...Object.entries(input.minimumCalls).map(([api, calls]) => calls / (input.rateOf(api) ?? Number.POSITIVE_INFINITY)));
  const throughputSeconds = input.resourceSeconds / input.concurrentResourcesLimit;
  const terms = { chain: input.chainSeconds, calls: callsSeconds, throughput: throughputSeconds };
  const bindingTerm = (Object.keys(terms) as (keyof typeof terms)[]).reduce((a, b) => (terms[b] > terms[a] ? b : a));
  return { seconds: terms[bindingTerm], chainSeconds: input.chainSeconds, callsSeconds, throughputSeconds, bindingTerm };
}

/**
 * What any correct cleanup must call: list the tagged resources and the stacks once (100 a
 * page), delete the connection once and each stack once, and learn how each deletion ended
 * (ListStacks reads up to 100 statuses a page).
 */
export function minimumCalls(counts: { taggedResources: number; accountStacks: number; stacks: number }): Record<string, number> {
  return {
    'tagging:GetResources': Math.ceil(counts.taggedResources / 100),
    'cloudformation:DescribeStacks': Math.ceil(counts.accountStacks / 100),
    'cloudformation:DeleteStack': counts.stacks,
    'cloudformation:ListStacks': Math.ceil(counts.stacks / 100),
    'proton:DeleteEnvironmentAccountConnection': 1,
  };
}
