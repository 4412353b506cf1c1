/**
 * The RCA evaluation corpus: incidents built like real ones — a git history with release tags, Sentry
 * events shaped like the @sentry/node SDK's (as the store keeps them), other issues of the organisation,
 * and the service log — each with its ground truth: the culprit frame, the commit that caused it (or
 * none), and the kind of the top hypothesis. Designed to be diverse: off-stack causes, infrastructure
 * only, config, a real cascade, bad data, a fix not deployed yet, monorepo noise, no git, no release,
 * a shallow clone, a renamed file, periodic warnings and unrelated issues nearby.
 */
import type { HypothesisKind } from '../../src/core/investigate/analyzer';
import { baseFiles, CHECKOUT, CONFIG, FORMAT, ORDERS, PAYMENTS } from './service';

export interface CaseCommit {
  subject: string;
  /** Path → new text; null deletes. */
  files: Record<string, string | null>;
  /** Minutes before the first error (negative = after it). */
  minutesBefore: number;
  tag?: string;
  author?: string;
  /** The commit that caused the incident (the truth). */
  cause?: boolean;
}

export interface CaseFrame {
  path: string;
  fn: string;
  /** Line as the release's code has it; a string finds the line containing it in `text`. */
  line: number;
  inApp?: boolean;
}

export interface CaseEvent {
  type: string;
  value: string;
  /** Oldest call first; the crash last. */
  frames: CaseFrame[];
  transaction?: string;
  breadcrumbs?: Array<{ category: string; message: string; data?: Record<string, string> }>;
  traceId?: string;
  serverName?: string;
  service?: string;
}

export interface OtherIssue {
  project: string;
  title: string;
  /** Minutes from this issue's first error (negative = earlier). */
  firstSeenMinutes: number;
  event: CaseEvent;
}

export interface RcaCase {
  name: string;
  what: string;
  commits: CaseCommit[];
  workspace?: 'git' | 'none' | 'shallow';
  shallowDepth?: number;
  release: string | null;
  project?: string;
  event: CaseEvent;
  others?: OtherIssue[];
  /** `[minutes from the first error, line without timestamp]`. */
  logs: Array<[number, string]>;
  /** Minutes of steady INFO traffic before the errors (the log a real service has). */
  trafficMinutes?: number;
  truth: {
    culprit: { path: string; line: number };
    /** Subject of the commit that caused it; null when no commit did. */
    cause: string | null;
    kind: HypothesisKind;
    /** The crash line changed after the release (the fix exists, not deployed). */
    skewChanged?: boolean;
  };
}

/** 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`corpus: "${needle}" not found`);
  return i + 1;
}

const DAY = 1440;
const base = (prefix = '', tag = 'shop@1.0.0'): CaseCommit => ({
  subject: 'shop: first release',
  files: baseFiles(prefix),
  minutesBefore: 60 * DAY,
  tag,
});
const readme = (m: number, prefix = ''): CaseCommit => ({
  subject: 'docs: describe the checkout flow',
  files: { [`${prefix}README.md`]: '# shop\n\nThe shop service. Checkout charges through payments.\n' },
  minutesBefore: m,
});
const lockfile = (m: number): CaseCommit => ({
  subject: 'chore(deps): bump undici',
  files: {
    'package-lock.json':
      '{\n  "name": "shop",\n  "lockfileVersion": 3,\n  "packages": { "node_modules/undici": { "version": "6.21.1" } }\n}\n',
  },
  minutesBefore: m,
});
const ci = (m: number): CaseCommit => ({
  subject: 'ci: cache npm',
  files: {
    '.github/workflows/ci.yml':
      'name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@v4\n        with: { cache: npm }\n      - run: npm test\n',
  },
  minutesBefore: m,
});
const receiptsFeature = (m: number): CaseCommit => ({
  subject: 'receipts: include the currency',
  files: {
    'src/lib/receipts.mjs':
      "// Writes receipts to the local spool directory.\nimport { writeFileSync } from 'node:fs';\n\nexport function storeReceipt(order) {\n  const body = JSON.stringify({ ...order, currency: 'EUR' });\n  writeFileSync(`/var/spool/shop/${order.id}.json`, body);\n  return body.length;\n}\n",
  },
  minutesBefore: m,
});

const stack = (
  crash: CaseFrame,
  via: CaseFrame[] = [],
  route = { path: 'src/server.mjs', fn: 'handle', line: 11 },
): CaseFrame[] => [
  { path: 'node_modules/undici/lib/dispatcher.js', fn: 'dispatch', line: 120, inApp: false },
  route,
  ...via,
  crash,
];

// The shared bugs.
const ORDERS_SHIPPING = ORDERS.replace(
  'shipTo: formatAddress(order.address)',
  'shipTo: formatAddress(order.shipping.address)',
);
const ORDERS_FIXED = ORDERS.replace(
  'shipTo: formatAddress(order.address)',
  'shipTo: order.shipping ? formatAddress(order.shipping.address) : null',
);
const CHECKOUT_LEAK = CHECKOUT.replace(
  '  const conn = ctx.pool.acquire();\n',
  "  const conn = ctx.pool.acquire();\n  if (ctx.body.promo && !ctx.body.promo.valid) {\n    return { status: 422, body: { error: 'promo code is not valid' } };\n  }\n",
);
const CHECKOUT_LABEL = CHECKOUT.replace(
  "import { charge } from '../lib/payments.mjs';",
  "import { charge } from '../lib/payments.mjs';\nimport { formatAddress } from '../lib/format.mjs';",
).replace(
  '    await charge(ctx.body.customerId, total);',
  '    await charge(ctx.body.customerId, total);\n    const label = formatAddress(ctx.body.shipping);',
);
const PAYMENTS_LOGGED = PAYMENTS.replace(
  '  if (!res.ok) throw new Error(`payments returned ${res.status}`);',
  "  console.info('charge', customerId, amount);\n  if (!res.ok) throw new Error(`payments returned ${res.status}`);",
);
const FORMAT_COMMENTED = FORMAT.replace(
  '// Formatting helpers shared by the routes.',
  '// Formatting helpers shared by the routes (addresses, prices).',
);
const ORDERS_LINE = lineOf(ORDERS, 'shipTo:');
const shipCrash = { path: 'src/routes/orders.mjs', fn: 'getOrder', line: ORDERS_LINE };
const poolCrash = { path: 'src/db/pool.mjs', fn: 'Pool.acquire', line: 14 };
const poolLogs = (): Array<[number, string]> => [
  [-1.5, 'WARN pool nearly exhausted (9/10 in use)'],
  [-1, 'WARN pool nearly exhausted (10/10 in use)'],
  [-0.5, 'WARN pool nearly exhausted (10/10 in use)'],
  [0, 'ERROR GET /orders/ord_7 500 PoolExhaustedError: connection pool exhausted (10/10 in use)'],
];

export const CORPUS: RcaCase[] = [
  {
    name: 'offstack-leak',
    what: 'Release 1.1.0 adds a promo-code early return in checkout that skips conn.release(); the pool runs dry and GET /orders fails in acquire(): the cause is not on the stack.',
    commits: [
      base(),
      readme(3 * DAY),
      {
        subject: 'checkout: reject invalid promo codes',
        files: { 'src/routes/checkout.mjs': CHECKOUT_LEAK },
        minutesBefore: 2 * DAY,
        cause: true,
        author: 'Priya Shah',
      },
      {
        subject: 'format: add formatPercent',
        files: {
          'src/lib/format.mjs': `${FORMAT}\nexport function formatPercent(x) {\n  return \`\${Math.round(x * 100)}%\`;\n}\n`,
        },
        minutesBefore: DAY,
        tag: 'shop@1.1.0',
      },
    ],
    release: 'shop@1.1.0',
    event: {
      type: 'PoolExhaustedError',
      value: 'connection pool exhausted (10/10 in use)',
      frames: stack(poolCrash, [{ path: 'src/routes/orders.mjs', fn: 'getOrder', line: 5 }]),
      transaction: 'GET /orders/:id',
    },
    logs: poolLogs(),
    truth: {
      culprit: { path: 'src/db/pool.mjs', line: 14 },
      cause: 'checkout: reject invalid promo codes',
      kind: 'code-change',
    },
  },
  {
    name: 'new-caller',
    what: 'A new call of formatAddress() in checkout passes an undefined shipping address; a comment-only commit to the crash file is the decoy.',
    commits: [
      base(),
      {
        subject: 'format: document the helpers',
        files: { 'src/lib/format.mjs': FORMAT_COMMENTED },
        minutesBefore: 3 * DAY,
      },
      {
        subject: 'checkout: print a shipping label',
        files: { 'src/routes/checkout.mjs': CHECKOUT_LABEL },
        minutesBefore: 2 * DAY,
        cause: true,
      },
      lockfile(DAY),
    ],
    release: 'shop@1.1.0',
    event: {
      type: 'TypeError',
      value: "Cannot read properties of undefined (reading 'street')",
      frames: stack({ path: 'src/lib/format.mjs', fn: 'formatAddress', line: 3 }, [
        { path: 'src/routes/checkout.mjs', fn: 'checkout', line: lineOf(CHECKOUT_LABEL, 'const label') },
      ]),
      transaction: 'POST /checkout',
    },
    logs: [[0, "ERROR POST /checkout 500 TypeError: Cannot read properties of undefined (reading 'street')"]],
    truth: {
      culprit: { path: 'src/lib/format.mjs', line: 3 },
      cause: 'checkout: print a shipping label',
      kind: 'code-change',
    },
  },
  {
    name: 'infra-disk',
    what: 'The spool disk fills; writing receipts fails with ENOSPC. The release only touched docs, CI and an unrelated route.',
    commits: [
      base(),
      readme(3 * DAY),
      {
        subject: 'orders: return the order status',
        files: { 'src/routes/orders.mjs': ORDERS.replace('...order,', '...order, status: order.status ?? "open",') },
        minutesBefore: 2 * DAY,
      },
      ci(DAY),
    ],
    release: 'shop@1.1.0',
    event: {
      type: 'Error',
      value: "ENOSPC: no space left on device, write '/var/spool/shop/ord_88.json'",
      frames: stack({ path: 'src/lib/receipts.mjs', fn: 'storeReceipt', line: 6 }, [
        { path: 'src/routes/checkout.mjs', fn: 'checkout', line: 9 },
      ]),
      transaction: 'POST /checkout',
    },
    logs: [
      [-30, 'INFO disk /var usage 88%'],
      [-12, 'WARN disk /var usage 97%'],
      [-4, 'ERROR receipt spool write failed: ENOSPC: no space left on device'],
      [-2, 'ERROR receipt spool write failed: ENOSPC: no space left on device'],
      [0, 'ERROR POST /checkout 500 Error: ENOSPC: no space left on device'],
    ],
    truth: { culprit: { path: 'src/lib/receipts.mjs', line: 6 }, cause: null, kind: 'infrastructure' },
  },
  {
    name: 'infra-memory',
    what: 'The process runs out of heap and is killed mid-request; in-flight payment calls hang up. The release touched the crash file harmlessly.',
    commits: [
      base(),
      {
        subject: 'payments: log each charge',
        files: { 'src/lib/payments.mjs': PAYMENTS_LOGGED },
        minutesBefore: 2 * DAY,
      },
      readme(DAY),
    ],
    release: 'shop@1.1.0',
    event: {
      type: 'Error',
      value: 'socket hang up',
      frames: stack({ path: 'src/lib/payments.mjs', fn: 'charge', line: 5 }, [
        { path: 'src/routes/checkout.mjs', fn: 'checkout', line: 8 },
      ]),
      transaction: 'POST /checkout',
    },
    logs: [
      [-9, 'WARN memory pressure: rss 1.7 GB of 2 GB'],
      [-5, 'WARN memory pressure: rss 1.9 GB of 2 GB'],
      [-1, 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'],
      [-0.8, 'ERROR kernel: Out of memory: Killed process 4242 (node)'],
      [0, 'ERROR POST /checkout 500 Error: socket hang up'],
    ],
    truth: { culprit: { path: 'src/lib/payments.mjs', line: 5 }, cause: null, kind: 'infrastructure' },
  },
  {
    name: 'infra-dns',
    what: 'The resolver stops answering for payments.internal; charges fail with ENOTFOUND. The release changed the crash file (a log line).',
    commits: [
      base(),
      {
        subject: 'payments: log each charge',
        files: { 'src/lib/payments.mjs': PAYMENTS_LOGGED },
        minutesBefore: 2 * DAY,
      },
      lockfile(DAY),
    ],
    release: 'shop@1.1.0',
    event: {
      type: 'Error',
      value: 'getaddrinfo ENOTFOUND payments.internal',
      frames: stack({ path: 'src/lib/payments.mjs', fn: 'charge', line: 5 }, [
        { path: 'src/routes/checkout.mjs', fn: 'checkout', line: 8 },
      ]),
      transaction: 'POST /checkout',
    },
    logs: [
      [-8, 'WARN dns lookup payments.internal failed: EAI_AGAIN'],
      [-5, 'WARN dns lookup payments.internal failed: EAI_AGAIN'],
      [-2, 'ERROR dns lookup payments.internal failed: ENOTFOUND'],
      [0, 'ERROR POST /checkout 500 Error: getaddrinfo ENOTFOUND payments.internal'],
    ],
    truth: { culprit: { path: 'src/lib/payments.mjs', line: 5 }, cause: null, kind: 'infrastructure' },
  },
  {
    name: 'infra-cert',
    what: "The payments endpoint's TLS certificate expired; the release only changed docs and the lockfile.",
    commits: [base(), readme(2 * DAY), lockfile(DAY)],
    release: 'shop@1.1.0',
    event: {
      type: 'Error',
      value: 'certificate has expired',
      frames: stack({ path: 'src/lib/payments.mjs', fn: 'charge', line: 5 }, [
        { path: 'src/routes/checkout.mjs', fn: 'checkout', line: 8 },
      ]),
      transaction: 'POST /checkout',
    },
    logs: [
      [-2, 'ERROR tls to payments.internal:443 failed: certificate has expired (notAfter reached)'],
      [-1, 'ERROR tls to payments.internal:443 failed: certificate has expired (notAfter reached)'],
      [0, 'ERROR POST /checkout 500 Error: certificate has expired'],
    ],
    truth: { culprit: { path: 'src/lib/payments.mjs', line: 5 }, cause: null, kind: 'infrastructure' },
  },
  {
    name: 'config-timeout',
    what: 'A config commit cuts paymentsTimeoutMs from 5000 to 50; charges abort. A code commit elsewhere is the decoy.',
    commits: [
      base(),
      {
        subject: 'orders: return the order status',
        files: { 'src/routes/orders.mjs': ORDERS.replace('...order,', '...order, status: order.status ?? "open",') },
        minutesBefore: 3 * DAY,
      },
      {
        subject: 'config: tighten the payments timeout',
        files: { 'config/default.json': CONFIG(50) },
        minutesBefore: 2 * DAY,
        cause: true,
      },
      readme(DAY),
    ],
    release: 'shop@1.1.0',
    event: {
      type: 'TimeoutError',
      value: 'The operation was aborted due to timeout',
      frames: stack({ path: 'src/lib/payments.mjs', fn: 'charge', line: 5 }, [
        { path: 'src/routes/checkout.mjs', fn: 'checkout', line: 8 },
      ]),
      transaction: 'POST /checkout',
    },
    logs: [[0, 'ERROR POST /checkout 500 TimeoutError: The operation was aborted due to timeout']],
    truth: {
      culprit: { path: 'src/lib/payments.mjs', line: 5 },
      cause: 'config: tighten the payments timeout',
      kind: 'config',
    },
  },
  {
    name: 'dependency-cascade',
    what: "The payments service loses its database; shop's charges get 503. The payments issue shares the trace and is named in shop's breadcrumbs. An unrelated search issue began nearby.",
    commits: [
      base(),
      {
        subject: 'orders: return the order status',
        files: { 'src/routes/orders.mjs': ORDERS.replace('...order,', '...order, status: order.status ?? "open",') },
        minutesBefore: 2 * DAY,
      },
      readme(DAY),
    ],
    release: 'shop@1.1.0',
    event: {
      type: 'Error',
      value: 'payments returned 503',
      frames: stack({ path: 'src/lib/payments.mjs', fn: 'charge', line: 10 }, [
        { path: 'src/routes/checkout.mjs', fn: 'checkout', line: 8 },
      ]),
      transaction: 'POST /checkout',
      traceId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
      breadcrumbs: [
        {
          category: 'http',
          message: 'POST http://payments.internal/charge [503]',
          data: { method: 'POST', url: 'http://payments.internal/charge', status_code: '503' },
        },
      ],
    },
    others: [
      {
        project: 'payments',
        title: 'Error: connect ECONNREFUSED 10.0.3.7:5432',
        firstSeenMinutes: -3,
        event: {
          type: 'Error',
          value: 'connect ECONNREFUSED 10.0.3.7:5432',
          frames: [{ path: 'src/db.mjs', fn: 'connect', line: 12 }],
          traceId: 'c0ffee00c0ffee00c0ffee00c0ffee00',
          serverName: 'payments-api-1',
          service: 'payments',
        },
      },
      {
        project: 'search',
        title: 'TypeError: ranker.score is not a function',
        firstSeenMinutes: -6,
        event: {
          type: 'TypeError',
          value: 'ranker.score is not a function',
          frames: [{ path: 'src/rank.mjs', fn: 'rank', line: 40 }],
          serverName: 'search-1',
          service: 'search',
        },
      },
    ],
    logs: [
      [-2.5, 'WARN POST http://payments.internal/charge 503 in 4ms'],
      [0, 'ERROR POST /checkout 500 Error: payments returned 503'],
    ],
    truth: { culprit: { path: 'src/lib/payments.mjs', line: 10 }, cause: null, kind: 'cascade' },
  },
  {
    name: 'bad-data',
    what: 'A legacy import wrote orders with address=null; formatAddress() fails on them. No commit touches the stack.',
    commits: [base(), receiptsFeature(3 * DAY), ci(2 * DAY), readme(DAY)],
    release: 'shop@1.1.0',
    event: {
      type: 'TypeError',
      value: "Cannot read properties of null (reading 'street')",
      frames: stack({ path: 'src/lib/format.mjs', fn: 'formatAddress', line: 3 }, [
        { path: 'src/routes/orders.mjs', fn: 'getOrder', line: ORDERS_LINE },
      ]),
      transaction: 'GET /orders/:id',
    },
    logs: [
      [-25, 'INFO legacy import: 1204 orders imported'],
      [-3, 'WARN order ord_9 has address=null (legacy import)'],
      [0, "ERROR GET /orders/ord_9 500 TypeError: Cannot read properties of null (reading 'street')"],
    ],
    truth: { culprit: { path: 'src/lib/format.mjs', line: 3 }, cause: null, kind: 'data' },
  },
  {
    name: 'already-fixed',
    what: 'Release 1.1.0 reads order.shipping.address (digital orders have none); the fix was committed after the release and is not deployed: skew.',
    commits: [
      base(),
      readme(3 * DAY),
      {
        subject: 'orders: ship to the shipping address',
        files: { 'src/routes/orders.mjs': ORDERS_SHIPPING },
        minutesBefore: 2 * DAY,
        cause: true,
      },
      {
        subject: 'format: document the helpers',
        files: { 'src/lib/format.mjs': FORMAT_COMMENTED },
        minutesBefore: DAY,
        tag: 'shop@1.1.0',
      },
      {
        subject: 'orders: digital orders have no shipping address',
        files: { 'src/routes/orders.mjs': ORDERS_FIXED },
        minutesBefore: -180,
      },
    ],
    release: 'shop@1.1.0',
    event: {
      type: 'TypeError',
      value: "Cannot read properties of undefined (reading 'address')",
      frames: stack(shipCrash),
      transaction: 'GET /orders/:id',
    },
    logs: [[0, "ERROR GET /orders/ord_1002 500 TypeError: Cannot read properties of undefined (reading 'address')"]],
    truth: {
      culprit: { path: 'src/routes/orders.mjs', line: ORDERS_LINE },
      cause: 'orders: ship to the shipping address',
      kind: 'code-change',
      skewChanged: true,
    },
  },
  {
    name: 'monorepo-noise',
    what: 'A monorepo: the orders service and billing release from one repository; the range holds billing commits (other tags interleaved) and one orders commit, the cause.',
    commits: [
      {
        subject: 'orders: first release',
        files: baseFiles('services/orders/'),
        minutesBefore: 60 * DAY,
        tag: 'orders@1.0.0',
      },
      {
        subject: 'billing: first release',
        files: {
          'services/billing/src/invoices.mjs':
            'export function invoice(order) {\n  return { id: order.id, total: order.total };\n}\n',
          'services/billing/src/db/pool.mjs': 'export const pool = null;\n',
        },
        minutesBefore: 50 * DAY,
        tag: 'billing@2.0.0',
      },
      {
        subject: 'billing: invoices carry the tax rate',
        files: {
          'services/billing/src/invoices.mjs':
            'export function invoice(order) {\n  return { id: order.id, total: order.total, tax: 0.2 };\n}\n',
        },
        minutesBefore: 4 * DAY,
      },
      {
        subject: 'billing: pool of 20 connections',
        files: { 'services/billing/src/db/pool.mjs': 'export const pool = { size: 20 };\n' },
        minutesBefore: 3.5 * DAY,
        tag: 'billing@2.1.0',
      },
      {
        subject: 'orders: ship to the shipping address',
        files: { 'services/orders/src/routes/orders.mjs': ORDERS_SHIPPING },
        minutesBefore: 3 * DAY,
        cause: true,
      },
      {
        subject: 'billing: round totals to cents for shipping orders',
        files: {
          'services/billing/src/invoices.mjs':
            'export function invoice(order) {\n  return { id: order.id, total: Math.round(order.total * 100) / 100, tax: 0.2 };\n}\n',
        },
        minutesBefore: 2 * DAY,
      },
      readme(DAY, 'services/orders/'),
      {
        subject: 'billing: README',
        files: { 'services/billing/README.md': '# billing\n' },
        minutesBefore: 0.5 * DAY,
        tag: 'orders@1.1.0',
      },
    ],
    release: 'orders@1.1.0',
    project: 'orders',
    event: {
      type: 'TypeError',
      value: "Cannot read properties of undefined (reading 'address')",
      frames: stack(shipCrash),
      transaction: 'GET /orders/:id',
    },
    logs: [[0, "ERROR GET /orders/ord_1002 500 TypeError: Cannot read properties of undefined (reading 'address')"]],
    truth: {
      culprit: { path: 'services/orders/src/routes/orders.mjs', line: ORDERS_LINE },
      cause: 'orders: ship to the shipping address',
      kind: 'code-change',
    },
  },
  {
    name: 'no-git',
    what: 'The same bad-data crash in a workspace that is not a git repository: no release commit, no suspects, the data is still the suspect.',
    commits: [base()],
    workspace: 'none',
    release: 'shop@1.1.0',
    event: {
      type: 'TypeError',
      value: "Cannot read properties of null (reading 'street')",
      frames: stack({ path: 'src/lib/format.mjs', fn: 'formatAddress', line: 3 }, [
        { path: 'src/routes/orders.mjs', fn: 'getOrder', line: ORDERS_LINE },
      ]),
      transaction: 'GET /orders/:id',
    },
    logs: [[0, "ERROR GET /orders/ord_9 500 TypeError: Cannot read properties of null (reading 'street')"]],
    truth: { culprit: { path: 'src/lib/format.mjs', line: 3 }, cause: null, kind: 'data' },
  },
  {
    name: 'no-release',
    what: 'Events carry no release; the cause is the commit of two days ago in the 14 days before first seen (an older commit to the same file is outside).',
    commits: [
      base(),
      {
        subject: 'orders: include the customer',
        files: { 'src/routes/orders.mjs': ORDERS.replace('...order,', '...order, customer: order.customerId,') },
        minutesBefore: 20 * DAY,
      },
      {
        subject: 'orders: ship to the shipping address',
        files: {
          'src/routes/orders.mjs': ORDERS_SHIPPING.replace('...order,', '...order, customer: order.customerId,'),
        },
        minutesBefore: 2 * DAY,
        cause: true,
      },
      readme(DAY),
    ],
    release: null,
    event: {
      type: 'TypeError',
      value: "Cannot read properties of undefined (reading 'address')",
      frames: stack(shipCrash),
      transaction: 'GET /orders/:id',
    },
    logs: [[0, "ERROR GET /orders/ord_1002 500 TypeError: Cannot read properties of undefined (reading 'address')"]],
    truth: {
      culprit: { path: 'src/routes/orders.mjs', line: ORDERS_LINE },
      cause: 'orders: ship to the shipping address',
      kind: 'code-change',
    },
  },
  {
    name: 'shallow-clone',
    what: 'A CI-style shallow clone (depth 4): the previous release tag is not in it; the range falls back to the 14 days before the release.',
    commits: [
      base(),
      ...Array.from({ length: 6 }, (_, i): CaseCommit => ({
        subject: `receipts: tune spool ${i + 1}`,
        files: {
          'src/lib/receipts.mjs': `// Writes receipts to the local spool directory (v${i + 1}).\nimport { writeFileSync } from 'node:fs';\n\nexport function storeReceipt(order) {\n  const body = JSON.stringify(order);\n  writeFileSync(\`/var/spool/shop/\${order.id}.json\`, body);\n  return body.length;\n}\n`,
        },
        minutesBefore: (40 - i * 5) * DAY,
        ...(i === 5 ? { tag: 'shop@1.0.5' } : {}),
      })),
      {
        subject: 'orders: ship to the shipping address',
        files: { 'src/routes/orders.mjs': ORDERS_SHIPPING },
        minutesBefore: 3 * DAY,
        cause: true,
      },
      lockfile(2 * DAY),
      { subject: 'docs: changelog', files: { 'CHANGELOG.md': '# 1.1.0\n' }, minutesBefore: DAY, tag: 'shop@1.1.0' },
    ],
    workspace: 'shallow',
    shallowDepth: 4,
    release: 'shop@1.1.0',
    event: {
      type: 'TypeError',
      value: "Cannot read properties of undefined (reading 'address')",
      frames: stack(shipCrash),
      transaction: 'GET /orders/:id',
    },
    logs: [[0, "ERROR GET /orders/ord_1002 500 TypeError: Cannot read properties of undefined (reading 'address')"]],
    truth: {
      culprit: { path: 'src/routes/orders.mjs', line: ORDERS_LINE },
      cause: 'orders: ship to the shipping address',
      kind: 'code-change',
    },
  },
  {
    name: 'renamed-file',
    what: 'format.mjs was renamed to text.mjs in the release (a pure rename plus import updates), then text.mjs gained address.street.trim() — the cause.',
    commits: [
      base(),
      {
        subject: 'lib: rename format.mjs to text.mjs',
        files: {
          'src/lib/format.mjs': null,
          'src/lib/text.mjs': FORMAT,
          'src/routes/orders.mjs': ORDERS.replace('../lib/format.mjs', '../lib/text.mjs'),
        },
        minutesBefore: 3 * DAY,
      },
      {
        subject: 'text: trim street names',
        files: { 'src/lib/text.mjs': FORMAT.replace('address.street,', 'address.street.trim(),') },
        minutesBefore: 2 * DAY,
        cause: true,
      },
      readme(DAY),
    ],
    release: 'shop@1.1.0',
    event: {
      type: 'TypeError',
      value: "Cannot read properties of undefined (reading 'trim')",
      frames: stack({ path: 'src/lib/text.mjs', fn: 'formatAddress', line: 3 }, [
        { path: 'src/routes/orders.mjs', fn: 'getOrder', line: ORDERS_LINE },
      ]),
      transaction: 'GET /orders/:id',
    },
    logs: [[0, "ERROR GET /orders/ord_3 500 TypeError: Cannot read properties of undefined (reading 'trim')"]],
    truth: { culprit: { path: 'src/lib/text.mjs', line: 3 }, cause: 'text: trim street names', kind: 'code-change' },
  },
  {
    name: 'periodic-noise',
    what: 'A code regression while a health check warns every 5 minutes all day and an unrelated issue began 4 minutes earlier: neither may rank.',
    commits: [
      base(),
      ci(3 * DAY),
      {
        subject: 'orders: ship to the shipping address',
        files: { 'src/routes/orders.mjs': ORDERS_SHIPPING },
        minutesBefore: 2 * DAY,
        cause: true,
      },
      readme(DAY),
    ],
    release: 'shop@1.1.0',
    event: {
      type: 'TypeError',
      value: "Cannot read properties of undefined (reading 'address')",
      frames: stack(shipCrash),
      transaction: 'GET /orders/:id',
    },
    others: [
      {
        project: 'search',
        title: 'TypeError: ranker.score is not a function',
        firstSeenMinutes: -4,
        event: {
          type: 'TypeError',
          value: 'ranker.score is not a function',
          frames: [{ path: 'src/rank.mjs', fn: 'rank', line: 40 }],
          serverName: 'search-1',
          service: 'search',
        },
      },
    ],
    logs: [
      ...Array.from({ length: 14 }, (_, i): [number, string] => [
        -65 + i * 5,
        'WARN health check: replica lag 2s above 1s',
      ]),
      [0, "ERROR GET /orders/ord_1002 500 TypeError: Cannot read properties of undefined (reading 'address')"],
    ],
    truth: {
      culprit: { path: 'src/routes/orders.mjs', line: ORDERS_LINE },
      cause: 'orders: ship to the shipping address',
      kind: 'code-change',
    },
  },
  {
    name: 'dependency-down',
    what: 'Redis refuses connections (logged before the errors); no issue of another project links to it, so it is a dependency, not a cascade. The release only touched docs.',
    commits: [base(), readme(2 * DAY), ci(DAY)],
    release: 'shop@1.1.0',
    event: {
      type: 'Error',
      value: 'connect ECONNREFUSED 10.0.0.9:6379',
      frames: stack({ path: 'src/lib/payments.mjs', fn: 'charge', line: 5 }, [
        { path: 'src/routes/checkout.mjs', fn: 'checkout', line: 8 },
      ]),
      transaction: 'POST /checkout',
    },
    logs: [
      [-3, 'ERROR redis 10.0.0.9:6379 connection refused (ECONNREFUSED), retrying'],
      [-2, 'ERROR redis 10.0.0.9:6379 connection refused (ECONNREFUSED), retrying'],
      [-1, 'ERROR redis 10.0.0.9:6379 connection refused (ECONNREFUSED), retrying'],
      [0, 'ERROR POST /checkout 500 Error: connect ECONNREFUSED 10.0.0.9:6379'],
    ],
    truth: { culprit: { path: 'src/lib/payments.mjs', line: 5 }, cause: null, kind: 'dependency' },
  },
];
