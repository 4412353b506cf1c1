/**
 * A realistic incident for investigation tests: an orders service whose DB pool runs dry a minute
 * before `TypeError: Cannot read properties of undefined (reading 'rows')` starts, in a real git
 * workspace where the crash line was changed days earlier, with logs from two hosts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredEvent, StoredFrame, StoredIssue } from '../../../src/core/store/model';
import type {
  FetchedLogs,
  FrameResolver,
  IssueSource,
  LogProvider,
  LogQuery,
} from '../../../src/core/investigate/ports';

export const T0 = Date.parse('2026-11-25T14:02:00Z'); // first error event
export const SENTRY_TOKEN = 'sntryu_0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab';
export const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';

const ORDERS_TS = `import { pool } from './pool';

export interface Order { id: string; total: number }

// Loads one order. The pool hands out a client or throws when exhausted.
export async function getOrder(id: string): Promise<Order> {
  const client = await pool.tryAcquire(200);
  const result = await client?.query('select id, total from orders where id = $1', [id]);
  return result.rows[0];
}
`;

export const CRASH_LINE = 9; // `return result.rows[0];`

export interface Scenario {
  root: string;
  issues: IssueSource & { issues: StoredIssue[]; events: Map<string, StoredEvent[]> };
  frames: FrameResolver;
  logs: LogProvider & { queries: LogQuery[] };
  cleanup(): void;
}

function git(root: string, args: string[], date?: string): void {
  execFileSync('git', args, {
    cwd: root,
    stdio: 'pipe',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Dana Dev',
      GIT_AUTHOR_EMAIL: 'dana@example.com',
      GIT_COMMITTER_NAME: 'Dana Dev',
      GIT_COMMITTER_EMAIL: 'dana@example.com',
      ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
    },
  });
}

export function frame(file: string, fn: string, line: number, inApp = true): StoredFrame {
  return {
    filename: file,
    absPath: `/srv/app/${file}`,
    module: null,
    package: null,
    platform: 'node',
    function: fn,
    lineNo: line,
    colNo: 10,
    inApp,
    context: [[line, '(sentry context)']],
  };
}

export function event(id: string, at: number, extra: Partial<StoredEvent> = {}): StoredEvent {
  return {
    id,
    issueId: '101',
    projectId: '1',
    timestamp: new Date(at).toISOString(),
    level: 'error',
    title: "TypeError: Cannot read properties of undefined (reading 'rows')",
    message: '',
    platform: 'node',
    environment: 'production',
    release: 'orders@1.4.2',
    exceptions: [
      {
        type: 'TypeError',
        value: "Cannot read properties of undefined (reading 'rows')",
        module: null,
        handled: false,
        mechanism: 'onuncaughtexception',
        frames: [
          frame('node_modules/express/lib/router/layer.js', 'handle', 95, false),
          frame('src/routes/orders.ts', 'getOrderRoute', 14),
          frame('src/db/orders.ts', 'getOrder', CRASH_LINE),
        ],
      },
    ],
    tags: { environment: 'production', server_name: 'app1', url: 'https://shop.example.com/orders/7' },
    breadcrumbs: [
      {
        timestamp: new Date(at - 3000).toISOString(),
        type: 'http',
        category: 'http',
        level: 'info',
        message: 'GET /orders/7',
        data: null,
      },
      {
        timestamp: new Date(at - 2000).toISOString(),
        type: 'default',
        category: 'db',
        level: 'warning',
        message: 'pool.tryAcquire returned undefined after 200ms',
        data: null,
      },
    ],
    traceId: 'aa11bb22cc33dd44ee55ff6677889900',
    requestId: null,
    request: { method: 'GET', url: 'https://shop.example.com/orders/7' },
    contexts: { runtime: 'node v20.20.2' },
    ...extra,
  };
}

export function issue(id: string, extra: Partial<StoredIssue> = {}): StoredIssue {
  return {
    id,
    shortId: `ORDERS-${id}`,
    title: "TypeError: Cannot read properties of undefined (reading 'rows')",
    culprit: 'getOrder(src/db/orders)',
    permalink: `https://sentry.example.com/organizations/acme/issues/${id}/`,
    level: 'error',
    status: 'unresolved',
    substatus: 'new',
    platform: 'node',
    projectId: '1',
    projectSlug: 'orders-api',
    count: 37,
    userCount: 12,
    firstSeen: new Date(T0).toISOString(),
    lastSeen: new Date(T0 + 4 * 60_000).toISOString(),
    metadata: { type: 'TypeError' },
    isUnhandled: true,
    stats24h: [],
    firstRelease: 'orders@1.4.2',
    syncedAt: new Date(T0 + 10 * 60_000).toISOString(),
    ...extra,
  };
}

function logTime(offsetSec: number): string {
  return new Date(T0 + offsetSec * 1000).toISOString();
}

/** Lines of app1's log: quiet traffic, the pool warning one minute before the first error, then errors. */
export function app1Lines(noise = 0): string[] {
  const lines: string[] = [];
  for (let k = 0; k < noise; k++)
    lines.push(`${logTime(-1800 + k * (1700 / Math.max(1, noise)))} INFO http GET /health 200 1ms`);
  lines.push(
    `${logTime(-300)} INFO http GET /orders/3 200 12ms`,
    `${logTime(-60)} WARN db connection pool exhausted (max=10, in use=10, waiting=23)`,
    `${logTime(-30)} WARN db connection pool exhausted (max=10, in use=10, waiting=41)`,
    `${logTime(0)} ERROR http GET /orders/7 500 TypeError: Cannot read properties of undefined (reading 'rows') trace=aa11bb22cc33dd44ee55ff6677889900`,
    `    at getOrder (/srv/app/src/db/orders.ts:9:17)`,
    `${logTime(30)} ERROR http GET /orders/9 500 TypeError: Cannot read properties of undefined (reading 'rows')`,
    `${logTime(45)} INFO deploy-bot connecting with token ${SENTRY_TOKEN} and aws_key=${AWS_KEY}`,
    `${logTime(600)} INFO http GET /orders/3 200 9ms`,
  );
  return lines;
}

export function makeScenario(
  opts: { noise?: number; extraLines?: string[]; gitRepo?: boolean; eventMessage?: string } = {},
): Scenario {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'rca-ws-')));
  mkdirSync(join(root, 'src/db'), { recursive: true });
  mkdirSync(join(root, 'src/routes'), { recursive: true });
  writeFileSync(
    join(root, 'src/db/pool.ts'),
    'export const pool = { tryAcquire: async (_ms: number) => undefined as undefined | { query: (q: string, a: unknown[]) => Promise<{ rows: unknown[] }> } };\n',
  );
  writeFileSync(
    join(root, 'src/routes/orders.ts'),
    Array.from({ length: 20 }, (_, k) =>
      k === 13 ? '  const order = await getOrder(req.params.id);' : `// route line ${k + 1}`,
    ).join('\n') + '\n',
  );
  if (opts.gitRepo !== false) {
    writeFileSync(
      join(root, 'src/db/orders.ts'),
      ORDERS_TS.replace('tryAcquire(200);', 'acquire();').replace('client?.query', 'client.query'),
    );
    git(root, ['init', '-q', '-b', 'main']);
    git(root, ['add', '.']);
    git(root, ['commit', '-q', '-m', 'Orders endpoint'], '2026-10-01T09:00:00Z');
    writeFileSync(join(root, 'src/db/orders.ts'), ORDERS_TS);
    git(
      root,
      ['commit', '-q', '-am', 'Do not wait forever for a DB connection'],
      new Date(T0 - 5 * 86400_000).toISOString(),
    );
  } else {
    writeFileSync(join(root, 'src/db/orders.ts'), ORDERS_TS);
  }

  const main = issue('101');
  const evs = [
    event('e3', T0 + 70_000),
    event('e2', T0 + 30_000),
    event('e1', T0, opts.eventMessage ? { message: opts.eventMessage } : {}),
  ];
  const other = issue('202', {
    shortId: 'BILLING-7',
    title: 'PoolTimeoutError: timed out waiting for a connection',
    projectId: '2',
    projectSlug: 'billing',
    firstSeen: new Date(T0 - 120_000).toISOString(),
    firstRelease: null,
  });
  const old = issue('303', {
    shortId: 'ORDERS-3',
    title: 'ValidationError: bad sku',
    firstSeen: '2026-09-01T00:00:00Z',
    firstRelease: 'orders@1.0.0',
  });
  const events = new Map<string, StoredEvent[]>([
    ['101', evs],
    ['202', []],
    ['303', [event('o1', Date.parse('2026-09-01T00:00:00Z'), { release: 'orders@1.0.0' })]],
  ]);
  const issues = {
    issues: [main, other, old],
    events,
    getIssue: (id: string) => [main, other, old].find((i) => i.id === id || i.shortId === id),
    getEvents: (id: string) => events.get(id) ?? [],
    listIssues: () => [main, other, old],
  };
  const frames: FrameResolver = {
    resolve: (f) => {
      if (!f.inApp || !f.filename || f.lineNo === null) return { reason: 'not in app' };
      return { path: join(root, f.filename), line: f.lineNo, column: f.colNo };
    },
  };
  const queries: LogQuery[] = [];
  const logs = {
    queries,
    sources: () => [
      { host: 'app1', source: 'file:/var/log/orders/app.log' },
      { host: 'app2', source: 'journal:orders' },
    ],
    fetch: async (q: LogQuery): Promise<FetchedLogs[]> => {
      queries.push(q);
      const all: FetchedLogs[] = [
        {
          host: 'app1',
          source: 'file:/var/log/orders/app.log',
          status: 'ok',
          lines: [...app1Lines(opts.noise ?? 0), ...(opts.extraLines ?? [])],
        },
        {
          host: 'app2',
          source: 'journal:orders',
          status: 'unreachable',
          message: 'connect ECONNREFUSED 10.0.0.12:22',
          lines: [],
        },
      ];
      return all
        .filter((l) => (!q.host || l.host === q.host) && (!q.source || l.source === q.source))
        .map((l) => ({ ...l, lines: q.grep ? l.lines.filter((x) => x.includes(q.grep!)) : l.lines }));
    },
  };
  return { root, issues, frames, logs, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
