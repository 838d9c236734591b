import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useClock } from '../../functions/runtime/clock.js';
import { CallPacer, Pacers, parseApiRates } from '../../functions/runtime/pacer.js';
import { VirtualClock } from '../../local/sandbox/virtual-clock.js';

/** The sandbox's virtual clock: time passes only when someone sleeps; sleepers wake in order, each at its instant. */
let virtual = new VirtualClock(0);
const now = () => virtual.now();
beforeEach(() => {
  virtual = new VirtualClock(0);
  useClock(virtual);
});
afterEach(() => useClock(undefined));

/** Takes `calls` slots one after another and records when each call went out. */
async function callTimes(pacer: CallPacer, calls: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    await pacer.take();
    times.push(now());
  }
  return times;
}

describe('CallPacer', () => {
  it('lets the first call go at once', async () => {
    expect(await callTimes(new CallPacer(5), 1)).toEqual([0]);
  });

  it('spaces calls evenly at its rate', async () => {
    expect(await callTimes(new CallPacer(5), 4)).toEqual([0, 200, 400, 600]);
  });

  it('never lets more calls than the rate into any one-second window, however many are in flight at once', async () => {
    const pacer = new CallPacer(15);
    const times: number[] = [];
    const slots: Promise<void>[] = [];
    for (let i = 0; i < 60; i += 1) slots.push(pacer.take().then(() => void times.push(now())));
    await Promise.all(slots);
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    expect(busiest).toBeLessThanOrEqual(15);
  });

  it('waits a full second after the service throttled a call', async () => {
    const pacer = new CallPacer(10);
    await pacer.take();
    pacer.backOff();
    await pacer.take();
    expect(now()).toBe(1000);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new CallPacer(0)).toThrow(/must be positive/);
  });

  it('shared among 4 executions, spaces calls four times as far apart (5/s becomes 1.25/s)', async () => {
    const pacer = new CallPacer(5);
    pacer.shareAmong(4);
    expect(await callTimes(pacer, 3)).toEqual([0, 800, 1600]);
  });

  it('shared among 1 execution again, goes back to its whole rate', async () => {
    const pacer = new CallPacer(5);
    pacer.shareAmong(4);
    pacer.shareAmong(1);
    expect(await callTimes(pacer, 3)).toEqual([0, 200, 400]);
  });

  it('refuses to share a rate among no one or part of someone', () => {
    expect(() => new CallPacer(5).shareAmong(0)).toThrow(/whole number of callers/);
    expect(() => new CallPacer(5).shareAmong(1.5)).toThrow(/whole number of callers/);
  });
});

describe('parseApiRates', () => {
  it('reads service and operation rates', () => {
    expect(parseApiRates('cloudformation=5, tagging:GetResources=15')).toEqual(
      new Map([
        ['cloudformation', 5],
        ['tagging:GetResources', 15],
      ]),
    );
  });

  it.each(['cloudformation', 'cloudformation=fast', 'cloudformation=0', '=5'])('rejects "%s", saying what is expected', (text) => {
    expect(() => parseApiRates(text)).toThrow(/expected service=callsPerSecond or service:Operation=callsPerSecond/);
  });
});

describe('Pacers', () => {
  const pacers = new Pacers(parseApiRates('cloudformation=5,cloudformation:DeleteStack=2'));

  it("gives each operation of a paced service its own pacer at the service's rate", () => {
    const describe = pacers.for('cloudformation', 'DescribeStacks');
    expect(describe?.callsPerSecond).toBe(5);
    expect(pacers.for('cloudformation', 'ListStacks')).not.toBe(describe);
  });

  it("lets an operation's own rate win over its service's", () => {
    expect(pacers.for('cloudformation', 'DeleteStack')?.callsPerSecond).toBe(2);
  });

  it('does not pace a service without a rate', () => {
    expect(pacers.for('s3', 'GetObject')).toBeUndefined();
  });
  it('shares every rate among the executions working in the account, for the pacers it has and those it makes later', () => {
    const shared = new Pacers(parseApiRates('cloudformation=5,tagging=15'));
    const describe = shared.for('cloudformation', 'DescribeStacks');
    shared.shareAmong(5);
    // Intervals are rounded up to the microsecond: never a call too many.
    expect(describe?.currentRate).toBeCloseTo(1, 4);
    expect(shared.for('tagging', 'GetResources')?.currentRate).toBeCloseTo(3, 4);
    expect(shared.for('tagging', 'GetResources')?.currentRate).toBeLessThanOrEqual(3);
  });

  it('leaves the APIs it is told to alone at their whole rate when it shares the others', () => {
    const shared = new Pacers(parseApiRates('cloudformation=5'));
    shared.shareAmong(5, { except: ['cloudformation:ListStacks'] });
    expect(shared.for('cloudformation', 'ListStacks')?.currentRate).toBeCloseTo(5, 4);
    expect(shared.for('cloudformation', 'DescribeStacks')?.currentRate).toBeCloseTo(1, 4);
  });
});
