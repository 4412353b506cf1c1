// The demo Sentry server users run (dist/demo.js): no /__control routes, no recorded headers, and only
// loopback Host values (a web page cannot reach it through DNS rebinding). The process itself is checked
// (started as the extension starts it), and the server options it uses.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_SERVER_HARDENING, DEMO_TOKEN, type DemoState } from '../../../src/demo/constants';
import { SentryServerImpl } from '../../servers/sentry/server';
import { repoRoot } from '../../support/paths';

const scratch = mkdtempSync(join(tmpdir(), 'rca-demo-trust-'));
const pids: number[] = [];
after(() => {
  for (const p of pids) {
    try {
      process.kill(p);
    } catch {
      /* gone */
    }
  }
  rmSync(scratch, { recursive: true, force: true });
});

function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      {
        hostname: u.hostname,
        port: u.port,
        path: u.pathname,
        headers: { authorization: `Bearer ${DEMO_TOKEN}`, ...(host ? { host } : {}) },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the demo server', () => {
  test('dist/demo.js serves the API on loopback Host values only and has no control routes', async () => {
    const recording = join(scratch, 'recording.json');
    // An empty recording is a valid one: the server starts with no issues.
    writeFileSync(
      recording,
      JSON.stringify({
        version: 1,
        recordedAt: new Date().toISOString(),
        release: 'orders@1',
        project: { slug: 'orders', name: 'Orders', platform: 'node' },
        envelopes: [],
        log: '',
        sources: {},
        history: [],
      }),
    );
    const state = join(scratch, 'server.json');
    const child = spawn(
      process.execPath,
      [join(repoRoot(), 'dist', 'demo.js'), 'serve', '--recording', recording, '--state', state, '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    pids.push(child.pid!);
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    let s: DemoState | undefined;
    for (let i = 0; i < 200 && !s; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        s = JSON.parse(readFileSync(state, 'utf8')) as DemoState;
      } catch {
        /* not yet */
      }
    }
    assert.ok(s, `the demo wrote its state: ${err}`);
    const org = `${s.url}/api/0/organizations/${s.org}/`;
    assert.equal((await get(org)).status, 200);
    assert.equal((await get(org, `localhost:${new URL(s.url).port}`)).status, 200);
    for (const host of ['evil.example', `evil.example:${new URL(s.url).port}`, '127.0.0.1.evil.example', '10.0.0.1']) {
      assert.equal((await get(org, host)).status, 421, host);
    }
    for (const op of ['requests', 'state', 'issues']) {
      const r = await get(`${s.url}/__control/${op}`);
      assert.equal(r.status, 404, `${op}: ${r.body.slice(0, 200)}`);
      assert.doesNotMatch(r.body, /authorization|Bearer/i);
    }
  });

  test('keeps no request headers', async () => {
    const server = new SentryServerImpl({
      port: 0,
      host: '127.0.0.1',
      org: 'demo',
      token: DEMO_TOKEN,
      ...DEMO_SERVER_HARDENING,
    });
    await server.listen();
    try {
      const r = await get(`${server.url}/api/0/organizations/demo/`);
      assert.equal(r.status, 200);
      assert.equal(server.requests.length, 1);
      assert.deepEqual(server.requests[0]!.headers, {});
    } finally {
      await server.close();
    }
  });
});
