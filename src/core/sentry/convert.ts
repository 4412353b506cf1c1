import type {
  StoredBreadcrumb,
  StoredEvent,
  StoredException,
  StoredFrame,
  StoredIssue,
  StoredProject,
} from '../store/model';
import type {
  ApiBreadcrumb,
  ApiEvent,
  ApiExceptionValue,
  ApiFrame,
  ApiIssue,
  ApiProject,
  ApiStacktrace,
} from './apiTypes';

/**
 * API → store conversion, trimming events to what the product uses. The limits keep a large store
 * small: context lines only for in-app frames (library frames are rarely read and never mapped into
 * the project), long strings cut, the breadcrumb tail only.
 */
export const TRIM = {
  maxFrames: 80,
  contextRadius: 5,
  maxLineLength: 400,
  maxMessageLength: 4_000,
  maxBreadcrumbs: 30,
  maxBreadcrumbMessage: 500,
  maxBreadcrumbData: 8,
  maxTags: 60,
  maxTagValue: 200,
  maxExceptions: 5,
};

const str = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…` : s);
const num = (v: unknown): number | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
};

export class MalformedPayloadError extends Error {}

export function toStoredProject(p: ApiProject): StoredProject {
  if (
    !p ||
    typeof p !== 'object' ||
    (typeof p.id !== 'string' && typeof p.id !== 'number') ||
    typeof p.slug !== 'string'
  ) {
    throw new MalformedPayloadError('a project without id or slug');
  }
  return { id: String(p.id), slug: p.slug, name: str(p.name) ?? p.slug, platform: str(p.platform) };
}

export function toStoredIssue(i: ApiIssue, syncedAt: string): StoredIssue {
  if (!i || typeof i !== 'object' || (typeof i.id !== 'string' && typeof i.id !== 'number'))
    throw new MalformedPayloadError('an issue without id');
  const md = (i.metadata && typeof i.metadata === 'object' ? i.metadata : {}) as Record<string, unknown>;
  const stats = Array.isArray(i.stats?.['24h'])
    ? i.stats['24h']
        .filter((p) => Array.isArray(p) && p.length >= 2)
        .map((p) => [Number(p[0]), Number(p[1])] as [number, number])
    : [];
  const metadata: StoredIssue['metadata'] = {};
  for (const k of ['type', 'value', 'filename', 'function', 'title'] as const) {
    const v = str(md[k]);
    if (v) metadata[k] = cut(v, TRIM.maxMessageLength);
  }
  return {
    id: String(i.id),
    shortId: str(i.shortId) ?? String(i.id),
    title: cut(str(i.title) ?? '(untitled issue)', TRIM.maxMessageLength),
    culprit: cut(str(i.culprit) ?? '', TRIM.maxLineLength),
    permalink: str(i.permalink) ?? '',
    level: str(i.level) ?? 'error',
    status: str(i.status) ?? 'unresolved',
    substatus: str(i.substatus),
    platform: str(i.platform),
    projectId: str(i.project?.id) ?? '',
    projectSlug: str(i.project?.slug) ?? '',
    count: num(i.count) ?? 0,
    userCount: num(i.userCount) ?? 0,
    lifetimeCount: num(i.lifetime?.count) ?? null,
    lifetimeUserCount: num(i.lifetime?.userCount) ?? null,
    firstSeen: str(i.lifetime?.firstSeen) ?? str(i.firstSeen) ?? syncedAt,
    lastSeen: str(i.lastSeen) ?? syncedAt,
    metadata,
    isUnhandled: i.isUnhandled === true,
    stats24h: stats,
    firstRelease: str(i.firstRelease?.shortVersion) ?? str(i.firstRelease?.version),
    syncedAt,
    ...triageFields(i),
  };
}

/** Assignee, bookmark, subscription and status details, written only when set (most issues have none). */
export function triageFields(
  i: Pick<ApiIssue, 'assignedTo' | 'isBookmarked' | 'isSubscribed' | 'statusDetails'>,
): Pick<StoredIssue, 'assignedTo' | 'isBookmarked' | 'isSubscribed' | 'statusDetails'> {
  const out: Pick<StoredIssue, 'assignedTo' | 'isBookmarked' | 'isSubscribed' | 'statusDetails'> = {};
  const a = i.assignedTo;
  if (a && (a.type === 'user' || a.type === 'team') && (typeof a.id === 'string' || typeof a.id === 'number')) {
    out.assignedTo = {
      type: a.type,
      id: String(a.id),
      name: cut(str(a.name) ?? String(a.id), TRIM.maxLineLength),
      ...(str(a.email) ? { email: str(a.email) } : {}),
    };
  }
  if (i.isBookmarked === true) out.isBookmarked = true;
  if (i.isSubscribed === true) out.isSubscribed = true;
  const details: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(i.statusDetails ?? {})) {
    if (typeof v === 'string') details[k] = cut(v, TRIM.maxLineLength);
    else if (typeof v === 'number' || typeof v === 'boolean') details[k] = v;
  }
  if (Object.keys(details).length) out.statusDetails = details;
  return out;
}

function toFrame(f: ApiFrame): StoredFrame {
  const inApp = f.inApp === true;
  const lineNo = num(f.lineNo);
  let context: Array<[number, string]> = [];
  if (inApp && Array.isArray(f.context)) {
    context = f.context
      .filter((c): c is [number, string] => Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'string')
      .filter(([n]) => lineNo === null || Math.abs(n - lineNo) <= TRIM.contextRadius)
      .map(([n, text]) => [n, cut(text, TRIM.maxLineLength)]);
  }
  return {
    filename: str(f.filename),
    absPath: str(f.absPath),
    module: str(f.module),
    package: str(f.package),
    platform: str(f.platform),
    function: str(f.function) ?? str(f.rawFunction),
    lineNo,
    colNo: num(f.colNo),
    inApp,
    context,
  };
}

function toFrames(st: ApiStacktrace | null | undefined): StoredFrame[] {
  const frames = Array.isArray(st?.frames) ? st.frames.filter((f) => f && typeof f === 'object') : [];
  // Keep the newest frames (the crash site is last) when a stack is absurdly deep.
  return frames.slice(-TRIM.maxFrames).map(toFrame);
}

function toException(v: ApiExceptionValue): StoredException {
  return {
    type: cut(str(v.type) ?? 'Error', TRIM.maxLineLength),
    value: cut(str(v.value) ?? '', TRIM.maxMessageLength),
    module: str(v.module),
    handled: typeof v.mechanism?.handled === 'boolean' ? v.mechanism.handled : null,
    mechanism: str(v.mechanism?.type),
    frames: toFrames(v.stacktrace),
  };
}

function toBreadcrumb(b: ApiBreadcrumb): StoredBreadcrumb {
  let data: Record<string, string> | null = null;
  if (b.data && typeof b.data === 'object') {
    data = {};
    for (const [k, v] of Object.entries(b.data).slice(0, TRIM.maxBreadcrumbData)) {
      data[k] = cut(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''), TRIM.maxTagValue);
    }
  }
  const ts = typeof b.timestamp === 'number' ? new Date(b.timestamp * 1000).toISOString() : str(b.timestamp);
  return {
    timestamp: ts,
    type: str(b.type),
    category: str(b.category),
    level: str(b.level),
    message: b.message == null ? null : cut(String(b.message), TRIM.maxBreadcrumbMessage),
    data,
  };
}

function contextSummary(contexts: ApiEvent['contexts']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!contexts || typeof contexts !== 'object') return out;
  for (const [key, c] of Object.entries(contexts)) {
    if (!c || typeof c !== 'object' || key === 'trace') continue;
    const name = str(c.name) ?? str(c.type) ?? key;
    const version = str(c.version) ?? str(c.kernel_version) ?? '';
    const text = [name, version].filter(Boolean).join(' ');
    if (text) out[key] = cut(text, TRIM.maxTagValue);
  }
  return out;
}

/** Converts a full (`full=true`) API event. Throws MalformedPayloadError when it has no id or time. */
export function toStoredEvent(e: ApiEvent, issueId: string, projectId: string): StoredEvent {
  if (!e || typeof e !== 'object') throw new MalformedPayloadError('an event that is not an object');
  const id = str(e.eventID) ?? str(e.id);
  if (!id) throw new MalformedPayloadError('an event without id');
  const timestamp = str(e.dateCreated) ?? str(e.dateReceived);
  if (!timestamp || Number.isNaN(Date.parse(timestamp)))
    throw new MalformedPayloadError(`event ${id} has no valid dateCreated`);

  const tags: Record<string, string> = {};
  for (const t of Array.isArray(e.tags) ? e.tags.slice(0, TRIM.maxTags) : []) {
    if (t && typeof t.key === 'string' && t.value != null) tags[t.key] = cut(String(t.value), TRIM.maxTagValue);
  }
  const entries = Array.isArray(e.entries) ? e.entries.filter((x) => x && typeof x === 'object') : [];
  const exceptions: StoredException[] = [];
  let message = '';
  let breadcrumbs: StoredBreadcrumb[] = [];
  let request: StoredEvent['request'] = null;
  for (const entry of entries) {
    const data = entry.data as Record<string, unknown> | null | undefined;
    if (entry.type === 'exception') {
      const values = Array.isArray(data?.values)
        ? (data.values as ApiExceptionValue[]).filter((v) => v && typeof v === 'object')
        : [];
      exceptions.push(...values.slice(-TRIM.maxExceptions).map(toException));
    } else if (entry.type === 'stacktrace' && exceptions.length === 0) {
      exceptions.push({
        type: 'Message',
        value: '',
        module: null,
        handled: null,
        mechanism: null,
        frames: toFrames(data as ApiStacktrace),
      });
    } else if (entry.type === 'message') {
      message = str(data?.formatted) ?? str(data?.message) ?? '';
    } else if (entry.type === 'breadcrumbs') {
      const values = Array.isArray(data?.values)
        ? (data.values as ApiBreadcrumb[]).filter((b) => b && typeof b === 'object')
        : [];
      breadcrumbs = values.slice(-TRIM.maxBreadcrumbs).map(toBreadcrumb);
    } else if (entry.type === 'request') {
      request = { method: str(data?.method), url: str(data?.url) };
    }
  }
  const trace = e.contexts?.trace as Record<string, unknown> | undefined;
  const release = typeof e.release === 'string' ? e.release : str(e.release?.version);
  return {
    id,
    issueId,
    projectId: str(e.projectID) ?? projectId,
    timestamp: new Date(timestamp).toISOString(),
    level: tags.level ?? 'error',
    title: cut(str(e.title) ?? exceptions.at(-1)?.type ?? '', TRIM.maxMessageLength),
    message: cut(message || str(e.message) || '', TRIM.maxMessageLength),
    platform: str(e.platform),
    environment: tags.environment ?? null,
    release: release ?? tags.release ?? null,
    exceptions,
    tags,
    breadcrumbs,
    traceId: str(trace?.trace_id) ?? tags.trace ?? null,
    requestId: tags.request_id ?? tags['request.id'] ?? tags.transaction_id ?? null,
    request,
    contexts: contextSummary(e.contexts),
  };
}
