/**
 * Deterministic synthetic data for benchmarks and paging tests: N issues × M events over a few
 * projects, in the same ingest format the SDK sends. Only the first event of each issue is
 * normalised up front (for the issue's title/culprit/metadata); every event body is rebuilt from its
 * seed when a client asks for it, so 10k × 10 stays small and quick to create.
 */
import { createHash } from 'node:crypto';
import { normalizeEvent } from './normalize';
import type { ProjectRec, ServerState } from './server-state';
import type { SyntheticOptions } from './types';

/** mulberry32: tiny, fast, good enough to spread data deterministically. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A deterministic 32-hex-digit event id: 16 mixed digits for a random look, then the issue index and
 * event number, so ids are unique by construction (md5 per event was a third of the time at 100k).
 */
function hexId(seed: number, issue: number, k: number): string {
  const r = rng((Math.imul(seed, 2654435761) ^ Math.imul(issue + 1, 40503) ^ Math.imul(k + 1, 2246822519)) >>> 0);
  const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return hex8(r() * 4294967296) + hex8(r() * 4294967296) + hex8(issue) + hex8(k);
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const KINDS = [
  {
    type: 'TypeError',
    value: (r: () => number) =>
      `Cannot read properties of undefined (reading '${pick(r, ['id', 'address', 'total', 'items', 'customer'])}')`,
  },
  {
    type: 'PoolExhaustedError',
    value: (r: () => number) => `connection pool exhausted (${8 + Math.floor(r() * 3)}/10 in use)`,
  },
  {
    type: 'ValidationError',
    value: (r: () => number) =>
      `invalid ${pick(r, ['quantity', 'currency', 'postcode', 'email'])}: ${pick(r, ['must be positive', 'unsupported value', 'too long'])}`,
  },
  {
    type: 'TimeoutError',
    value: (r: () => number) =>
      `${pick(r, ['payments', 'inventory', 'shipping'])} did not answer within ${pick(r, [2000, 5000, 10000])}ms`,
  },
  { type: 'RangeError', value: () => 'Invalid array length' },
  { type: 'Error', value: (r: () => number) => `connect ECONNREFUSED 10.0.3.${1 + Math.floor(r() * 250)}:5432` },
] as const;

const CODE = [
  { file: 'src/routes/checkout.mjs', fn: 'checkout' },
  { file: 'src/routes/receipts.mjs', fn: 'renderReceipt' },
  { file: 'src/db/pool.mjs', fn: 'ConnectionPool.acquire' },
  { file: 'src/services/payments.mjs', fn: 'chargeCard' },
  { file: 'src/services/inventory.mjs', fn: 'reserveStock' },
  { file: 'src/jobs/reconcile.mjs', fn: 'reconcileBatch' },
  { file: 'src/lib/http-client.mjs', fn: 'HttpClient.request' },
] as const;

const LEVELS = ['error', 'error', 'warning', 'fatal', 'info'];
const APP_ROOT = '/srv/orders';

interface IssueSeed {
  index: number;
  kind: (typeof KINDS)[number];
  value: string;
  code: Array<(typeof CODE)[number]>;
  lines: number[];
  level: string;
  release: string;
}

function frame(file: string, fn: string, line: number, inApp: boolean): Record<string, unknown> {
  const abs = file.startsWith('node:') ? file : `${APP_ROOT}/${file}`;
  const module = file
    .replace(/^node:(internal\/)?/, '')
    .replace(/\.m?js$/, '')
    .replace(/\//g, '.');
  const f: Record<string, unknown> = {
    filename: abs,
    module,
    function: fn,
    lineno: line,
    colno: 5 + (line % 17),
    in_app: inApp,
  };
  if (inApp) {
    f.pre_context = [`// ${file}`, '', `export function ${fn.split('.').pop()}(ctx) {`];
    f.context_line = `  return step${line}(ctx);`;
    f.post_context = ['}', ''];
  }
  return f;
}

function rawEvent(s: IssueSeed, eventId: string, tsMs: number, n: number): Record<string, unknown> {
  const frames = [
    frame('node:internal/process/task_queues', 'process.processTicksAndRejections', 95, false),
    {
      filename: `${APP_ROOT}/node_modules/express/lib/router/layer.js`,
      module: 'express.lib.router:layer',
      function: 'Layer.handle [as handle_request]',
      lineno: 95,
      colno: 5,
      in_app: false,
    },
    ...s.code.map((c, i) => frame(c.file, c.fn, s.lines[i]!, true)),
  ];
  return {
    event_id: eventId,
    timestamp: tsMs / 1000,
    platform: 'node',
    level: s.level,
    release: s.release,
    environment: 'production',
    server_name: `orders-api-${1 + (n % 3)}`,
    transaction: `POST /${s.code[0]!.fn.toLowerCase()}`,
    fingerprint: ['synthetic', String(s.index)],
    user: { id: `cus_${(s.index * 7 + n) % 500}` },
    tags: { service: 'orders' },
    contexts: {
      trace: { trace_id: createHash('md5').update(`trace:${eventId}`).digest('hex'), span_id: eventId.slice(0, 16) },
      runtime: { name: 'node', version: 'v20.20.2' },
      os: { name: 'Debian', version: '12' },
    },
    exception: {
      values: [
        {
          type: s.kind.type,
          value: s.value,
          stacktrace: { frames },
          mechanism: { type: 'generic', handled: n % 4 !== 3 },
        },
      ],
    },
    breadcrumbs: {
      values: [
        {
          timestamp: tsMs / 1000 - 0.2,
          category: 'http',
          message: `POST /${s.code[0]!.fn.toLowerCase()}`,
          level: 'info',
        },
        {
          timestamp: tsMs / 1000 - 0.1,
          category: 'db.pool',
          message: 'acquire',
          data: { inUse: 3 + (n % 7), size: 10 },
        },
      ],
    },
    sdk: { name: 'sentry.javascript.node', version: '11.12.0' },
  };
}

export function generateSynthetic(state: ServerState, opts: SyntheticOptions): void {
  const seed = opts.seed ?? 1;
  const r = rng(seed);
  const projects: ProjectRec[] =
    typeof opts.projects === 'number'
      ? Array.from({ length: opts.projects }, (_v, i) => state.addProject({ slug: `synth-${i + 1}` }))
      : opts.projects.map((slug) => state.projectBySlug(slug) ?? state.addProject({ slug }));
  if (projects.length === 0) throw new Error('generateSynthetic: at least one project is needed');
  const total = opts.issues ?? (opts.issuesPerProject ?? 0) * projects.length;
  const levels = opts.levels?.length ? opts.levels : LEVELS;
  const now = state.now();
  const spanMs = (opts.spanHours ?? 72) * 3600_000;
  const startIndex = state.issues.length;

  for (let i = 0; i < total; i++) {
    const index = startIndex + i;
    const kind = pick(r, KINDS);
    const depth = 1 + Math.floor(r() * 3);
    const code = Array.from({ length: depth }, () => pick(r, CODE));
    const s: IssueSeed = {
      index,
      kind,
      value: kind.value(r),
      code,
      lines: code.map(() => 10 + Math.floor(r() * 200)),
      level: levels[i % levels.length]!,
      release: `orders@2.${Math.floor(r() * 5)}.0`,
    };
    const project = projects[i % projects.length]!;
    const lastSeen = now - Math.floor((i / Math.max(1, total)) * spanMs) - Math.floor(r() * 60_000);
    const gapMs = 60_000 + Math.floor(r() * 30 * 60_000);
    // The issue-level fields come from one normalised event; the others differ only in id, time, user.
    const headId = hexId(seed, index, 0);
    const { event: _head, ...meta } = normalizeEvent(rawEvent(s, headId, lastSeen, 0), lastSeen, () => headId);
    for (let k = opts.eventsPerIssue - 1; k >= 0; k--) {
      const ts = lastSeen - k * gapMs;
      const eventId = k === 0 ? headId : hexId(seed, index, k);
      const make = () => normalizeEvent(rawEvent(s, eventId, ts, k), ts, () => eventId).event;
      state.addEvent(
        project,
        { ...meta, eventId, timestampMs: ts, userKey: `cus_${(index * 7 + k) % 500}`, isUnhandled: k % 4 === 3 },
        ts,
        make,
      );
    }
  }
}
