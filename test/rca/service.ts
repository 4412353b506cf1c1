/**
 * The sources of the "shop" service the RCA corpus builds its incidents on: a small Node service with
 * a fail-fast DB pool, routes, a payments client and formatting helpers, plus the files real
 * repositories carry (README, lockfile, CI, config). Line numbers below are what the events' frames cite.
 */

export const POOL = `// A fail-fast pool: acquire() throws when every connection is checked out.
export class PoolExhaustedError extends Error {
  constructor(inUse, size) {
    super(\`connection pool exhausted (\${inUse}/\${size} in use)\`);
    this.name = 'PoolExhaustedError';
  }
}

export class Pool {
  constructor(size) { this.size = size; this.inUse = 0; }

  acquire() {
    if (this.inUse >= this.size) {
      throw new PoolExhaustedError(this.inUse, this.size);
    }
    this.inUse++;
    return { query: (sql) => ({ sql }), release: () => { this.inUse--; } };
  }
}
`;
/** `throw new PoolExhaustedError(...)` */
export const POOL_THROW_LINE = 14;

export const ORDERS = `// GET /orders/:id
import { formatAddress } from '../lib/format.mjs';

export function getOrder(ctx) {
  const conn = ctx.pool.acquire();
  try {
    const order = conn.query('SELECT * FROM orders WHERE id = $1', [ctx.params.id]);
    return { status: 200, body: { ...order, shipTo: formatAddress(order.address) } };
  } finally {
    conn.release();
  }
}
`;
/** `const conn = ctx.pool.acquire();` and the formatAddress call. */
export const ORDERS_ACQUIRE_LINE = 5;
export const ORDERS_FORMAT_LINE = 8;

export const CHECKOUT = `// POST /checkout
import { charge } from '../lib/payments.mjs';

export async function checkout(ctx) {
  const conn = ctx.pool.acquire();
  try {
    const total = ctx.body.items.reduce((s, i) => s + i.price * i.qty, 0);
    await charge(ctx.body.customerId, total);
    conn.query('INSERT INTO orders VALUES ($1)', [total]);
    return { status: 201, body: { total } };
  } finally {
    conn.release();
  }
}
`;
export const CHECKOUT_CHARGE_LINE = 8;

export const PAYMENTS = `// Client of the payments service.
import config from '../../config/default.json' with { type: 'json' };

export async function charge(customerId, amount) {
  const res = await fetch(\`\${config.paymentsUrl}/charge\`, {
    method: 'POST',
    body: JSON.stringify({ customerId, amount }),
    signal: AbortSignal.timeout(config.paymentsTimeoutMs),
  });
  if (!res.ok) throw new Error(\`payments returned \${res.status}\`);
  return res.json();
}
`;
export const PAYMENTS_FETCH_LINE = 5;
export const PAYMENTS_STATUS_LINE = 10;

export const FORMAT = `// Formatting helpers shared by the routes.
export function formatAddress(address) {
  return [address.street, address.city, address.zip].join(', ');
}

export function formatPrice(cents) {
  return (cents / 100).toFixed(2);
}
`;
export const FORMAT_ADDRESS_LINE = 3;
export const FORMAT_PRICE_LINE = 7;

export const RECEIPTS = `// Writes receipts to the local spool directory.
import { writeFileSync } from 'node:fs';

export function storeReceipt(order) {
  const body = JSON.stringify(order);
  writeFileSync(\`/var/spool/shop/\${order.id}.json\`, body);
  return body.length;
}
`;
export const RECEIPTS_WRITE_LINE = 6;

export const CONFIG = (timeout = 5000, url = 'http://payments.internal') => `{
  "paymentsUrl": "${url}",
  "paymentsTimeoutMs": ${timeout},
  "poolSize": 10
}
`;

export const SERVER = `// Routes of the shop service.
import { getOrder } from './routes/orders.mjs';
import { checkout } from './routes/checkout.mjs';

export const routes = {
  'GET /orders/:id': getOrder,
  'POST /checkout': checkout,
};

export async function handle(route, ctx) {
  return routes[route](ctx);
}
`;
export const SERVER_HANDLE_LINE = 11;

/** The service at its first release, with the files a real repository has around the code. */
export function baseFiles(prefix = ''): Record<string, string> {
  return {
    [`${prefix}src/server.mjs`]: SERVER,
    [`${prefix}src/db/pool.mjs`]: POOL,
    [`${prefix}src/routes/orders.mjs`]: ORDERS,
    [`${prefix}src/routes/checkout.mjs`]: CHECKOUT,
    [`${prefix}src/lib/payments.mjs`]: PAYMENTS,
    [`${prefix}src/lib/format.mjs`]: FORMAT,
    [`${prefix}src/lib/receipts.mjs`]: RECEIPTS,
    [`${prefix}config/default.json`]: CONFIG(),
    [`${prefix}README.md`]: '# shop\n\nThe shop service.\n',
    [`${prefix}package-lock.json`]: '{\n  "name": "shop",\n  "lockfileVersion": 3,\n  "packages": {}\n}\n',
    ...(prefix
      ? {}
      : {
          '.github/workflows/ci.yml':
            'name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n',
        }),
  };
}

/** Replaces one line (1-based) of a file's text. */
export function withLine(text: string, line: number, replacement: string): string {
  const l = text.split('\n');
  l[line - 1] = replacement;
  return l.join('\n');
}

/** Inserts lines after line `after` (1-based). */
export function insertAfter(text: string, after: number, lines: string[]): string {
  const l = text.split('\n');
  l.splice(after, 0, ...lines);
  return l.join('\n');
}
