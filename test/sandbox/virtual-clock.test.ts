import { describe, expect, it, vi } from 'vitest';
import { clock } from '../../functions/runtime/clock.js';
import { openSandbox } from '../../local/run-workflow.js';
import { VirtualClock } from '../../local/sandbox/virtual-clock.js';
import { scenario } from '../helpers/scenarios.js';

const HOUR = 3_600_000;

describe('the virtual clock', () => {
  it('starts at the epoch ms given', () => {
    expect(new VirtualClock(1_000).now()).toBe(1_000);
  });

  it('starts no earlier than the real time when none is given', () => {
    const before = Date.now();
    expect(new VirtualClock().now()).toBeGreaterThanOrEqual(before);
  });

  it('starts no earlier than any virtual clock of the process reached, so time never runs backwards between sandboxes', () => {
    const earlier = new VirtualClock();
    earlier.advance(10 * HOUR);

    expect(new VirtualClock().now()).toBeGreaterThanOrEqual(earlier.now());
  });

  it('advance moves it forward by the ms given', () => {
    const c = new VirtualClock(0);
    c.advance(250);
    c.advance(750);
    expect(c.now()).toBe(1_000);
  });

  it('never moves backwards: a negative or NaN advance, or an advanceTo the past, changes nothing', () => {
    const c = new VirtualClock(5_000);
    c.advance(-1_000);
    c.advance(Number.NaN);
    c.advanceTo(1_000);
    expect(c.now()).toBe(5_000);
  });

  it('sleeps an hour at once: the clock moves by the hour, no real timer is waited on', async () => {
    const c = new VirtualClock(0);
    const timers = vi.spyOn(globalThis, 'setTimeout');

    await c.sleep(HOUR);

    expect(c.now()).toBe(HOUR);
    expect(timers).not.toHaveBeenCalled();
    timers.mockRestore();
  });

  it('lets concurrent sleepers overlap, as in real time: two 1 s sleeps at once move it 1 s', async () => {
    const c = new VirtualClock(0);
    await Promise.all([c.sleep(1_000), c.sleep(1_000)]);
    expect(c.now()).toBe(1_000);
  });

  it('wakes sleepers in order of the instant each asked for, each at that instant', async () => {
    const c = new VirtualClock(0);
    const woke: [string, number][] = [];
    await Promise.all([
      c.sleep(300).then(() => woke.push(['late', c.now()])),
      c.sleep(100).then(() => woke.push(['early', c.now()])),
      c.sleep(200).then(() => woke.push(['middle', c.now()])),
    ]);
    expect(woke).toEqual([
      ['early', 100],
      ['middle', 200],
      ['late', 300],
    ]);
  });
});

describe('the virtual clock under executions side by side', () => {
  /** An execution's loop: sleeps its interval, records when it woke, does some asynchronous work, again. */
  async function loop(c: VirtualClock, name: string, intervalMs: number, rounds: number, woke: [string, number][]): Promise<void> {
    for (let round = 0; round < rounds; round += 1) {
      await c.sleep(intervalMs);
      woke.push([name, c.now()]);
      for (let step = 0; step < 5; step += 1) await Promise.resolve();
    }
  }

  it("wakes the sleeps of loops running side by side in time order, each at its own instant, whichever loop's they are", async () => {
    const c = new VirtualClock(0);
    const woke: [string, number][] = [];
    await Promise.all([loop(c, 'a', 30_000, 3, woke), loop(c, 'b', 25_000, 4, woke)]);
    expect(woke).toEqual([
      ['b', 25_000],
      ['a', 30_000],
      ['b', 50_000],
      ['a', 60_000],
      ['b', 75_000],
      ['a', 90_000],
      ['b', 100_000],
    ]);
  });

  it("lets one loop's call latency (advance, not a sleep) delay a wake due at the same instant by that latency: latencies add up across executions", async () => {
    const c = new VirtualClock(0);
    const woke: [string, number][] = [];
    const slow = (async () => {
      await c.sleep(10_000);
      c.advance(150); // a call answered at once, its latency added to the clock
      woke.push(['slow', c.now()]);
    })();
    await Promise.all([slow, loop(c, 'b', 10_000, 2, woke)]);
    // b's first wake was due at 10 000 too, after slow's (asked first): it wakes 150 ms late, and sleeps on from there.
    expect(woke).toEqual([
      ['slow', 10_150],
      ['b', 10_150],
      ['b', 20_150],
    ]);
  });
});

describe('openSandbox and the functions clock', () => {
  it("installs the sandbox's virtual clock as the functions' clock", async () => {
    const sandbox = await openSandbox(scenario());
    sandbox.clock.advance(HOUR);

    expect(clock.now()).toBe(sandbox.clock.now());
  });

  it('installs it again when an existing sandbox is passed in (a re-run)', async () => {
    const first = await openSandbox(scenario());
    const second = await openSandbox(scenario());
    second.clock.advance(HOUR);

    await openSandbox(first.scenario, { sandbox: first });
    expect(clock.now()).toBe(first.clock.now());
  });

  it("lets the functions' paced waits move sandbox time only", async () => {
    const sandbox = await openSandbox(scenario());
    const before = sandbox.clock.now();

    await clock.sleep(HOUR);

    expect(sandbox.clock.now() - before).toBe(HOUR);
  });
});
