import { readFile } from 'node:fs/promises';

/** Bad input on the command line: exit 2, with what was wrong and what is expected. Nothing was started. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The target cannot be used as asked (no such stack, outputs missing, a state file of another scenario): exit 2. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
}

export async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${file}: ${(error as Error).message}`);
  }
}

export async function readJsonFile(file: string, what: string): Promise<unknown> {
  const text = await readText(file, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${what} ${file} is not valid JSON: ${(error as Error).message}`);
  }
}
