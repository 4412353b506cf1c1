/**
 * Ingest event (snake_case, what SDKs send) → API event (camelCase, what /api/0 serves), following
 * Sentry's own derivations closely enough for a client to be tested against it:
 * - frames: `abs_path→absPath`, `lineno→lineNo`, `in_app→inApp`, pre_context/context_line/post_context
 *   → `context: [[lineNo, text]]` (stacktrace.py `Frame.get_api_context`);
 * - culprit: an explicit culprit, else the transaction, else the newest in-app frame rendered as
 *   `function(module)` for JS/Node and `module in function` elsewhere (eventmanager `_derive_culprit`);
 * - title/metadata: `Type: value` of the last (raised-last) exception, crash frame filename/function;
 * - tags: the event's tags plus the ones Sentry derives (environment, level, release, server_name…).
 */
import { createHash } from 'node:crypto';
import type {
  ApiEntry,
  ApiEvent,
  ApiExceptionValue,
  ApiFrame,
  ApiIssue,
  ApiStacktrace,
  Json,
  JsonObject,
} from './types';

type Raw = Record<string, unknown>;

export interface NormalizedEvent {
  /** The API event without issue/project ids and release object, which the store fills in. */
  event: Omit<ApiEvent, 'groupID' | 'projectID' | 'release' | 'dateReceived'>;
  eventId: string;
  timestampMs: number;
  level: string;
  platform: string;
  type: 'error' | 'default';
  title: string;
  culprit: string;
  metadata: ApiIssue['metadata'];
  logger: string | null;
  release: string | null;
  environment: string | null;
  /** Distinct-user key (id, email, username or IP), or null when the event has no user. */
  userKey: string | null;
  isUnhandled: boolean;
  /** What events of one issue share: the SDK's fingerprint, or exception type + frame culprit. */
  groupingKey: string;
}

export class IngestError extends Error {
  override name = 'IngestError';
}

const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Sentry accepts epoch seconds (float) or an ISO string. */
export function timestampToMs(v: unknown, fallback: number): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.round(v * 1000);
  if (typeof v === 'string') {
    const asNum = Number(v);
    if (v.trim() !== '' && Number.isFinite(asNum)) return Math.round(asNum * 1000);
    const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
    if (Number.isFinite(t)) return t;
  }
  return fallback;
}

export function convertFrame(f: Raw): ApiFrame {
  const lineNo = num(f.lineno);
  const context: Array<[number, string]> = [];
  if (lineNo !== null && typeof f.context_line === 'string') {
    const pre = Array.isArray(f.pre_context) ? f.pre_context.map(String) : [];
    const post = Array.isArray(f.post_context) ? f.post_context.map(String) : [];
    pre.forEach((line, i) => context.push([lineNo - pre.length + i, line]));
    context.push([lineNo, f.context_line]);
    post.forEach((line, i) => context.push([lineNo + 1 + i, line]));
  }
  const filename = str(f.filename);
  return {
    filename,
    // Node SDKs put the absolute path in `filename` and send no abs_path; Sentry then shows that path
    // as absPath too, and that is what a frame mapper has to work with.
    absPath: str(f.abs_path) ?? filename,
    module: str(f.module),
    package: str(f.package),
    platform: str(f.platform),
    instructionAddr: str(f.instruction_addr),
    symbolAddr: str(f.symbol_addr),
    function: str(f.function),
    rawFunction: str(f.raw_function),
    symbol: str(f.symbol),
    context,
    lineNo,
    colNo: num(f.colno),
    inApp: f.in_app === true,
    trust: str(f.trust),
    errors: null,
    lock: null,
    sourceLink: null,
    vars: isObj(f.vars) ? (f.vars as JsonObject) : null,
  };
}

function convertStacktrace(st: unknown): ApiStacktrace | null {
  if (!isObj(st) || !Array.isArray(st.frames)) return null;
  const frames = st.frames.filter(isObj).map((f) => convertFrame(f));
  return {
    frames,
    framesOmitted: null,
    registers: isObj(st.registers) ? (st.registers as JsonObject) : null,
    hasSystemFrames: frames.some((f) => f.inApp) && frames.some((f) => !f.inApp),
  };
}

/** `exception` is `{values: [...]}` or, from older SDKs (sentry-go), a bare array. */
function exceptionValues(raw: Raw): Raw[] {
  const ex = raw.exception;
  if (Array.isArray(ex)) return ex.filter(isObj);
  if (isObj(ex) && Array.isArray(ex.values)) return ex.values.filter(isObj);
  return [];
}

/** The frame that "caused" the event: newest in-app frame, else the newest frame. */
export function crashFrame(frames: ApiFrame[]): ApiFrame | null {
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i]!.inApp) return frames[i]!;
  return frames.length ? frames[frames.length - 1]! : null;
}

/** Sentry's `get_frame_culprit`: JS/Node `function(module)`, others `module in function`. */
export function frameCulprit(frame: ApiFrame | null, platform: string): string {
  if (!frame) return '';
  const fileloc = frame.module ?? frame.filename;
  if (!fileloc) return '';
  if (platform === 'javascript' || platform === 'node') return `${frame.function ?? '?'}(${fileloc})`;
  return `${fileloc} in ${frame.function ?? '?'}`;
}

function formatMessage(raw: Raw): string | null {
  const le = isObj(raw.logentry) ? raw.logentry : isObj(raw.message) ? raw.message : null;
  if (le) return str(le.formatted) ?? str(le.message);
  return str(raw.message);
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 3)}...` : s;
}

function pairs(v: unknown): Array<[string, string]> {
  if (Array.isArray(v))
    return v.filter((p) => Array.isArray(p) && p.length >= 2).map((p) => [String(p[0]), String(p[1])]);
  if (isObj(v)) return Object.entries(v).map(([k, val]) => [k, typeof val === 'string' ? val : JSON.stringify(val)]);
  return [];
}

function isoFromSeconds(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  const ms = timestampToMs(v, Number.NaN);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

export function normalizeEvent(raw: Raw, receivedMs: number, fallbackEventId: () => string): NormalizedEvent {
  if (!isObj(raw)) throw new IngestError('event payload is not a JSON object');
  const eventId = (str(raw.event_id) ?? fallbackEventId()).replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(eventId)) throw new IngestError(`invalid event_id ${JSON.stringify(raw.event_id)}`);
  const platform = str(raw.platform) ?? 'other';
  const timestampMs = timestampToMs(raw.timestamp, receivedMs);
  const level = str(raw.level) ?? 'error';
  const entries: ApiEntry[] = [];

  // Exceptions, oldest first (the last value is the one raised last).
  const exValues: ApiExceptionValue[] = exceptionValues(raw).map((v) => ({
    type: str(v.type),
    value: str(v.value),
    module: str(v.module),
    mechanism: isObj(v.mechanism) ? (v.mechanism as JsonObject) : null,
    threadId: typeof v.thread_id === 'number' || typeof v.thread_id === 'string' ? v.thread_id : null,
    stacktrace: convertStacktrace(v.stacktrace),
    rawStacktrace: convertStacktrace(v.raw_stacktrace),
  }));
  const message = formatMessage(raw);
  if (exValues.length) {
    entries.push({
      type: 'exception',
      data: {
        values: exValues,
        excOmitted: null,
        hasSystemFrames: exValues.some((v) => v.stacktrace?.hasSystemFrames),
      },
    });
  }
  if (message !== null) {
    const le = isObj(raw.logentry) ? raw.logentry : isObj(raw.message) ? raw.message : {};
    entries.push({
      type: 'message',
      data: { formatted: message, message: str(le.message), params: (le.params as Json) ?? null },
    });
  }
  const topStack = convertStacktrace(raw.stacktrace);
  if (topStack) entries.push({ type: 'stacktrace', data: topStack as unknown as JsonObject });

  const threads = isObj(raw.threads) && Array.isArray(raw.threads.values) ? raw.threads.values.filter(isObj) : [];
  if (threads.length) {
    entries.push({
      type: 'threads',
      data: {
        values: threads.map((t) => ({
          id: (t.id as Json) ?? null,
          name: str(t.name),
          crashed: t.crashed === true,
          current: t.current === true,
          state: str(t.state),
          stacktrace: convertStacktrace(t.stacktrace),
          rawStacktrace: null,
        })),
      },
    });
  }

  const crumbsRaw = Array.isArray(raw.breadcrumbs)
    ? raw.breadcrumbs
    : isObj(raw.breadcrumbs) && Array.isArray(raw.breadcrumbs.values)
      ? raw.breadcrumbs.values
      : [];
  const crumbs = crumbsRaw.filter(isObj).map((b) => ({
    type: str(b.type) ?? 'default',
    category: str(b.category),
    level: str(b.level) ?? 'info',
    message: str(b.message),
    data: isObj(b.data) ? (b.data as JsonObject) : null,
    timestamp: isoFromSeconds(b.timestamp),
    event_id: null,
  }));
  if (crumbs.length) entries.push({ type: 'breadcrumbs', data: { values: crumbs } });

  const req = isObj(raw.request) ? raw.request : null;
  if (req) {
    const query =
      typeof req.query_string === 'string' ? [...new URLSearchParams(req.query_string)] : pairs(req.query_string);
    entries.push({
      type: 'request',
      data: {
        method: str(req.method),
        url: str(req.url),
        query,
        fragment: str(req.fragment),
        data: (req.data as Json) ?? null,
        headers: pairs(req.headers).sort((a, b) => a[0].localeCompare(b[0])),
        cookies: pairs(req.cookies),
        env: isObj(req.env) ? (req.env as JsonObject) : null,
        inferredContentType: null,
        apiTarget: null,
      },
    });
  }

  // Title, culprit, metadata from the exception raised last and its crash frame.
  const last = exValues[exValues.length - 1];
  const frames = last?.stacktrace?.frames ?? topStack?.frames ?? [];
  const crash = crashFrame(frames);
  const type: 'error' | 'default' = exValues.length ? 'error' : 'default';
  const exType = last ? (last.type ?? 'Error') : undefined;
  const exValue = last?.value ?? (last ? (message ?? '') : undefined);
  const title =
    type === 'error'
      ? exValue
        ? `${exType}: ${truncate(exValue.split('\n')[0]!, 100)}`
        : exType!
      : truncate((message ?? '<unlabeled event>').split('\n')[0]!, 100);
  const culpritFromFrames = frameCulprit(crash, platform);
  const culprit = str(raw.culprit) ?? str(raw.transaction) ?? culpritFromFrames;
  const metadata: ApiIssue['metadata'] =
    type === 'error'
      ? {
          type: exType,
          value: exValue ?? '',
          ...(crash?.filename ? { filename: crash.filename } : {}),
          ...(crash?.function ? { function: crash.function } : {}),
          in_app_frame_mix: frames.every((f) => f.inApp)
            ? 'in-app-only'
            : frames.some((f) => f.inApp)
              ? 'mixed'
              : 'system-only',
        }
      : { title };
  const location = crash?.filename ? `${crash.filename}${crash.lineNo !== null ? `:${crash.lineNo}` : ''}` : null;

  const user = isObj(raw.user) && Object.keys(raw.user).length ? (raw.user as JsonObject) : null;
  const userKey = user ? (str(user.id) ?? str(user.email) ?? str(user.username) ?? str(user.ip_address)) : null;
  const contexts: JsonObject = {};
  if (isObj(raw.contexts)) {
    for (const [k, v] of Object.entries(raw.contexts))
      if (isObj(v)) contexts[k] = { ...(v as JsonObject), type: str(v.type) ?? k };
  }
  const isUnhandled = exValues.some((v) => v.mechanism && v.mechanism.handled === false);

  // Tags: the SDK's, then the ones Sentry derives from the event; sorted by key like the API.
  const tags = new Map<string, string>(pairs(raw.tags));
  const environment = str(raw.environment);
  const release = str(raw.release);
  const runtime = isObj(contexts.runtime) ? contexts.runtime : null;
  const os = isObj(contexts.os) ? contexts.os : null;
  if (environment) tags.set('environment', environment);
  tags.set('level', level);
  if (release) tags.set('release', release);
  if (str(raw.server_name)) tags.set('server_name', str(raw.server_name)!);
  if (str(raw.transaction)) tags.set('transaction', str(raw.transaction)!);
  if (last?.mechanism) {
    tags.set('handled', last.mechanism.handled === false ? 'no' : 'yes');
    if (str(last.mechanism.type)) tags.set('mechanism', str(last.mechanism.type)!);
  }
  if (runtime && str(runtime.name)) {
    tags.set('runtime.name', str(runtime.name)!);
    tags.set('runtime', [str(runtime.name), str(runtime.version)].filter(Boolean).join(' '));
  }
  if (os && str(os.name)) tags.set('os.name', str(os.name)!);
  if (userKey && user)
    tags.set(
      'user',
      `${str(user.id) ? 'id' : str(user.email) ? 'email' : str(user.username) ? 'username' : 'ip'}:${userKey}`,
    );
  if (req && str(req.url)) tags.set('url', str(req.url)!);

  const fingerprint = Array.isArray(raw.fingerprint) ? raw.fingerprint.map(String) : null;
  const defaultKey = type === 'error' ? `${exType}|${culpritFromFrames}` : `message|${message ?? ''}`;
  const groupingKey =
    fingerprint && !(fingerprint.length === 1 && fingerprint[0] === '{{ default }}')
      ? fingerprint.map((f) => (f === '{{ default }}' ? defaultKey : f)).join('|')
      : defaultKey;
  const sdk = isObj(raw.sdk) ? { name: str(raw.sdk.name), version: str(raw.sdk.version) } : null;

  const event: NormalizedEvent['event'] = {
    id: eventId,
    eventID: eventId,
    dateCreated: new Date(timestampMs).toISOString(),
    message: message ?? '',
    title,
    culprit,
    location,
    platform,
    type,
    tags: [...tags].sort((a, b) => a[0].localeCompare(b[0])).map(([key, value]) => ({ key, value })),
    user,
    contexts,
    context: isObj(raw.extra) ? (raw.extra as JsonObject) : {},
    sdk,
    dist: str(raw.dist),
    metadata,
    entries,
    packages: isObj(raw.modules) ? (raw.modules as JsonObject) : {},
    fingerprints: [createHash('md5').update(groupingKey).digest('hex')],
    errors: [],
    size: Buffer.byteLength(JSON.stringify(raw)),
    crashFile: null,
    userReport: null,
    occurrence: null,
    sdkUpdates: [],
    resolvedWith: [],
    groupingConfig: { id: 'newstyle:2023-01-11', enhancements: 'test-server' },
    _meta: {},
  };

  return {
    event,
    eventId,
    timestampMs,
    level,
    platform,
    type,
    title,
    culprit,
    metadata,
    logger: str(raw.logger),
    release,
    environment,
    userKey,
    isUnhandled,
    groupingKey,
  };
}
