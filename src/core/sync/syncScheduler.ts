import type { Clock } from '../common/clock';
import { Emitter, type Event } from '../common/emitter';
import { errorMessage, isAbortError } from '../common/errors';
import { DisposableBase, toDisposable } from '../common/lifecycle';
import { nullLogger, type Logger } from '../common/logger';

/** Why a sync ran; the host words its messages by it (a timer failure is quieter than a manual one). */
export type SyncTrigger = 'startup' | 'timer' | 'manual' | 'settings' | 'token';

export interface SyncOutcome {
  trigger: SyncTrigger;
  ok: boolean;
  cancelled: boolean;
  error?: unknown;
  /** Failures in a row, this one included (0 after a success). */
  consecutiveFailures: number;
}

export interface SchedulerState {
  running: boolean;
  trigger: SyncTrigger | null;
  consecutiveFailures: number;
  /** When the timer fires next (epoch ms), or null when it is off. */
  nextRunAt: number | null;
  lastOutcome: SyncOutcome | null;
}

export interface SyncSchedulerDeps {
  clock: Clock;
  logger?: Logger;
  /** Sync interval in ms, read at every reschedule; 0 turns the timer (and the start-up sync) off. */
  intervalMs: () => number;
  /** When the stored data was last synced successfully (epoch ms), or null if never. */
  lastSuccess: () => number | null;
  /** One sync; throws on failure, honours the signal. */
  run: (trigger: SyncTrigger, signal: AbortSignal) => Promise<void>;
  /** Upper bound of the pause after repeated failures; default max(interval, 1 h). */
  maxPauseMs?: number;
  /** Delay before the start-up sync, so it never competes with the editor's own start. */
  startupDelayMs?: number;
}

/**
 * Decides when syncs run: on a timer, once at start-up when the data is older than the interval,
 * on demand. Never two at once: a manual request joins the running sync; a settings or token change
 * cancels it (its scope is stale) and runs again after. After failures the pause doubles each time
 * (capped), so an offline machine is not polled, and not nagged, every few minutes.
 */
export class SyncScheduler extends DisposableBase {
  private readonly stateChanged = this.register(new Emitter<SchedulerState>());
  readonly onDidChangeState: Event<SchedulerState> = this.stateChanged.event;
  private readonly finished = this.register(new Emitter<SyncOutcome>());
  readonly onDidFinish: Event<SyncOutcome> = this.finished.event;
  private readonly logger: Logger;
  private running: { trigger: SyncTrigger; abort: AbortController; done: Promise<SyncOutcome> } | null = null;
  private rerun: SyncTrigger | null = null;
  private timer: AbortController | null = null;
  private nextRunAt: number | null = null;
  private failures = 0;
  private lastOutcome: SyncOutcome | null = null;
  private started = false;

  constructor(private readonly deps: SyncSchedulerDeps) {
    super();
    this.logger = deps.logger ?? nullLogger;
    this.register(
      toDisposable(() => {
        this.timer?.abort();
        this.running?.abort.abort();
      }),
    );
  }

  get state(): SchedulerState {
    return {
      running: this.running !== null,
      trigger: this.running?.trigger ?? null,
      consecutiveFailures: this.failures,
      nextRunAt: this.nextRunAt,
      lastOutcome: this.lastOutcome,
    };
  }

  /** Arms the timer; syncs soon when the data is missing or older than the interval. */
  start(): void {
    if (this.started || this.isDisposed) return;
    this.started = true;
    const interval = this.deps.intervalMs();
    if (interval <= 0) {
      this.logger.info('timer off (interval 0); sync runs only on request');
      this.fireState();
      return;
    }
    const last = this.deps.lastSuccess();
    const age = last === null ? Infinity : this.deps.clock.now() - last;
    if (age >= interval) {
      this.logger.info(
        last === null
          ? 'no synced data yet: syncing at start-up'
          : `data is ${Math.round(age / 60_000)} min old: syncing at start-up`,
      );
      this.arm(this.deps.startupDelayMs ?? 0, 'startup');
    } else {
      this.arm(interval - age, 'timer');
    }
  }

  /**
   * Runs a sync now. While one runs, a manual/timer request joins it; a settings/token request
   * cancels it and queues a fresh one, whose outcome is returned.
   */
  runNow(trigger: SyncTrigger): Promise<SyncOutcome> {
    if (this.isDisposed)
      return Promise.resolve({ trigger, ok: false, cancelled: true, consecutiveFailures: this.failures });
    if (this.running) {
      if (trigger === 'settings' || trigger === 'token') {
        this.logger.info(`${trigger} changed during a sync: cancelling it and syncing again`);
        this.rerun = trigger;
        this.running.abort.abort();
        return this.running.done.then(() => this.running?.done ?? this.runNow(trigger));
      }
      return this.running.done;
    }
    this.timer?.abort();
    this.timer = null;
    this.nextRunAt = null;
    const abort = new AbortController();
    const done = this.execute(trigger, abort);
    this.running = { trigger, abort, done };
    this.fireState();
    return done;
  }

  /** Cancels the running sync, if any (what it already committed is kept; the next sync continues). */
  cancel(): void {
    this.rerun = null;
    this.running?.abort.abort();
  }

  /** Disarms the timer and cancels a running sync (e.g. the token was cleared); start() arms it again. */
  stop(): void {
    this.started = false;
    this.timer?.abort();
    this.timer = null;
    this.nextRunAt = null;
    this.cancel();
    this.fireState();
  }

  get isStarted(): boolean {
    return this.started;
  }

  /** Re-arms the timer after the interval changed. */
  reschedule(): void {
    if (!this.started || this.isDisposed || this.running) return;
    const interval = this.deps.intervalMs();
    if (interval <= 0) {
      this.timer?.abort();
      this.timer = null;
      this.nextRunAt = null;
      this.fireState();
      return;
    }
    const last = this.deps.lastSuccess();
    const since = last === null ? Infinity : this.deps.clock.now() - last;
    this.arm(this.failures > 0 ? this.pauseAfterFailures(interval) : Math.max(0, interval - since), 'timer');
  }

  private async execute(trigger: SyncTrigger, abort: AbortController): Promise<SyncOutcome> {
    let outcome: SyncOutcome;
    try {
      await this.deps.run(trigger, abort.signal);
      this.failures = 0;
      outcome = { trigger, ok: true, cancelled: false, consecutiveFailures: 0 };
    } catch (e) {
      const cancelled = abort.signal.aborted || isAbortError(e);
      // A cancelled sync says nothing about the server, so it does not count as a failure.
      if (!cancelled) this.failures++;
      outcome = { trigger, ok: false, cancelled, error: e, consecutiveFailures: this.failures };
      if (!cancelled) this.logger.warn(`sync (${trigger}) failed, ${this.failures} in a row: ${errorMessage(e)}`);
    }
    this.running = null;
    this.lastOutcome = outcome;
    this.finished.fire(outcome);
    if (this.isDisposed) return outcome;
    const rerun = this.rerun;
    this.rerun = null;
    if (rerun) {
      void this.runNow(rerun);
      return outcome;
    }
    const interval = this.deps.intervalMs();
    if (this.started && interval > 0)
      this.arm(this.failures > 0 ? this.pauseAfterFailures(interval) : interval, 'timer');
    else this.fireState();
    return outcome;
  }

  /** interval × 2^failures, capped: 10 min → 20, 40, 60, 60… */
  private pauseAfterFailures(interval: number): number {
    const cap = this.deps.maxPauseMs ?? Math.max(interval, 60 * 60_000);
    return Math.min(cap, interval * 2 ** Math.min(this.failures, 20));
  }

  private arm(delayMs: number, trigger: SyncTrigger): void {
    this.timer?.abort();
    const ac = new AbortController();
    this.timer = ac;
    this.nextRunAt = this.deps.clock.now() + delayMs;
    this.fireState();
    this.deps.clock.sleep(delayMs, ac.signal).then(
      () => {
        if (ac.signal.aborted || this.isDisposed) return;
        this.timer = null;
        void this.runNow(trigger);
      },
      () => {
        /* re-armed or disposed */
      },
    );
  }

  private fireState(): void {
    this.stateChanged.fire(this.state);
  }
}
