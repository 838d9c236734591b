import { describe, expect, it } from 'vitest';
import { type FlagSpec, parseFlags } from '../../cli/parse-flags.js';
import { UsageError } from '../../cli/usage-error.js';

/** A command's flags, each problem said in the CLI's words (never parseArgs' own). */
const SPEC: FlagSpec = { environment: { type: 'string' }, sweep: { type: 'boolean' }, max: { type: 'string', default: '20' } };

describe('reading the flags', () => {
  it('reads string and on/off flags, and positionals', () => {
    expect(parseFlags('plan', ['x', '--environment', 'a', '--sweep', '--max=-1'], SPEC)).toEqual({
      values: { environment: 'a', sweep: true, max: '-1' },
      positionals: ['x'],
    });
  });

  it.each([
    [['--frobnicate'], 'plan has no option --frobnicate: proton-cleanup plan --help lists its options'],
    [['-x'], 'plan has no option -x: proton-cleanup plan --help lists its options'],
    [['--environment', 'a', '--environment', 'b'], '--environment is given more than once: it takes one value'],
    [['--environment'], '--environment needs a value (--environment VALUE): proton-cleanup plan --help lists its options'],
    [['--environment', '--sweep'], '--environment needs a value, not the option --sweep'],
    [['--sweep=yes'], '--sweep takes no value (it is on when given), not "yes"'],
  ])('refuses %j with a usage error in its own words', (args, message) => {
    expect(() => parseFlags('plan', args, SPEC)).toThrow(UsageError);
    expect(() => parseFlags('plan', args, SPEC)).toThrow(message);
  });
});
