import { parseArgs } from 'node:util';
import { UsageError } from './usage-error.js';

/**
 * A command's flags, read with node:util parseArgs, every problem said in the CLI's own words:
 * an unknown flag, a flag without its value (or given another flag as it), a value given to an
 * on/off flag, a flag that takes one value given twice.
 */
export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string; default?: string | boolean }>;
type FlagValues = Record<string, string | boolean | undefined>;

export function parseFlags(command: string, args: string[], spec: FlagSpec): { values: FlagValues; positionals: string[] } {
  const { tokens } = parseArgs({ args, options: spec, strict: false, allowPositionals: true, tokens: true });
  const seen = new Set<string>();
  const hint = `proton-cleanup ${command} --help lists its options`;
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const option = spec[token.name];
    if (!option) throw new UsageError(`${command} has no option ${token.rawName}: ${hint}`);
    if (option.type === 'string') {
      if (token.value === undefined) throw new UsageError(`${token.rawName} needs a value (${token.rawName} VALUE): ${hint}`);
      if (!token.inlineValue && /^--?[a-z]/i.test(token.value)) {
        throw new UsageError(`${token.rawName} needs a value, not the option ${token.value} (write ${token.rawName}=${token.value} if that is the value)`);
      }
      if (seen.has(token.name)) throw new UsageError(`--${token.name} is given more than once: it takes one value`);
      seen.add(token.name);
    } else if (token.value !== undefined) {
      throw new UsageError(`${token.rawName} takes no value (it is on when given), not "${token.value}"`);
    }
  }
  try {
    const { values, positionals } = parseArgs({ args, options: spec, strict: true, allowPositionals: true });
    return { values: values as FlagValues, positionals };
  } catch (error) {
    // Anything the checks above did not foresee: still a usage error.
    throw new UsageError(`${(error as Error).message}: ${hint}`);
  }
}
