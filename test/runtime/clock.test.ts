import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clock, useClock } from '../../functions/runtime/clock.js';
import { handClock } from '../helpers/clock.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** The two places that may read the wall clock: the real clock itself and the sandbox's virtual clock's starting point. */
const READS_THE_WALL_CLOCK = new Set(['functions/runtime/clock.ts', 'local/sandbox/virtual-clock.ts']);

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

describe('one clock', () => {
  it('no function or local-run module reads the wall clock except through functions/runtime/clock.ts', () => {
    const offenders = [...sources('functions'), ...sources('local')]
      .filter((file) => !READS_THE_WALL_CLOCK.has(file))
      .flatMap((file) =>
        readFileSync(join(ROOT, file), 'utf8')
          .split('\n')
          .flatMap((line, i) => (/new Date\(\)|Date\.now\(\)/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
      );
    expect(offenders).toEqual([]);
  });

  it('clock.now and clock.isoNow read the installed clock', () => {
    useClock(handClock('2026-11-25T06:00:00Z'));
    try {
      expect(clock.now()).toBe(Date.parse('2026-11-25T06:00:00Z'));
      expect(clock.isoNow()).toBe('2026-11-25T06:00:00.000Z');
    } finally {
      useClock(undefined);
    }
  });
});
