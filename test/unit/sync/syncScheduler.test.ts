import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { abortError, type Clock } from '../../../src/core/common/clock';
import { RcaError } from '../../../src/core/common/errors';
import { SyncScheduler, type SyncTrigger } from '../../../src/core/sync/syncScheduler';

/** A clock whose sleeps resolve only when the test advances time. */
class ManualClock implements Clock {
  private t = Date.parse('2026-11-25T12:00:00Z');
  private sleepers: Array<{ at: number; resolve: () => void }> = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const s = { at: this.t + ms, resolve };
      this.sleepers.push(s);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((x) => x !== s);
          reject(abortError(signal));
        },
        { once: true },
      );
    });
  }

  /** Moves time forward, waking due sleepers in order and letting their continuations run. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flush();
      const due = this.sleepers.filter((s) => s.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.t = Math.max(this.t, due.at);
      this.sleepers = this.sleepers.filter((s) => s !== due);
      due.resolve();
    }
    this.t = end;
    await flush();
  }

  get pending(): number {
    return this.sleepers.length;
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

const MIN = 60_000;

function setup(opts: { interval?: number; lastSuccess?: number | null; fail?: () => boolean; runMs?: number } = {}) {
  const clock = new ManualClock();
  const runs: Array<{ trigger: SyncTrigger; at: number }> = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let last = opts.lastSuccess === undefined ? null : opts.lastSuccess;
  const scheduler = new SyncScheduler({
    clock,
    intervalMs: () => opts.interval ?? 10 * MIN,
    lastSuccess: () => last,
    run: async (trigger, signal) => {
      runs.push({ trigger, at: clock.now() });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (opts.runMs) await clock.sleep(opts.runMs, signal);
        if (opts.fail?.()) throw new RcaError('network', 'Sentry is unreachable');
        last = clock.now();
      } finally {
        inFlight--;
      }
    },
  });
  return { clock, scheduler, runs, maxInFlight: () => maxInFlight };
}

describe('SyncScheduler', () => {
  test('syncs at start-up when there is no data, then every interval', async () => {
    const { clock, scheduler, runs } = setup();
    scheduler.start();
    await clock.advance(0);
    assert.deepEqual(
      runs.map((r) => r.trigger),
      ['startup'],
    );
    await clock.advance(10 * MIN - 1);
    assert.equal(runs.length, 1);
    await clock.advance(1);
    assert.deepEqual(
      runs.map((r) => r.trigger),
      ['startup', 'timer'],
    );
    await clock.advance(20 * MIN);
    assert.equal(runs.length, 4);
    scheduler.dispose();
  });

  test('does not sync at start-up when the data is younger than the interval; waits for the rest of it', async () => {
    const clock0 = new ManualClock();
    const { clock, scheduler, runs } = setup({ lastSuccess: clock0.now() - 4 * MIN });
    scheduler.start();
    await clock.advance(5 * MIN);
    assert.equal(runs.length, 0);
    await clock.advance(1 * MIN);
    assert.deepEqual(
      runs.map((r) => r.trigger),
      ['timer'],
    );
    scheduler.dispose();
  });

  test('interval 0 turns the timer and the start-up sync off; runNow still works', async () => {
    const { clock, scheduler, runs } = setup({ interval: 0 });
    scheduler.start();
    await clock.advance(24 * 60 * MIN);
    assert.equal(runs.length, 0);
    assert.equal(scheduler.state.nextRunAt, null);
    const o = await scheduler.runNow('manual');
    assert.equal(o.ok, true);
    assert.equal(runs.length, 1);
    scheduler.dispose();
  });

  test('never runs two at once: a manual request joins the running sync', async () => {
    const { clock, scheduler, runs, maxInFlight } = setup({ runMs: 5000, lastSuccess: Date.now() });
    const a = scheduler.runNow('manual');
    const b = scheduler.runNow('manual');
    const c = scheduler.runNow('timer');
    await clock.advance(5000);
    const [oa, ob, oc] = await Promise.all([a, b, c]);
    assert.equal(runs.length, 1);
    assert.equal(maxInFlight(), 1);
    assert.ok(oa.ok && ob.ok && oc.ok);
    scheduler.dispose();
  });

  test('a settings change cancels the running sync and runs a fresh one', async () => {
    const { clock, scheduler, runs, maxInFlight } = setup({ runMs: 5000, lastSuccess: Date.now() });
    const first = scheduler.runNow('timer');
    await clock.advance(1000);
    const second = scheduler.runNow('settings');
    const o1 = await first;
    assert.equal(o1.cancelled, true);
    await clock.advance(5000);
    const o2 = await second;
    assert.equal(o2.trigger, 'settings');
    assert.equal(o2.ok, true);
    assert.deepEqual(
      runs.map((r) => r.trigger),
      ['timer', 'settings'],
    );
    assert.equal(maxInFlight(), 1);
    scheduler.dispose();
  });

  test('pauses exponentially after repeated failures, capped, and resets after a success', async () => {
    let failing = true;
    const { clock, scheduler, runs } = setup({ fail: () => failing });
    scheduler.start();
    await clock.advance(0);
    assert.equal(runs.length, 1);
    assert.equal(scheduler.state.consecutiveFailures, 1);
    const gaps: number[] = [];
    for (let i = 0; i < 4; i++) {
      const runsBefore: number = runs.length;
      const next: number = scheduler.state.nextRunAt! - clock.now();
      gaps.push(next);
      await clock.advance(next);
      assert.equal(runs.length, runsBefore + 1);
    }
    // 10 min × 2^n, capped at max(interval, 1 h).
    assert.deepEqual(
      gaps.map((g) => g / MIN),
      [20, 40, 60, 60],
    );
    assert.equal(scheduler.state.consecutiveFailures, 5);
    failing = false;
    await clock.advance(scheduler.state.nextRunAt! - clock.now());
    assert.equal(scheduler.state.consecutiveFailures, 0);
    assert.equal((scheduler.state.nextRunAt! - clock.now()) / MIN, 10);
    scheduler.dispose();
  });

  test('reports each outcome; a cancelled sync is not counted as a failure', async () => {
    const { clock, scheduler } = setup({ runMs: 5000, lastSuccess: Date.now() });
    const outcomes: boolean[] = [];
    scheduler.onDidFinish((o) => outcomes.push(o.cancelled));
    const p = scheduler.runNow('manual');
    await clock.advance(100);
    scheduler.cancel();
    const o = await p;
    assert.equal(o.cancelled, true);
    assert.equal(o.consecutiveFailures, 0);
    assert.deepEqual(outcomes, [true]);
    scheduler.dispose();
  });

  test('stop() disarms the timer; dispose() leaves no sleeper behind', async () => {
    const { clock, scheduler, runs } = setup({ lastSuccess: Date.now() });
    scheduler.start();
    assert.equal(clock.pending, 1);
    scheduler.stop();
    assert.equal(clock.pending, 0);
    await clock.advance(60 * MIN);
    assert.equal(runs.length, 0);
    scheduler.start();
    scheduler.dispose();
    assert.equal(clock.pending, 0);
  });

  test('reschedule() applies a new interval at once', async () => {
    let interval = 10 * MIN;
    const clock = new ManualClock();
    let last: number | null = clock.now();
    const runs: SyncTrigger[] = [];
    const scheduler = new SyncScheduler({
      clock,
      intervalMs: () => interval,
      lastSuccess: () => last,
      run: async (t) => {
        runs.push(t);
        last = clock.now();
      },
    });
    scheduler.start();
    await clock.advance(1 * MIN);
    interval = 2 * MIN;
    scheduler.reschedule();
    await clock.advance(1 * MIN);
    assert.deepEqual(runs, ['timer']);
    scheduler.dispose();
  });
});

describe('SyncScheduler after stop() (the token was cleared)', () => {
  test('a manual sync and a changed interval do not re-arm the timer', async () => {
    const { clock, scheduler, runs } = setup({ lastSuccess: Date.parse('2026-11-25T12:00:00Z') });
    scheduler.start();
    await clock.advance(0);
    assert.notEqual(scheduler.state.nextRunAt, null, 'armed while started');
    scheduler.stop();
    assert.equal((await scheduler.runNow('manual')).ok, true);
    assert.equal(scheduler.state.nextRunAt, null, 'the manual sync did not re-arm the timer');
    scheduler.reschedule();
    assert.equal(scheduler.state.nextRunAt, null, 'a new interval does not re-arm a stopped scheduler');
    await clock.advance(60 * MIN);
    assert.deepEqual(
      runs.map((r) => r.trigger),
      ['manual'],
      'no timer sync after stop()',
    );
    scheduler.dispose();
  });
});
