/** The SDKs' `{Key, Value}[]` tag lists (CloudFormation, Tagging API) as a plain map. */
export function tagMap(tags: readonly { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}
