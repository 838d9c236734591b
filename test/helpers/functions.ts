import { runAsFunction } from '../../local/iam/index.js';
import { installedSandbox } from '../../local/sandbox/interceptor.js';

/**
 * Calls a handler directly (not through the workflow) as Lambda would run it: as its function's
 * identity, the role serverless.yml gives the function `functionKey`, so the sandbox installed
 * now authorizes its calls against that role. Without a sandbox enforcing IAM, calls it as is.
 */
export async function asFunction<T>(functionKey: string, invoke: () => Promise<T>): Promise<T> {
  const deployment = installedSandbox()?.iam?.deployment;
  return deployment ? runAsFunction(deployment, functionKey, invoke) : invoke();
}
