/** Calls answered by the sandbox, by API (service:Operation). */
export function callsByApi(calls: readonly { service: string; operation: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { service, operation } of calls) counts[`${service}:${operation}`] = (counts[`${service}:${operation}`] ?? 0) + 1;
  return counts;
}
