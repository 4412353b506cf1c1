import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../../support/paths';

/** Starts main.js the way the demo and the VS Code tests do, and returns its ready line. */
async function startMain(args: string[]) {
  const child = spawn(process.execPath, [join(repoRoot(), 'out/test/servers/sentry/main.js'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const lines = createInterface({ input: child.stdout });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error(`main.js exited: ${stderr}`);
    }),
  ])) as [string];
  return {
    child,
    ready: JSON.parse(line) as {
      url: string;
      token: string;
      org: string;
      projects: Array<{ id: string; slug: string; dsn: string }>;
      issues: number;
      sample: { logFile: string; release: string } | null;
    },
  };
}

describe('main.js (the runnable server)', () => {
  test('--seed-sample --synthetic: prints one ready line, serves real and synthetic issues, stops on SIGTERM', async () => {
    const { child, ready } = await startMain([
      '--port',
      '0',
      '--seed-sample',
      '--synthetic',
      '40',
      '--events-per-issue',
      '2',
      '--projects',
      '2',
    ]);
    try {
      assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(ready.org, 'acme');
      assert.equal(ready.token, 'sntryu_test');
      assert.deepEqual(
        ready.projects.map((p) => p.slug),
        ['orders', 'synth-1', 'synth-2'],
      );
      assert.equal(ready.issues, 42);
      assert.ok(ready.sample && existsSync(ready.sample.logFile));
      assert.match(readFileSync(ready.sample.logFile, 'utf8'), /WARN pool nearly exhausted \(9\/10 in use\)/);
      const res = await fetch(`${ready.url}/api/0/organizations/acme/issues/?project=${ready.projects[0]!.id}`, {
        headers: { Authorization: `Bearer ${ready.token}` },
      });
      const issues = (await res.json()) as Array<{ title: string }>;
      assert.equal(issues.length, 2);
      // Requests made while seeding are not counted; the control endpoint sees only ours.
      const recorded = (await (await fetch(`${ready.url}/__control/requests`)).json()) as Array<{ path: string }>;
      assert.deepEqual(
        recorded.map((r) => r.path),
        ['/api/0/organizations/acme/issues/'],
      );
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
  });

  test('bad arguments exit 1 with a message', async () => {
    const child = spawn(
      process.execPath,
      [join(repoRoot(), 'out/test/servers/sentry/main.js'), '--rate-limit', 'fast'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const [code] = await once(child, 'exit');
    assert.equal(code, 1);
    assert.match(stderr, /--rate-limit must look like 20\/5/);
  });
});
