import { levelRank, type StoredIssue } from '../store/model';

const HOUR = 3600_000;

/** Issues are never mutated, so each one's lastSeen is parsed once. */
const parsed = new WeakMap<StoredIssue, number>();
function lastSeenMs(i: StoredIssue): number {
  let t = parsed.get(i);
  if (t === undefined) parsed.set(i, (t = Date.parse(i.lastSeen) || 0));
  return t;
}

/** fatal and error first, then warning, then the rest. */
function severityClass(level: string): number {
  const r = levelRank(level);
  return r >= levelRank('error') ? 2 : r >= levelRank('warning') ? 1 : 0;
}

/**
 * The order in which a sync fetches events: fatal/error before warning before the rest; within a
 * class the most recent first (by the hour of lastSeen), and among those the most frequent.
 */
export function byEventPriority(a: StoredIssue, b: StoredIssue): number {
  const ta = lastSeenMs(a);
  const tb = lastSeenMs(b);
  return (
    severityClass(b.level) - severityClass(a.level) ||
    Math.floor(tb / HOUR) - Math.floor(ta / HOUR) ||
    b.count - a.count ||
    tb - ta ||
    a.id.localeCompare(b.id)
  );
}

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
}

/**
 * Issues whose events a sync fetches: the eager ones in priority order, plus any the user asked for
 * (expanded, opened, diagnosed), which go before everything else. `take()` is called by a worker that
 * already holds a send slot, so an urgent issue is the very next request sent.
 */
export class EventQueue {
  private readonly order: StoredIssue[];
  private next = 0;
  private readonly urgent: StoredIssue[] = [];
  /** Issue ids taken by `take()` and not yet committed. */
  private readonly busy = new Set<string>();
  private readonly done = new Set<string>();
  private readonly queued = new Set<string>();
  private readonly waiters = new Map<string, Waiter[]>();
  private closedWith: unknown = undefined;
  private closed = false;

  constructor(eager: StoredIssue[]) {
    this.order = [...eager].sort(byEventPriority);
    for (const i of this.order) this.queued.add(i.id);
  }

  /** Eager issues (the priority-ordered list this queue was built with). */
  get eagerCount(): number {
    return this.order.length;
  }

  /** Issues queued and not yet taken. */
  get remaining(): number {
    return this.order.length - this.next + this.urgent.length;
  }

  /** The next issue to fetch: an urgent one first, else the next eager one not yet fetched. */
  take(): StoredIssue | undefined {
    let issue = this.urgent.shift();
    while (!issue && this.next < this.order.length) {
      const candidate = this.order[this.next++]!;
      if (!this.busy.has(candidate.id) && !this.done.has(candidate.id)) issue = candidate;
    }
    if (issue) this.busy.add(issue.id);
    return issue;
  }

  /**
   * Moves an issue to the front (or adds it, when it was beyond the eager cap). Resolves when its
   * events are committed; at once when they already are.
   */
  prioritize(issue: StoredIssue): Promise<void> {
    if (this.done.has(issue.id)) return Promise.resolve();
    if (this.closed) return this.closedWith === undefined ? Promise.resolve() : Promise.reject(this.closedWith);
    const p = new Promise<void>((resolve, reject) => {
      const list = this.waiters.get(issue.id) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(issue.id, list);
    });
    if (!this.busy.has(issue.id) && !this.urgent.some((i) => i.id === issue.id)) {
      this.urgent.push(issue);
      this.queued.add(issue.id);
    }
    return p;
  }

  /** Whether someone waits for this issue (it is committed at once rather than with the next batch). */
  isAwaited(issueId: string): boolean {
    return this.waiters.has(issueId);
  }

  /** Whether the issue is in this queue (eager, or asked for) and not committed yet. */
  isPending(issueId: string): boolean {
    return this.queued.has(issueId) && !this.done.has(issueId);
  }

  /** The issue's events are committed. */
  committed(issueId: string): void {
    this.busy.delete(issueId);
    this.done.add(issueId);
    for (const w of this.waiters.get(issueId) ?? []) w.resolve();
    this.waiters.delete(issueId);
  }

  /** A fetch failed: the issue goes back to "not fetched" (the sync stops; the next one retries). */
  failed(issueId: string, error: unknown): void {
    this.busy.delete(issueId);
    for (const w of this.waiters.get(issueId) ?? []) w.reject(error);
    this.waiters.delete(issueId);
  }

  /** No more work is taken; waiters of issues never fetched learn why (or that the sync ended). */
  close(error?: unknown): void {
    this.closed = true;
    this.closedWith = error;
    for (const [, list] of this.waiters) {
      for (const w of list) {
        if (error === undefined) w.resolve();
        else w.reject(error);
      }
    }
    this.waiters.clear();
  }
}
