/**
 * List prices (us-east-1, on demand, as published by AWS in 2026), in US dollars. Step Functions
 * Standard bills each state transition (retries included); Lambda bills requests and duration in
 * GB-seconds (arm64, which the deployment uses).
 */
export const PRICES = {
  stateTransition: 0.025 / 1000,
  lambdaRequest: 0.2 / 1_000_000,
  lambdaArmGbSecond: 0.0000133334,
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
} as const;

export interface RunCost {
  stepFunctions: number;
  lambda: number;
  s3: number;
}

export function runCost(usage: { transitions: number; invocations: number; gbSeconds: number; s3Puts: number; s3Gets: number }): RunCost {
  return {
    stepFunctions: usage.transitions * PRICES.stateTransition,
    lambda: usage.invocations * PRICES.lambdaRequest + usage.gbSeconds * PRICES.lambdaArmGbSecond,
    s3: usage.s3Puts * PRICES.s3Put + usage.s3Gets * PRICES.s3Get,
  };
}

/**
 * Lambda bills the INIT phase since 2025-08-01, at the function's memory. Assumed: each function a
 * run uses cold-starts once in it (AdvanceCleanup, invoked every 30 s, stays warm), and its INIT
 * lasts the runtime's own start (an assumption: 150 ms) plus the function's measured cold import.
 */
export const RUNTIME_START_MS = 150;

export function initGbSeconds(functionsUsed: Readonly<Record<string, { memoryMb: number }>>, coldImportMs: (functionKey: string) => number): number {
  return Object.entries(functionsUsed).reduce((sum, [fn, { memoryMb }]) => sum + ((RUNTIME_START_MS + coldImportMs(fn)) / 1000) * (memoryMb / 1024), 0);
}
