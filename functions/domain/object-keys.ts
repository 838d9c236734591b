/**
 * Where an execution's files are kept in the report bucket. Pure (no SDK client), so that the
 * operator CLI can name them without loading the functions' AWS clients.
 */
/** Keys are per execution, so a re-run never overwrites an earlier run's record. */
export function executionKey(executionName: string, file: string): string {
  return `executions/${executionName}/${file}`;
}
