import { abortError, type Clock } from '../common/clock';

/**
 * Slows requests down before Sentry answers 429. Sentry sends, on every response,
 * `X-Sentry-Rate-Limit-Remaining` (requests left in the current fixed window of one endpoint for
 * this caller) and `-Reset` (epoch seconds when the window ends). The gate keeps a budget per
 * endpoint family: when the remaining budget, minus the requests already in flight, reaches zero,
 * callers wait for the window's reset instead of burning a request on a 429. Self-hosted Sentry
 * sends no such headers, and then the gate never waits. Sentry also limits concurrent requests per
 * endpoint (`-ConcurrentLimit`); once a response names that limit, the gate never has more in flight.
 */
export class RateGate {
  private readonly windows = new Map<string, { remaining: number; resetAt: number }>();
  /** Requests sent and not yet answered, per family; counted from the very first request. */
  private readonly inFlight = new Map<string, number>();
  private readonly concurrentLimit = new Map<string, number>();
  private readonly waiters = new Map<string, Array<() => void>>();

  constructor(private readonly clock: Clock) {}

  /** Waits until a request of this family may be sent; returns a release callback. */
  async acquire(family: string, signal?: AbortSignal): Promise<(headers?: Record<string, unknown>) => void> {
    for (;;) {
      const w = this.windows.get(family);
      const now = this.clock.now();
      const busy = this.inFlight.get(family) ?? 0;
      if (busy >= (this.concurrentLimit.get(family) ?? Infinity)) {
        await this.slotFreed(family, signal);
        continue;
      }
      if (!w || now >= w.resetAt || w.remaining - busy > 0) break;
      await this.clock.sleep(Math.max(5, w.resetAt - now + 5), signal);
    }
    this.inFlight.set(family, (this.inFlight.get(family) ?? 0) + 1);
    let released = false;
    return (headers) => {
      if (released) return;
      released = true;
      this.inFlight.set(family, Math.max(0, (this.inFlight.get(family) ?? 1) - 1));
      if (headers) this.observe(family, headers);
      this.waiters.get(family)?.shift()?.();
    };
  }

  /** Resolves when a request of this family finishes (or rejects when the signal aborts). */
  private slotFreed(family: string, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const queue = this.waiters.get(family) ?? [];
      this.waiters.set(family, queue);
      const onAbort = () => {
        const i = queue.indexOf(wake);
        if (i >= 0) queue.splice(i, 1);
        reject(abortError(signal!));
      };
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      queue.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Learns the window from a response's headers. */
  observe(family: string, headers: Record<string, unknown>): void {
    const concurrent = Number(headers['x-sentry-rate-limit-concurrentlimit']);
    if (Number.isInteger(concurrent) && concurrent > 0) this.concurrentLimit.set(family, concurrent);
    const remaining = Number(headers['x-sentry-rate-limit-remaining']);
    const reset = Number(headers['x-sentry-rate-limit-reset']);
    if (!Number.isFinite(remaining) || !Number.isFinite(reset)) return;
    const resetAt = reset * 1000;
    const cur = this.windows.get(family);
    // Responses arrive out of order; within one window the lowest remaining count is the truth.
    if (cur && cur.resetAt === resetAt) cur.remaining = Math.min(cur.remaining, remaining);
    else if (!cur || resetAt > cur.resetAt) this.windows.set(family, { remaining, resetAt });
  }
}
