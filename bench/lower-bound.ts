/**
 * The least time any cleanup of a scenario can take, whatever its design: the largest of
 * - the longest chain of deletions that must follow one another (importers first);
 * - the API calls any cleanup must make, at the allowed rates (each API on its own);
 * - the stacks, over the allowed number of deletions at once, times the mean deletion time.
 */
export interface LowerBoundInput {
  chainSeconds: number;
  /** The minimum calls per API ("service:Operation") and the allowed rates (calls per second). */
  minimumCalls: Readonly<Record<string, number>>;
  rateOf: (api: string) => number | undefined;
  stacks: number;
  concurrency: number;
  meanDeletionSeconds: number;
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
  const throughputSeconds = (input.stacks / input.concurrency) * input.meanDeletionSeconds;
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
