import type { StoreData, StoredBreadcrumb, StoredEvent, StoredException, StoredFrame, StoredIssue } from './model';

/**
 * On-disk shape of the store, built to keep 10k issues × 10 events in tens of MB and quick to parse:
 * - Each distinct stack trace (frames with context lines, most of an event's size) is written once,
 *   under a content hash, and events refer to it.
 * - The events of one issue repeat most of their fields (title, release, environment, most tags,
 *   contexts, often the stack): those go once into the issue's `base`, and each event keeps only
 *   what differs from it.
 * - Frames, exceptions and breadcrumbs are written as positional tuples, not objects with keys.
 */
type EventFields = Omit<StoredEvent, 'exceptions'> & { stack: string };

export interface DiskIssueEvents {
  base: Partial<EventFields>;
  list: OwnTuple[];
}

/** An event's own fields: [id, timestamp, traceId, stack, tags, breadcrumbs, other fields]; trailing nulls dropped. */
type OwnTuple = unknown[];
const OWN_ORDER = ['id', 'timestamp', 'traceId', 'stack', 'tags', 'breadcrumbs'] as const;

function ownOut(own: Record<string, unknown>): OwnTuple {
  const { id, timestamp, traceId, stack, tags, breadcrumbs, ...other } = own;
  const t: unknown[] = [id ?? null, timestamp ?? null, traceId ?? null, stack ?? null, tags ?? null, breadcrumbs ?? null, Object.keys(other).length ? other : null];
  while (t.length && t[t.length - 1] === null) t.pop();
  return t;
}

function ownIn(t: OwnTuple): Partial<EventFields> {
  const own: Record<string, unknown> = { ...(t[6] as object | null ?? {}) };
  OWN_ORDER.forEach((k, i) => { if (t[i] !== null && t[i] !== undefined) own[k] = t[i]; });
  return own as Partial<EventFields>;
}

export interface DiskData extends Omit<StoreData, 'events'> {
  events: Record<string, DiskIssueEvents>;
  stacks: Record<string, ExceptionTuple[]>;
}

/** [filename, absPath (0 when equal to filename), module, package, platform, function, lineNo, colNo, inApp 1/0, context] */
type FrameTuple = [string | null, string | null | 0, string | null, string | null, string | null, string | null, number | null, number | null, 0 | 1, Array<[number, string]>];
/** [type, value, module, handled, mechanism, frames] */
type ExceptionTuple = [string, string, string | null, boolean | null, string | null, FrameTuple[]];
/** [timestamp (epoch ms when it was ISO), type, category, level, message, data] */
type BreadcrumbTuple = [number | string | null, string | null, string | null, string | null, string | null, Record<string, string> | null];

const frameOut = (f: StoredFrame): FrameTuple => [f.filename, f.absPath === f.filename && f.absPath !== null ? 0 : f.absPath, f.module, f.package, f.platform, f.function, f.lineNo, f.colNo, f.inApp ? 1 : 0, f.context];
const frameIn = (t: FrameTuple): StoredFrame => ({ filename: t[0], absPath: t[1] === 0 ? t[0] : t[1], module: t[2], package: t[3], platform: t[4], function: t[5], lineNo: t[6], colNo: t[7], inApp: t[8] === 1, context: t[9] ?? [] });
const exceptionOut = (e: StoredException): ExceptionTuple => [e.type, e.value, e.module, e.handled, e.mechanism, e.frames.map(frameOut)];
const exceptionIn = (t: ExceptionTuple): StoredException => ({ type: t[0], value: t[1], module: t[2], handled: t[3], mechanism: t[4], frames: (t[5] ?? []).map(frameIn) });
const crumbOut = (b: StoredBreadcrumb): BreadcrumbTuple => {
  const ms = b.timestamp ? Date.parse(b.timestamp) : NaN;
  const ts = Number.isNaN(ms) || new Date(ms).toISOString() !== b.timestamp ? b.timestamp : ms;
  return [ts, b.type, b.category, b.level, b.message, b.data];
};
const crumbIn = (t: BreadcrumbTuple): StoredBreadcrumb => ({ timestamp: typeof t[0] === 'number' ? new Date(t[0]).toISOString() : t[0], type: t[1], category: t[2], level: t[3], message: t[4], data: t[5] });


/** Fields that are per event by nature and never worth moving into the base. */
const OWN = new Set(['id', 'timestamp', 'traceId', 'requestId']);

export function encode(data: StoreData): DiskData {
  const stacks: Record<string, ExceptionTuple[]> = {};
  // Stacks are keyed by content; the key written is a short sequence number.
  const keyOf = new Map<StoredException[], string>();
  const keyOfJson = new Map<string, string>();
  const events: Record<string, DiskIssueEvents> = {};
  for (const [issueId, list] of Object.entries(data.events)) {
    const flat: EventFields[] = list.map(({ exceptions, ...rest }) => {
      let key = keyOf.get(exceptions);
      if (key === undefined) {
        const tuples = exceptions.map(exceptionOut);
        const json = JSON.stringify(tuples);
        key = keyOfJson.get(json);
        if (key === undefined) {
          key = (keyOfJson.size).toString(36);
          keyOfJson.set(json, key);
          stacks[key] = tuples;
        }
        keyOf.set(exceptions, key);
      }
      return { ...rest, breadcrumbs: rest.breadcrumbs.map(crumbOut) as unknown as StoredBreadcrumb[], stack: key };
    });
    events[issueId] = factor(flat);
  }
  return { ...data, issues: data.issues.map(packStats), events, stacks };
}

/** Evenly spaced `[[t, n], …]` buckets become `[t0, step, n0, n1, …]` on disk. */
function packStats(issue: StoredIssue): StoredIssue {
  const st = issue.stats24h;
  if (st.length < 2) return issue;
  const step = st[1]![0] - st[0]![0];
  if (!st.every(([t], i) => t === st[0]![0] + i * step)) return issue;
  return { ...issue, stats24h: [st[0]![0], step, ...st.map(([, n]) => n)] as unknown as Array<[number, number]> };
}

function unpackStats(issue: StoredIssue): StoredIssue {
  const st = issue.stats24h as unknown as unknown[];
  if (!Array.isArray(st) || st.length === 0 || Array.isArray(st[0])) return issue;
  const [t0, step, ...counts] = st as number[];
  return { ...issue, stats24h: counts.map((n, i) => [t0! + i * step!, n] as [number, number]) };
}

/** Splits a list of events into what they all share (by JSON equality, tags key by key) and the rest. */
function factor(list: EventFields[]): DiskIssueEvents {
  if (list.length < 2) return { base: {}, list: list.map((e) => ownOut(ownFields(e, {}, {}))) };
  const first = list[0]!;
  const base: Record<string, unknown> = {};
  for (const key of Object.keys(first) as Array<keyof EventFields>) {
    if (OWN.has(key) || key === 'tags') continue;
    const json = JSON.stringify(first[key]);
    if (list.every((e) => JSON.stringify(e[key]) === json)) base[key] = first[key];
  }
  const baseTags: Record<string, string> = {};
  for (const [k, v] of Object.entries(first.tags)) if (list.every((e) => e.tags[k] === v)) baseTags[k] = v;
  base.tags = baseTags;
  const rest = list.map((e) => ownOut(ownFields(e, base, baseTags)));
  return { base: base as Partial<EventFields>, list: rest };
}

/** What an event does not share with its issue's base, timestamps as epoch ms where exact. */
function ownFields(e: EventFields, base: Record<string, unknown>, baseTags: Record<string, string>): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === 'tags') {
      const t: Record<string, string> = {};
      for (const [tk, tv] of Object.entries(e.tags)) if (!(tk in baseTags)) t[tk] = tv;
      if (Object.keys(t).length) own.tags = t;
    } else if (k === 'timestamp') {
      const ms = Date.parse(v as string);
      own.timestamp = new Date(ms).toISOString() === v ? ms : v;
    } else if (!(k in base) && !(OWN.has(k) && v === null)) own[k] = v;
  }
  return own;
}

/** Inverse of encode. Events that share a stack share one array (read-only by convention). */
export function decode(disk: DiskData): StoreData {
  const { stacks: diskStacks, events: diskEvents, ...rest } = disk;
  const stacks = new Map<string, StoredException[]>();
  const stackOf = (key: string): StoredException[] => {
    let s = stacks.get(key);
    if (!s) {
      s = (diskStacks?.[key] ?? []).map(exceptionIn);
      stacks.set(key, s);
    }
    return s;
  };
  // Events are decoded per issue on first access: opening a large store costs one JSON.parse, not
  // 100k object constructions, so the tree can show the issues at once.
  const events: Record<string, StoredEvent[]> = {};
  for (const [issueId, group] of Object.entries(diskEvents ?? {})) {
    if (!group || !Array.isArray(group.list)) throw new Error(`the events of issue ${issueId} are damaged`);
    Object.defineProperty(events, issueId, {
      enumerable: true,
      configurable: true,
      get() {
        const value = decodeGroup(group, stackOf);
        Object.defineProperty(events, issueId, { value, enumerable: true, configurable: true, writable: true });
        return value;
      },
    });
  }
  return { ...rest, issues: Array.isArray(rest.issues) ? rest.issues.map(unpackStats) : rest.issues, events } as StoreData;
}

function decodeGroup(group: DiskIssueEvents, stackOf: (key: string) => StoredException[]): StoredEvent[] {
  const base = group.base ?? {};
  return group.list.map((tuple) => {
    const own = ownIn(tuple);
    const { stack, ...ev } = { traceId: null, requestId: null, ...base, ...own, tags: { ...base.tags, ...own.tags } } as EventFields;
    if (typeof ev.timestamp === 'number') ev.timestamp = new Date(ev.timestamp).toISOString();
    return { ...ev, breadcrumbs: ((ev.breadcrumbs ?? []) as unknown as BreadcrumbTuple[]).map(crumbIn), exceptions: stackOf(stack) };
  });
}
