import type { StoreData, StoredBreadcrumb, StoredEvent, StoredFrame, StoredIssue } from './model';

/**
 * On-disk shape of the store, built so that 10k issues × 10 events stay under 60 MB and open fast:
 * - Frames (with their context lines, most of an event's size) are written once per distinct list,
 *   and exceptions refer to them by a short key.
 * - The events of one issue repeat most of their fields (title, release, environment, most tags,
 *   contexts, often the exception): those go once into the issue's `base`, and each event keeps only
 *   what differs from it, as a positional tuple.
 * - Each issue's events and each frame list are written as a JSON string inside the file. Parsing the
 *   file then only scans those strings (about 2.5× faster than building 100k event objects), and an
 *   issue's events are parsed and decoded on first access.
 */

/** [type, value, module, handled, mechanism, frames key] */
type ExceptionHead = [string, string, string | null, boolean | null, string | null, string];
/** An event as written: the issue id is the group's key, exceptions are heads pointing at frames. */
type EventFields = Omit<StoredEvent, 'exceptions' | 'issueId'> & { exc: ExceptionHead[] };

export interface DiskIssueEvents {
  base: Partial<EventFields>;
  list: OwnTuple[];
}

export interface DiskData extends Omit<StoreData, 'events'> {
  /** Names this snapshot: journal lines written after it carry the same id (others are stale). */
  journalId?: string;
  /** Issues whose permalink is this + id + '/' store 0 instead. */
  permalinkBase?: string;
  /** Issue id → JSON of DiskIssueEvents. */
  events: Record<string, string>;
  /** Frames key → JSON of FrameTuple[]. */
  frames: Record<string, string>;
}

/** An event's own fields: [id, timestamp, traceId, exc, tags, breadcrumbs, other fields]; trailing nulls dropped. */
type OwnTuple = unknown[];
const OWN_ORDER = ['id', 'timestamp', 'traceId', 'exc', 'tags', 'breadcrumbs'] as const;

/** [filename, absPath (0 when equal to filename), module, package, platform, function, lineNo, colNo, inApp 1/0, context] */
type FrameTuple = [
  string | null,
  string | null | 0,
  string | null,
  string | null,
  string | null,
  string | null,
  number | null,
  number | null,
  0 | 1,
  Array<[number, string]>,
];
/** [timestamp (epoch ms when it was ISO), type, category, level, message, data] */
type BreadcrumbTuple = [
  number | string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  Record<string, string> | null,
];

/** Fields that are per event by nature and never worth moving into the base. */
const OWN = new Set(['id', 'timestamp', 'traceId', 'requestId']);

const frameOut = (f: StoredFrame): FrameTuple => [
  f.filename,
  f.absPath === f.filename && f.absPath !== null ? 0 : f.absPath,
  f.module,
  f.package,
  f.platform,
  f.function,
  f.lineNo,
  f.colNo,
  f.inApp ? 1 : 0,
  f.context,
];
const frameIn = (t: FrameTuple): StoredFrame => ({
  filename: t[0],
  absPath: t[1] === 0 ? t[0] : t[1],
  module: t[2],
  package: t[3],
  platform: t[4],
  function: t[5],
  lineNo: t[6],
  colNo: t[7],
  inApp: t[8] === 1,
  context: t[9] ?? [],
});

const crumbOut = (b: StoredBreadcrumb): BreadcrumbTuple => [
  exactMs(b.timestamp),
  b.type,
  b.category,
  b.level,
  b.message,
  b.data,
];
const crumbIn = (t: BreadcrumbTuple): StoredBreadcrumb => ({
  timestamp: typeof t[0] === 'number' ? new Date(t[0]).toISOString() : t[0],
  type: t[1],
  category: t[2],
  level: t[3],
  message: t[4],
  data: t[5],
});

/** An ISO timestamp as epoch ms when that loses nothing; anything else as it was. */
function exactMs<T extends string | null>(iso: T): number | T {
  if (!iso) return iso;
  const ms = Date.parse(iso);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === iso ? ms : iso;
}

/** One issue's events as written: the group's JSON text, that text as a JSON string literal, and the frame keys it names. */
interface EncodedGroup {
  text: string;
  literal: string;
  frameKeys: string[];
}

/**
 * Encodes and decodes the store, remembering what it already encoded so that a commit only pays for
 * what changed: an issue's event list (arrays are never mutated in place: a change is a new array)
 * keeps its encoded text, frame lists keep their keys, and groups read from disk and not touched keep
 * the text they were read as, without being decoded. A sync that commits every 2 s therefore costs
 * one serialisation of the new events plus the concatenation of the file, not a re-encoding of every
 * stored event. One codec per store file.
 */
export class StoreCodec {
  /** Frames key → JSON of FrameTuple[]. */
  private frameJson = new Map<string, string>();
  private keyOfJson = new Map<string, string>();
  private keyOfList = new WeakMap<StoredFrame[], string>();
  private nextKey = 0;
  /** Decoded frame lists by key, shared by every event that names the key. */
  private readonly frameLists = new Map<string, StoredFrame[]>();
  /** Frame keys already in the file (the last snapshot and the journal lines since). */
  private persisted = new Set<string>();
  private readonly groups = new WeakMap<StoredEvent[], EncodedGroup>();
  /** Issues as written, by the (never mutated) issue object and what packing depends on. */
  private readonly packedIssues = new WeakMap<StoredIssue, { key: string; packed: StoredIssue }>();
  /** Lazy groups read from disk, by their getter (which copies of the events record share). */
  private readonly rawGroups = new WeakMap<() => unknown, { text: string; group?: EncodedGroup }>();

  /** The file's text for `data`; `journalId` names the snapshot for the journal lines that follow it. */
  serialize(data: StoreData, journalId?: string): string {
    const { events: diskEvents, frames: _frames, ...top } = this.encodeParts(data);
    const rest = journalId === undefined ? top : { ...top, journalId };
    const parts: string[] = [];
    const used = new Set<string>();
    for (const [issueId, group] of diskEvents) {
      parts.push(`${JSON.stringify(issueId)}:${group.literal}`);
      for (const k of group.frameKeys) used.add(k);
    }
    const frames: string[] = [];
    for (const k of used) frames.push(`${JSON.stringify(k)}:${JSON.stringify(this.frameJson.get(k) ?? '[]')}`);
    this.forgetFramesExcept(used);
    this.persisted = used;
    const head = JSON.stringify(rest);
    return `${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"events":{${parts.join(',')}},"frames":{${frames.join(',')}}}`;
  }

  /** The DiskData object for `data` (what `serialize` writes, as an object). */
  encode(data: StoreData): DiskData {
    const { events, ...rest } = this.encodeParts(data);
    const out: Record<string, string> = {};
    const frames: Record<string, string> = {};
    for (const [issueId, group] of events) {
      out[issueId] = group.text;
      for (const k of group.frameKeys) frames[k] = this.frameJson.get(k) ?? '[]';
    }
    return { ...rest, events: out, frames };
  }

  private encodeParts(data: StoreData): Omit<DiskData, 'events'> & { events: Array<[string, EncodedGroup]> } {
    const events: Array<[string, EncodedGroup]> = [];
    for (const issueId of Object.keys(data.events)) {
      const desc = Object.getOwnPropertyDescriptor(data.events, issueId);
      if (!desc) continue;
      const raw = desc.get ? this.rawGroups.get(desc.get) : undefined;
      let group: EncodedGroup | undefined;
      if (raw) {
        group = raw.group ??= this.groupOfText(raw.text);
      } else {
        const list = (desc.get ? desc.get.call(data.events) : desc.value) as StoredEvent[];
        group = this.groups.get(list);
        if (!group) {
          group = this.encodeGroup(list);
          this.groups.set(list, group);
        }
      }
      events.push([issueId, group]);
    }
    const sample = data.issues.find((i) => i.permalink.endsWith(`/${i.id}/`));
    const permalinkBase = sample ? sample.permalink.slice(0, -(sample.id.length + 1)) : undefined;
    const syncedAt = data.meta.lastSuccessfulSync;
    const { events: _e, ...rest } = data;
    const packKey = `${permalinkBase ?? ''}\u0000${syncedAt ?? ''}`;
    const issues = data.issues.map((i) => {
      const cached = this.packedIssues.get(i);
      if (cached?.key === packKey) return cached.packed;
      const packed = packIssue(i, permalinkBase, syncedAt);
      this.packedIssues.set(i, { key: packKey, packed });
      return packed;
    });
    return { ...rest, permalinkBase, issues, events, frames: {} };
  }

  private encodeGroup(list: StoredEvent[]): EncodedGroup {
    const keys = new Set<string>();
    // The issue id is the key of the group; it is not written per event.
    const flat: EventFields[] = list.map(({ exceptions, breadcrumbs, issueId: _issueId, ...rest }) => ({
      ...rest,
      breadcrumbs: breadcrumbs.map(crumbOut) as unknown as StoredBreadcrumb[],
      exc: exceptions.map((e): ExceptionHead => {
        const key = this.framesKey(e.frames);
        keys.add(key);
        return [e.type, e.value, e.module, e.handled, e.mechanism, key];
      }),
    }));
    const text = JSON.stringify(factor(flat));
    return { text, literal: JSON.stringify(text), frameKeys: [...keys] };
  }

  /** A group read from disk: its text is kept as it was; only its frame keys are looked up (once). */
  private groupOfText(text: string): EncodedGroup {
    const keys = new Set<string>();
    try {
      const g = JSON.parse(text) as DiskIssueEvents;
      const heads = [
        ...(Array.isArray(g.base?.exc) ? g.base.exc : []),
        ...g.list.flatMap((t) => (Array.isArray(t[3]) ? (t[3] as ExceptionHead[]) : [])),
      ];
      for (const h of heads) if (typeof h?.[5] === 'string') keys.add(h[5]);
    } catch {
      // Damaged text reads as no events (decode does the same); it is written back as it was.
    }
    return { text, literal: JSON.stringify(text), frameKeys: [...keys] };
  }

  private framesKey(list: StoredFrame[]): string {
    let key = this.keyOfList.get(list);
    if (key === undefined || !this.frameJson.has(key)) {
      const json = JSON.stringify(list.map(frameOut));
      key = this.keyOfJson.get(json);
      if (key === undefined) {
        do key = (this.nextKey++).toString(36);
        while (this.frameJson.has(key));
        this.keyOfJson.set(json, key);
        this.frameJson.set(key, json);
      }
      this.keyOfList.set(list, key);
    }
    return key;
  }

  /** Frame lists no stored event names any more are dropped (a long session must not grow without bound). */
  private forgetFramesExcept(used: Set<string>): void {
    if (used.size === this.frameJson.size) return;
    for (const [k, json] of this.frameJson) {
      if (used.has(k)) continue;
      this.frameJson.delete(k);
      this.keyOfJson.delete(json);
      this.frameLists.delete(k);
    }
  }

  /**
   * One journal line for a commit of events: each issue's encoded events, the frame lists the file
   * does not hold yet, and the lastSeen the events are current for. Appending it costs the batch, not
   * the store.
   */
  journalLine(journalId: string, items: ReadonlyMap<string, { events: StoredEvent[]; lastSeen: string }>): string {
    const events: string[] = [];
    const frames: string[] = [];
    const seen: Record<string, string> = {};
    for (const [issueId, { events: list, lastSeen }] of items) {
      let group = this.groups.get(list);
      if (!group) {
        group = this.encodeGroup(list);
        this.groups.set(list, group);
      }
      events.push(`${JSON.stringify(issueId)}:${group.literal}`);
      for (const k of group.frameKeys) {
        if (this.persisted.has(k)) continue;
        this.persisted.add(k);
        frames.push(`${JSON.stringify(k)}:${JSON.stringify(this.frameJson.get(k) ?? '[]')}`);
      }
      seen[issueId] = lastSeen;
    }
    return `{"j":${JSON.stringify(journalId)},"events":{${events.join(',')}},"frames":{${frames.join(',')}},"eventsLastSeen":${JSON.stringify(seen)}}`;
  }

  /**
   * Applies the journal written after the snapshot `data` was decoded from: lines of another snapshot
   * (a compaction stopped between its two steps) and a torn last line (a kill mid-append) are skipped.
   * Returns how many lines applied.
   */
  applyJournal(data: StoreData, journalId: string | undefined, text: string): number {
    if (!journalId) return 0;
    let applied = 0;
    const seen = new Map<string, string>();
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      let line: {
        j?: unknown;
        events?: Record<string, unknown>;
        frames?: Record<string, unknown>;
        eventsLastSeen?: Record<string, unknown>;
      };
      try {
        line = JSON.parse(raw) as typeof line;
      } catch {
        continue;
      }
      if (line.j !== journalId) continue;
      for (const [k, json] of Object.entries(line.frames ?? {})) {
        if (typeof json !== 'string' || this.frameJson.has(k)) continue;
        this.frameJson.set(k, json);
        this.keyOfJson.set(json, k);
        this.persisted.add(k);
      }
      for (const [issueId, groupText] of Object.entries(line.events ?? {})) {
        if (typeof groupText === 'string') this.defineLazyGroup(data.events, issueId, groupText);
      }
      for (const [issueId, lastSeen] of Object.entries(line.eventsLastSeen ?? {}))
        if (typeof lastSeen === 'string') seen.set(issueId, lastSeen);
      applied++;
    }
    if (seen.size)
      data.issues = data.issues.map((i) => (seen.has(i.id) ? { ...i, eventsLastSeen: seen.get(i.id)! } : i));
    return applied;
  }

  private framesOf(key: string): StoredFrame[] {
    let list = this.frameLists.get(key);
    if (!list) {
      const raw = this.frameJson.get(key);
      try {
        list = typeof raw === 'string' ? (JSON.parse(raw) as FrameTuple[]).map(frameIn) : [];
      } catch {
        list = [];
      }
      this.frameLists.set(key, list);
      this.keyOfList.set(list, key);
    }
    return list;
  }

  /** An issue's events as a getter that decodes the text on first access and then replaces itself. */
  private defineLazyGroup(events: Record<string, StoredEvent[]>, issueId: string, text: string): void {
    let value: StoredEvent[] | undefined;
    const raw: { text: string; group?: EncodedGroup } = { text };
    const framesOf = (k: string) => this.framesOf(k);
    const { groups, keyOfList } = this;
    const get = function (this: Record<string, StoredEvent[]>): StoredEvent[] {
      if (!value) {
        try {
          value = decodeGroup(issueId, JSON.parse(text) as DiskIssueEvents, framesOf);
        } catch {
          value = [];
        }
        // The decoded list still encodes to the text it came from.
        const keys = new Set<string>();
        for (const e of value)
          for (const x of e.exceptions) {
            const k = keyOfList.get(x.frames);
            if (k !== undefined) keys.add(k);
          }
        groups.set(value, raw.group ?? { text, literal: JSON.stringify(text), frameKeys: [...keys] });
      }
      Object.defineProperty(this, issueId, { value, enumerable: true, configurable: true, writable: true });
      return value;
    };
    this.rawGroups.set(get, raw);
    Object.defineProperty(events, issueId, { enumerable: true, configurable: true, get });
  }

  /**
   * Inverse of encode. Issues are decoded at once; each issue's events on first access (a getter that
   * replaces itself with the value, also on copies of the record made with its property descriptors).
   * Events that share a frame list share one array (read-only by convention). An issue whose event
   * text is damaged reads as having no events, so the next sync fetches them again.
   */
  decode(disk: DiskData): StoreData {
    const { frames: diskFrames, events: diskEvents, permalinkBase, journalId: _journalId, ...rest } = disk;
    if (diskEvents !== undefined && (typeof diskEvents !== 'object' || diskEvents === null))
      throw new Error('events is not an object');
    for (const [k, json] of Object.entries(diskFrames ?? {})) {
      if (typeof json !== 'string' || this.frameJson.has(k)) continue;
      this.frameJson.set(k, json);
      this.keyOfJson.set(json, k);
      this.persisted.add(k);
    }
    const events: Record<string, StoredEvent[]> = {};
    for (const [issueId, text] of Object.entries(diskEvents ?? {})) {
      if (typeof text !== 'string') throw new Error(`the events of issue ${issueId} are damaged`);
      this.defineLazyGroup(events, issueId, text);
    }
    const syncedAt = rest.meta?.lastSuccessfulSync ?? null;
    return {
      ...rest,
      issues: Array.isArray(rest.issues)
        ? rest.issues.map((i) => unpackIssue(i, permalinkBase, syncedAt))
        : rest.issues,
      events,
    } as StoreData;
  }
}

/** Stateless form, for tests and benchmarks: a fresh codec per call. */
export function encode(data: StoreData): DiskData {
  return new StoreCodec().encode(data);
}

export function decode(disk: DiskData): StoreData {
  return new StoreCodec().decode(disk);
}

/** A copy of an events record that keeps not-yet-decoded groups lazy (a spread would decode them all). */
export function copyEvents(events: Record<string, StoredEvent[]>): Record<string, StoredEvent[]> {
  return Object.defineProperties({}, Object.getOwnPropertyDescriptors(events)) as Record<string, StoredEvent[]>;
}

/** Drops what the issue shares with the whole store (permalink pattern, the last sync time) and packs its stats. */
function packIssue(issue: StoredIssue, permalinkBase: string | undefined, syncedAt: string | null): StoredIssue {
  const out: Record<string, unknown> = { ...issue };
  if (permalinkBase !== undefined && issue.permalink === `${permalinkBase}${issue.id}/`) out.permalink = 0;
  if (syncedAt !== null && issue.syncedAt === syncedAt) out.syncedAt = 0;
  out.firstSeen = exactMs(issue.firstSeen);
  out.lastSeen = exactMs(issue.lastSeen);
  // Events current for the issue's lastSeen (the usual case): a 1 instead of the timestamp again.
  if (issue.eventsLastSeen !== undefined && issue.eventsLastSeen !== null && issue.eventsLastSeen === issue.lastSeen)
    out.eventsLastSeen = 1;
  const st = issue.stats24h;
  if (st.length >= 2) {
    const step = st[1]![0] - st[0]![0];
    if (st.every(([t], i) => t === st[0]![0] + i * step)) out.stats24h = [st[0]![0], step, ...st.map(([, n]) => n)];
  }
  return out as unknown as StoredIssue;
}

function unpackIssue(issue: StoredIssue, permalinkBase: string | undefined, syncedAt: string | null): StoredIssue {
  const out = { ...issue };
  if ((out.permalink as unknown) === 0) out.permalink = `${permalinkBase ?? ''}${out.id}/`;
  if ((out.syncedAt as unknown) === 0) out.syncedAt = syncedAt ?? '';
  if (typeof out.firstSeen === 'number') out.firstSeen = new Date(out.firstSeen).toISOString();
  if (typeof out.lastSeen === 'number') out.lastSeen = new Date(out.lastSeen).toISOString();
  if ((out.eventsLastSeen as unknown) === 1) out.eventsLastSeen = out.lastSeen;
  const st = out.stats24h as unknown as unknown[];
  if (Array.isArray(st) && st.length > 0 && !Array.isArray(st[0])) {
    const [t0, step, ...counts] = st as number[];
    out.stats24h = counts.map((n, i) => [t0! + i * step!, n] as [number, number]);
  }
  return out;
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
  return { base: base as Partial<EventFields>, list: list.map((e) => ownOut(ownFields(e, base, baseTags))) };
}

/** What an event does not share with its issue's base; its timestamp as epoch ms where exact. */
function ownFields(
  e: EventFields,
  base: Record<string, unknown>,
  baseTags: Record<string, string>,
): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === 'tags') {
      const t: Record<string, string> = {};
      for (const [tk, tv] of Object.entries(e.tags)) if (!(tk in baseTags)) t[tk] = tv;
      if (Object.keys(t).length) own.tags = t;
    } else if (k === 'timestamp') {
      own.timestamp = exactMs(v as string);
    } else if (!(k in base) && !(OWN.has(k) && v === null)) own[k] = v;
  }
  return own;
}

function ownOut(own: Record<string, unknown>): OwnTuple {
  const { id, timestamp, traceId, exc, tags, breadcrumbs, ...other } = own;
  const t: unknown[] = [
    id ?? null,
    timestamp ?? null,
    traceId ?? null,
    exc ?? null,
    tags ?? null,
    breadcrumbs ?? null,
    Object.keys(other).length ? other : null,
  ];
  while (t.length && t[t.length - 1] === null) t.pop();
  return t;
}

function ownIn(t: OwnTuple): Partial<EventFields> {
  const own: Record<string, unknown> = { ...((t[6] as object | null) ?? {}) };
  OWN_ORDER.forEach((k, i) => {
    if (t[i] !== null && t[i] !== undefined) own[k] = t[i];
  });
  return own as Partial<EventFields>;
}

function decodeGroup(issueId: string, group: DiskIssueEvents, framesOf: (key: string) => StoredFrame[]): StoredEvent[] {
  const base = { issueId, ...group.base };
  return group.list.map((tuple) => {
    const own = ownIn(tuple);
    const { exc, ...ev } = {
      traceId: null,
      requestId: null,
      ...base,
      ...own,
      tags: { ...base.tags, ...own.tags },
    } as EventFields & { issueId: string };
    if (typeof ev.timestamp === 'number') ev.timestamp = new Date(ev.timestamp).toISOString();
    return {
      ...ev,
      breadcrumbs: ((ev.breadcrumbs ?? []) as unknown as BreadcrumbTuple[]).map(crumbIn),
      exceptions: (exc ?? []).map(([type, value, module, handled, mechanism, key]) => ({
        type,
        value,
        module,
        handled,
        mechanism,
        frames: framesOf(key),
      })),
    };
  });
}
