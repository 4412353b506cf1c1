/**
 * The demo's data, recorded at package time by scripts/package-demo.mjs: the sample "orders" service
 * run once with the real @sentry/node SDK (its envelopes exactly as the SDK sent them, un-gzipped),
 * the service's own log, its sources and their git history. The packaged extension cannot run the
 * SDK itself (the .vsix carries no node_modules), so the demo replays these, moved to the present
 * so the issues look fresh: the newest event lands a couple of minutes before the demo starts.
 */
import { parseEnvelope } from '../../test/servers/sentry/envelope';

export const RECORDING_VERSION = 1;

export interface DemoRecording {
  version: number;
  /** When the sample service ran (ISO). */
  recordedAt: string;
  release: string;
  project: { slug: string; name: string; platform: string };
  /** Envelope bodies as the SDK posted them, gzip removed. */
  envelopes: string[];
  /** The service's log file from the same run. */
  log: string;
  /** The service's sources from the same run, by path relative to the service folder. */
  sources: Record<string, string>;
  /** Earlier versions of the sources, oldest first (the repository's commits that touched them). */
  /** Oldest first; `tag` names the release a commit was (e.g. `orders@2.4.0`), so the workspace gets release tags. */
  history: Array<{ subject: string; files: Record<string, string>; tag?: string }>;
}

export function parseRecording(text: string, where: string): DemoRecording {
  let r: Partial<DemoRecording>;
  try {
    r = JSON.parse(text) as Partial<DemoRecording>;
  } catch (e) {
    throw new Error(
      `${where} is not valid JSON (${e instanceof Error ? e.message : String(e)}); rebuild it with: node scripts/package-demo.mjs`,
    );
  }
  if (
    r.version !== RECORDING_VERSION ||
    !Array.isArray(r.envelopes) ||
    typeof r.log !== 'string' ||
    !r.sources ||
    !r.project
  ) {
    throw new Error(
      `${where} is not a demo recording of version ${RECORDING_VERSION}; rebuild it with: node scripts/package-demo.mjs`,
    );
  }
  return r as DemoRecording;
}

const EVENT_TYPES = new Set(['event', 'transaction']);

/** Seconds (Sentry's float form) or ISO string, moved by `offsetMs`, kept in the form it came in. */
function shiftTimestamp(v: unknown, offsetMs: number): unknown {
  if (typeof v === 'number' && Number.isFinite(v)) return v + offsetMs / 1000;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return new Date(t + offsetMs).toISOString();
  }
  return v;
}

function shiftEvent(ev: Record<string, unknown>, offsetMs: number): void {
  for (const k of ['timestamp', 'start_timestamp']) if (k in ev) ev[k] = shiftTimestamp(ev[k], offsetMs);
  const crumbs = ev.breadcrumbs;
  const list = Array.isArray(crumbs) ? crumbs : (crumbs as { values?: unknown[] } | undefined)?.values;
  for (const c of Array.isArray(list) ? list : []) {
    if (c && typeof c === 'object' && 'timestamp' in c)
      (c as Record<string, unknown>).timestamp = shiftTimestamp((c as Record<string, unknown>).timestamp, offsetMs);
  }
}

/** The newest event time in the recording (ms), or null when it holds no events. */
export function newestEventMs(rec: DemoRecording): number | null {
  let newest: number | null = null;
  for (const body of rec.envelopes) {
    for (const item of parseEnvelope(body).items) {
      if (!EVENT_TYPES.has(item.header.type)) continue;
      const ts = (JSON.parse(item.payload.toString('utf8')) as { timestamp?: unknown }).timestamp;
      const ms = typeof ts === 'number' ? ts * 1000 : typeof ts === 'string' ? Date.parse(ts) : Number.NaN;
      if (Number.isFinite(ms) && (newest === null || ms > newest)) newest = ms;
    }
  }
  return newest;
}

/** Rewrites an envelope with every event time moved by `offsetMs` (item lengths recomputed). */
export function shiftEnvelope(body: string, offsetMs: number): string {
  const env = parseEnvelope(body);
  const header = { ...env.header };
  if (header.sent_at) header.sent_at = shiftTimestamp(header.sent_at, offsetMs) as string;
  const parts = [JSON.stringify(header)];
  for (const item of env.items) {
    let payload = item.payload.toString('utf8');
    if (EVENT_TYPES.has(item.header.type)) {
      const ev = JSON.parse(payload) as Record<string, unknown>;
      shiftEvent(ev, offsetMs);
      payload = JSON.stringify(ev);
    }
    parts.push(JSON.stringify({ ...item.header, length: Buffer.byteLength(payload) }), payload);
  }
  return parts.join('\n') + '\n';
}

/** Moves the ISO timestamp that starts each log line by `offsetMs`; other lines stay as they are. */
export function shiftLog(text: string, offsetMs: number): string {
  return text.replace(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)/gm, (iso) =>
    new Date(Date.parse(iso) + offsetMs).toISOString(),
  );
}
