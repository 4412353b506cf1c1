import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Clock } from '../../../src/core/common/clock';
import { RateGate } from '../../../src/core/sentry/rateGate';

function fakeClock(start = 1_000_000): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

test('waits for the window reset once the remaining budget is used by requests in flight', async () => {
  const clock = fakeClock();
  const gate = new RateGate(clock);
  const resetSec = Math.floor(clock.now() / 1000) + 1;
  gate.observe('issues', { 'x-sentry-rate-limit-remaining': '2', 'x-sentry-rate-limit-reset': String(resetSec) });
  const r1 = await gate.acquire('issues');
  const r2 = await gate.acquire('issues');
  assert.deepEqual(clock.slept, [], 'two requests fit in the budget');
  await gate.acquire('issues');
  assert.equal(clock.slept.length, 1, 'the third waits');
  assert.ok(clock.now() >= resetSec * 1000);
  r1();
  r2();
});

test('requests sent before any window is known still count against it', async () => {
  const clock = fakeClock();
  const gate = new RateGate(clock);
  const first = await Promise.all([gate.acquire('events'), gate.acquire('events'), gate.acquire('events')]);
  // The first answer reports 2 left in the window; two more requests are already on their way.
  first[0]!({
    'x-sentry-rate-limit-remaining': '2',
    'x-sentry-rate-limit-reset': String(Math.floor(clock.now() / 1000) + 1),
  });
  await gate.acquire('events');
  assert.equal(clock.slept.length, 1, 'the fourth request waits for the next window');
});

test('never more requests in flight than the concurrency limit Sentry names', async () => {
  const clock = fakeClock();
  const gate = new RateGate(clock);
  const a = await gate.acquire('issues');
  a({
    'x-sentry-rate-limit-concurrentlimit': '2',
    'x-sentry-rate-limit-remaining': '50',
    'x-sentry-rate-limit-reset': String(Math.floor(clock.now() / 1000) + 60),
  });
  const b = await gate.acquire('issues');
  await gate.acquire('issues');
  let third = false;
  const pending = gate.acquire('issues').then(() => {
    third = true;
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(third, false, 'a third concurrent request waits');
  b();
  await pending;
  assert.ok(third);
});

test('families are independent and missing headers never block', async () => {
  const clock = fakeClock();
  const gate = new RateGate(clock);
  gate.observe('events', {
    'x-sentry-rate-limit-remaining': '0',
    'x-sentry-rate-limit-reset': String(Math.floor(clock.now() / 1000) + 5),
  });
  await gate.acquire('issues');
  gate.observe('issues', {});
  await gate.acquire('issues');
  assert.deepEqual(clock.slept, []);
});

test('a stale window (reset in the past) does not wait', async () => {
  const clock = fakeClock();
  const gate = new RateGate(clock);
  gate.observe('x', {
    'x-sentry-rate-limit-remaining': '0',
    'x-sentry-rate-limit-reset': String(Math.floor(clock.now() / 1000) - 1),
  });
  await gate.acquire('x');
  assert.deepEqual(clock.slept, []);
});

test('out-of-order answers: the lowest remaining count of a window wins, an older window never replaces a newer one', async () => {
  const clock = fakeClock();
  const gate = new RateGate(clock);
  const now = Math.floor(clock.now() / 1000);
  gate.observe('issues', { 'x-sentry-rate-limit-remaining': '0', 'x-sentry-rate-limit-reset': String(now + 2) });
  gate.observe('issues', { 'x-sentry-rate-limit-remaining': '7', 'x-sentry-rate-limit-reset': String(now + 2) });
  await gate.acquire('issues');
  assert.equal(clock.slept.length, 1, 'the later, higher count of the same window did not lift the 0');
  const after = Math.floor(clock.now() / 1000);
  gate.observe('events', { 'x-sentry-rate-limit-remaining': '5', 'x-sentry-rate-limit-reset': String(after + 10) });
  gate.observe('events', { 'x-sentry-rate-limit-remaining': '0', 'x-sentry-rate-limit-reset': String(after + 5) });
  await gate.acquire('events');
  assert.equal(clock.slept.length, 1, 'an answer from the older window did not block the newer one');
  gate.observe('events', { 'x-sentry-rate-limit-remaining': '0', 'x-sentry-rate-limit-reset': String(after + 20) });
  await gate.acquire('events');
  assert.equal(clock.slept.length, 2, 'a newer window replaces the older one');
});

test('headers that say nothing usable never block: a 0 concurrency limit, a count without a reset time', async () => {
  const clock = fakeClock();
  const gate = new RateGate(clock);
  const r = await gate.acquire('issues');
  r({ 'x-sentry-rate-limit-concurrentlimit': '0', 'x-sentry-rate-limit-remaining': '0' });
  const [a, b] = await Promise.all([gate.acquire('issues'), gate.acquire('issues')]);
  assert.deepEqual(clock.slept, []);
  a();
  b();
});

test('a request cancelled while waiting for a slot leaves the queue; the next waiter gets the slot', async () => {
  const clock = fakeClock();
  const gate = new RateGate(clock);
  const first = await gate.acquire('issues');
  first({
    'x-sentry-rate-limit-concurrentlimit': '1',
    'x-sentry-rate-limit-remaining': '50',
    'x-sentry-rate-limit-reset': String(Math.floor(clock.now() / 1000) + 60),
  });
  const holder = await gate.acquire('issues');
  const ac = new AbortController();
  const cancelled = gate.acquire('issues', ac.signal);
  let second = false;
  const waiting = gate.acquire('issues').then((release) => {
    second = true;
    return release;
  });
  ac.abort();
  await assert.rejects(cancelled);
  holder();
  const release = await waiting;
  assert.ok(second, 'the slot went to the request still waiting');
  release();
});
