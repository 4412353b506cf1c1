/**
 * Sentry's API rate limiting (docs.sentry.io/api/ratelimits, sentry/middleware/ratelimit.py): a fixed
 * window of one second per caller and endpoint, plus a limit on concurrent requests. Every response
 * carries honest X-Sentry-Rate-Limit-* headers; over the limit the answer is a 429 with Sentry's
 * wording and, like Sentry, no Retry-After (the client has `-Reset`).
 */
import type { RateLimit } from './types';

export interface Admission {
  allowed: boolean;
  reason?: 'rate' | 'concurrency';
  headers: Record<string, string>;
  body?: { detail: string };
  /** Call when the response is finished (frees the concurrency slot). Safe to call twice. */
  done(): void;
}

interface Window {
  start: number;
  count: number;
  inFlight: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private limit: RateLimit | null,
    private readonly now: () => number,
  ) {}

  set(limit: RateLimit | null): void {
    this.limit = limit;
    this.windows.clear();
  }

  get current(): RateLimit | null {
    return this.limit;
  }

  admit(key: string): Admission {
    const limit = this.limit;
    if (!limit) return { allowed: true, headers: {}, done: () => {} };
    const now = this.now();
    const windowStart = Math.floor(now / 1000) * 1000;
    let w = this.windows.get(key);
    if (!w) {
      w = { start: windowStart, count: 0, inFlight: 0 };
      this.windows.set(key, w);
    }
    if (w.start !== windowStart) {
      w.start = windowStart;
      w.count = 0;
    }
    // Like Sentry's counter, every attempt counts against the window, including rejected ones.
    w.count++;
    const reset = String(windowStart / 1000 + 1);
    const rateOk = w.count <= limit.perSecond;
    const concOk = w.inFlight < limit.concurrency;
    const allowed = rateOk && concOk;
    if (allowed) w.inFlight++;
    const headers = {
      'X-Sentry-Rate-Limit-Limit': String(limit.perSecond),
      'X-Sentry-Rate-Limit-Remaining': String(Math.max(0, limit.perSecond - w.count)),
      'X-Sentry-Rate-Limit-Reset': reset,
      'X-Sentry-Rate-Limit-ConcurrentLimit': String(limit.concurrency),
      'X-Sentry-Rate-Limit-ConcurrentRemaining': String(Math.max(0, limit.concurrency - w.inFlight)),
    };
    let released = !allowed;
    const win = w;
    const done = () => {
      if (released) return;
      released = true;
      win.inFlight--;
    };
    if (!rateOk) {
      return {
        allowed,
        reason: 'rate',
        headers,
        done,
        body: {
          detail: `You are attempting to use this endpoint too frequently. Limit is ${limit.perSecond} requests in 1 seconds`,
        },
      };
    }
    if (!concOk) {
      return {
        allowed,
        reason: 'concurrency',
        headers,
        done,
        body: {
          detail: `You are attempting to go above the allowed concurrency for this endpoint. Concurrency limit is ${limit.concurrency}`,
        },
      };
    }
    return { allowed, headers, done };
  }
}
