// `sentry-rca diagnose` over a real IssueStore and the real FrameMapper, with and without the AI server.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IssueStore, emptyStore } from '../../../src/core/store/issueStore';
import { diagnoseCommand, type DiagnoseJson } from '../../../src/cli/diagnoseCommand';
import { savedInvestigations } from '../../../src/core/investigate/investigation';
import { OpenAiTestServer } from '../../servers/openai/openaiTestServer';
import { CRASH_LINE, SENTRY_TOKEN, makeScenario, type Scenario } from './scenario';

let s: Scenario;
let storeDir: string;
let store: IssueStore;
let server: OpenAiTestServer;

before(async () => {
  s = makeScenario();
  storeDir = mkdtempSync(join(tmpdir(), 'rca-store-'));
  store = await IssueStore.open(storeDir);
  const data = emptyStore();
  data.issues = s.issues.issues;
  data.events = Object.fromEntries(s.issues.events);
  await store.replace(data);
  server = await new OpenAiTestServer({ apiKey: 'sk-diag-0123456789abcdefghij' }).start();
});
after(async () => {
  store.dispose();
  await server.stop();
  s.cleanup();
  rmSync(storeDir, { recursive: true, force: true });
});

function run(extra: Partial<Parameters<typeof diagnoseCommand>[0]>) {
  let out = '';
  let err = '';
  return diagnoseCommand(
    {
      store,
      issueId: 'ORDERS-101',
      workspace: s.root,
      ai: 'none',
      env: { SENTRY_AUTH_TOKEN: SENTRY_TOKEN },
      err: (t) => {
        err += t;
      },
      ...extra,
    },
    (t) => {
      out += t;
    },
  ).then((code) => ({ code, out, err }));
}

describe('diagnose command', () => {
  test('--json has culprit, evidence, tokens, hypotheses and report', async () => {
    const { code, out } = await run({ format: 'json' });
    assert.equal(code, 0);
    const j = JSON.parse(out) as DiagnoseJson;
    assert.equal(j.culprit?.path, 'src/db/orders.ts');
    assert.equal(j.culprit?.line, CRASH_LINE);
    assert.equal(j.culprit?.function, 'getOrder');
    assert.match(j.culprit!.why, /Innermost/);
    assert.equal(j.evidence.code[0]?.path, 'src/db/orders.ts');
    assert.ok(j.evidence.git.available);
    assert.ok(j.evidence.git.changes.some((c) => c.summary === 'Do not wait forever for a DB connection'));
    assert.equal(j.evidence.trend.hourly24h.length, 24);
    assert.equal(j.evidence.related[0]?.shortId, 'BILLING-7');
    assert.deepEqual(j.evidence.logs, []);
    assert.ok(j.tokens.used > 0 && j.tokens.used <= j.tokens.limit);
    assert.equal(j.tokens.limit, 12_000);
    assert.ok(j.hypotheses.length >= 2 && j.hypotheses[0]!.rank === 1);
    assert.match(j.report, /^# ORDERS-101/);
    assert.equal(j.ai, null);
  });

  test('--markdown by default, and the investigation is saved in the store', async () => {
    const { code, out } = await run({ format: 'markdown' });
    assert.equal(code, 0);
    assert.match(out, /## Hypotheses \(ranked\)/);
    const saved = savedInvestigations(store.investigations('101'));
    assert.ok(saved.length >= 1);
    assert.equal(saved[0]!.shortId, 'ORDERS-101');
  });

  test('--ai openai streams through the test server and reports tool calls', async () => {
    server.enqueue(
      {
        kind: 'tools',
        calls: [{ name: 'read_file', arguments: { path: 'src/db/orders.ts', startLine: 6, endLine: 10 } }],
      },
      {
        kind: 'text',
        chunks: [
          '## Root cause\n`src/db/orders.ts:9` derefs undefined.\n## Evidence\n- x\n## Fix\n- y\n## Confidence\nmedium',
        ],
      },
    );
    const { code, out, err } = await run({
      ai: 'openai',
      format: 'json',
      env: {
        OPENAI_API_KEY: 'sk-diag-0123456789abcdefghij',
        OPENAI_BASE_URL: server.baseUrl,
        SENTRY_AUTH_TOKEN: SENTRY_TOKEN,
      },
    });
    assert.equal(code, 0, err);
    const j = JSON.parse(out) as DiagnoseJson;
    assert.match(j.ai!.markdown, /## Root cause/);
    assert.equal(j.ai!.toolCalls[0]?.name, 'read_file');
    assert.match(err, /tool read_file\(.*\) → ok/);
    assert.ok(!server.allReceivedText().includes(SENTRY_TOKEN));
  });

  test('an AI failure still prints the report and exits 3 (partial)', async () => {
    server.enqueue({ kind: 'error', status: 401 });
    const { code, out } = await run({
      ai: 'openai',
      format: 'markdown',
      env: { OPENAI_API_KEY: 'sk-diag-0123456789abcdefghij', OPENAI_BASE_URL: server.baseUrl },
    });
    assert.equal(code, 3);
    assert.match(out, /## Culprit/);
    assert.match(out, /\*\*AI investigation failed:\*\* The AI provider rejected the API key \(401/);
  });

  test('usage errors: unknown issue, bad --logs spec, --ai openai without a key', async () => {
    await assert.rejects(run({ issueId: 'NOPE-1' }), /not in the store/);
    await assert.rejects(
      run({ logs: ['app1'] }),
      (e: Error & { kind?: string }) => e.kind === 'usage' && /HOST=SPEC/.test(e.message),
    );
    await assert.rejects(
      run({ logs: ['app1=file:relative/path.log'] }),
      (e: Error & { kind?: string }) => e.kind === 'usage',
    );
    await assert.rejects(run({ ai: 'openai', env: {} }), /needs OPENAI_API_KEY/);
    await assert.rejects(run({ workspace: join(s.root, 'missing') }), /is not a folder/);
  });

  test('log sources from .vscode/settings.json are used only with --workspace-settings', async () => {
    mkdirSync(join(s.root, '.vscode'), { recursive: true });
    writeFileSync(
      join(s.root, '.vscode/settings.json'),
      '{\n  // comment\n  "sentryRCA.logs.sources": ["bad host=file:/var/log/x.log"],\n}\n',
    );
    try {
      await assert.rejects(run({ workspaceSettings: true }), (e: Error & { kind?: string }) => e.kind === 'usage');
      const { code, err } = await run({});
      assert.equal(code, 0);
      assert.match(
        err,
        /ignoring sentryRCA\.logs\.sources from .*settings\.json .*pass --workspace-settings to use them/,
      );
    } finally {
      rmSync(join(s.root, '.vscode'), { recursive: true, force: true });
    }
  });
});
