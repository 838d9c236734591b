import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The environment variables that differ from one function to another and are read on use, not
 * at cold start (SPOKE_ROLE_NAME: the spoke role each function assumes). In Lambda each function
 * has its own process and these are its process.env; the local run plays every function in one
 * process, so it scopes each invocation's own variables with `withFunctionVariables`.
 */
const scoped = new AsyncLocalStorage<Readonly<Record<string, string>>>();

export function functionVariable(name: string): string | undefined {
  const variables = scoped.getStore();
  return variables ? variables[name] : process.env[name];
}

export function withFunctionVariables<T>(variables: Readonly<Record<string, string>>, work: () => T): T {
  return scoped.run(variables, work);
}
