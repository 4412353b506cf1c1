/**
 * Grounded AI: a scripted answer (through the real openai SDK and the test OpenAI server) cites real and
 * made-up things; the made-up file:line, SHA and never-fetched log line come back unverified — in
 * `ai.claims`, in the CLI JSON and flagged in the markdown the panel shows — and the real ones do not.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { workspaceAccess } from '../../../src/core/investigate/adapters';
import { runInvestigation } from '../../../src/core/investigate/investigation';
import { toJson } from '../../../src/cli/diagnoseCommand';
import { OpenAiTestServer } from '../../servers/openai/openaiTestServer';
import { T0, makeScenario, type Scenario } from './scenario';

const API_KEY = 'sk-proj-GROUNDING0123456789abcdefghijkl';
let server: OpenAiTestServer;
const scenarios: Scenario[] = [];
before(async () => {
  server = await new OpenAiTestServer({ apiKey: API_KEY }).start();
});
after(async () => {
  await server.stop();
  for (const s of scenarios) s.cleanup();
});

test('made-up citations are marked unverified; real ones are not', async () => {
  const s = makeScenario();
  scenarios.push(s);
  const sha = execFileSync('git', ['log', '-1', '--format=%H', '--', 'src/db/orders.ts'], {
    cwd: s.root,
    encoding: 'utf8',
  }).trim();
  const answer = [
    '## Root cause',
    `Commit ${sha.slice(0, 12)} swapped acquire() for tryAcquire(200) in \`src/db/orders.ts:7\`; when the pool is dry the result is undefined.`,
    '## Evidence',
    '- `src/db/orders.ts:9` reads `return result.rows[0];`',
    '- `src/db/orders.ts:7` says `const client = await pool.tryAcquire(200);`',
    `- commit ${sha.slice(0, 12)} changed \`src/db/orders.ts:8\``,
    '- log on app1: `WARN db connection pool exhausted (max=10, in use=10, waiting=23)`',
    '- `src/db/missing.ts:42` does `return nothing;`',
    '- commit deadbeefcafe12345 introduced the bug',
    '- log on app1: `ERROR disk full on /var/lib/postgres, writes rejected`',
    '## Fix',
    '```ts',
    'if (!client) throw new PoolExhaustedError();  // src/db/nowhere.ts:1 in a fix block is not a citation',
    '```',
    '## Confidence',
    'high',
  ].join('\n');
  server.enqueue(
    {
      kind: 'tools',
      calls: [
        {
          name: 'fetch_logs',
          arguments: {
            host: 'app1',
            source: 'file:/var/log/orders/app.log',
            since: new Date(T0 - 600_000).toISOString(),
            until: new Date(T0 + 600_000).toISOString(),
          },
        },
      ],
    },
    { kind: 'text', chunks: [answer] },
  );
  const o = await runInvestigation(
    { issues: s.issues, frames: s.frames, logs: s.logs, ...workspaceAccess(s.root) },
    '101',
    {
      collect: { now: () => T0 + 3600_000 },
      ai: { apiKey: API_KEY, baseUrl: server.baseUrl, model: 'gpt-test', maxRetries: 0 },
    },
  );
  const claims = o.ai!.claims!;
  const unverified = claims
    .filter((c) => !c.verified)
    .map((c) => `${c.kind} ${c.text}`)
    .sort();
  assert.deepEqual(
    unverified,
    [
      'commit deadbeefcafe12345',
      'file-line src/db/missing.ts:42',
      'log-line ERROR disk full on /var/lib/postgres, writes rejected',
    ],
    JSON.stringify(claims, null, 1),
  );
  const verified = claims.filter((c) => c.verified).map((c) => `${c.kind} ${c.text}`);
  for (const v of [
    'file-line src/db/orders.ts:9',
    'file-line src/db/orders.ts:7',
    `commit ${sha.slice(0, 12)}`,
    'log-line WARN db connection pool exhausted (max=10, in use=10, waiting=23)',
  ]) {
    assert.ok(verified.includes(v), `${v} verified: ${verified.join(' | ')}`);
  }
  assert.ok(!claims.some((c) => c.text.includes('nowhere')), 'a fenced fix is not checked as a citation');
  // A quote that the line does not say is caught even when the file and line exist.
  assert.match(o.ai!.markdown, /## Citations checked \(\d+ of \d+ verified\)/);
  assert.match(o.ai!.markdown, /⚠ \*\*unverified\*\* file-line `src\/db\/missing.ts:42` — not in the workspace/);
  assert.match(o.ai!.markdown, /⚠ \*\*unverified\*\* commit `deadbeefcafe12345` — no such commit/);
  assert.match(o.ai!.markdown, /⚠ \*\*unverified\*\* log-line `ERROR disk full/);
  assert.ok(!/unverified\*\* file-line `src\/db\/orders.ts:9`/.test(o.ai!.markdown));
  const j = toJson(o);
  assert.equal(j.ai!.claims.filter((c) => !c.verified).length, 3);
  assert.ok(j.ai!.claims.every((c) => typeof c.why === 'string' && c.why.length > 5));
  // The prompt allows a cause outside the code and asks for checkable citations.
  const system = String(server.requests.at(-2)!.body!.messages![0]!.content);
  assert.match(system, /no code cause/);
  assert.match(system, /checked against the workspace, git and the fetched logs/);
});

test('a quote the cited line does not say, and a commit that does not touch the named file', async () => {
  const s = makeScenario();
  scenarios.push(s);
  const first = execFileSync('git', ['rev-list', '--max-parents=0', 'HEAD'], { cwd: s.root, encoding: 'utf8' }).trim();
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'empty'], {
    cwd: s.root,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'x',
      GIT_AUTHOR_EMAIL: 'x@x',
      GIT_COMMITTER_NAME: 'x',
      GIT_COMMITTER_EMAIL: 'x@x',
    },
  });
  const empty = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: s.root, encoding: 'utf8' }).trim();
  server.enqueue({
    kind: 'text',
    chunks: [
      `## Root cause\n- \`src/db/orders.ts:9\` does \`client.release()\`\n- commit ${empty.slice(0, 10)} changed \`src/db/orders.ts:8\`\n- commit ${first.slice(0, 10)} changed \`src/db/orders.ts:9\`\n`,
    ],
  });
  const o = await runInvestigation(
    { issues: s.issues, frames: s.frames, logs: s.logs, ...workspaceAccess(s.root) },
    '101',
    {
      collect: { now: () => T0 + 3600_000 },
      ai: { apiKey: API_KEY, baseUrl: server.baseUrl, model: 'gpt-test', maxRetries: 0 },
    },
  );
  const by = (t: string) => o.ai!.claims!.find((c) => c.text === t)!;
  assert.equal(by('src/db/orders.ts:9').verified, false);
  assert.match(by('src/db/orders.ts:9').why, /does not say `client.release\(\)`/);
  assert.equal(by(empty.slice(0, 10)).verified, false);
  assert.match(by(empty.slice(0, 10)).why, /does not touch src\/db\/orders.ts/);
  assert.equal(by(first.slice(0, 10)).verified, true);
});
