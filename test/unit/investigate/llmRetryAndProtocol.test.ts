// The AI tool loop with the production client settings (no maxRetries override: the SDK's 2 retries)
// against the OpenAI test server, which enforces the chat protocol like the real endpoint: the retry
// path on a fake clock, a model that decides its next call from the tool result it got, and the
// tool_call_id round trip.
import { test, describe, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { OpenAiTestServer, type RecordedRequest } from '../../servers/openai/openaiTestServer';
import { runInvestigation } from '../../../src/core/investigate/investigation';
import type { ToolCallRecord } from '../../../src/core/investigate/llmInvestigator';
import { RcaError } from '../../../src/core/common/errors';
import { workspaceAccess } from '../../../src/core/investigate/adapters';
import { SENTRY_TOKEN, T0, makeScenario, type Scenario } from './scenario';

const API_KEY = 'sk-proj-RETRYKEY0123456789abcdefghijklmn';

let server: OpenAiTestServer;
const scenarios: Scenario[] = [];
before(async () => {
  server = await new OpenAiTestServer({ apiKey: API_KEY }).start();
});
after(async () => {
  await server.stop();
  for (const s of scenarios) s.cleanup();
});

/** Runs the investigation with the production AI defaults (only the endpoint, key and model are set). */
async function investigate(signal?: AbortSignal) {
  const s = makeScenario({ gitRepo: false });
  scenarios.push(s);
  const calls: ToolCallRecord[] = [];
  const first = server.requests.length;
  const outcome = await runInvestigation(
    { issues: s.issues, frames: s.frames, logs: s.logs, ...workspaceAccess(s.root) },
    '101',
    {
      collect: { now: () => T0 + 3600_000 },
      ai: { apiKey: API_KEY, baseUrl: server.baseUrl, model: 'gpt-test' },
      secrets: [SENTRY_TOKEN],
    },
    {
      onToolCall: (c) => {
        if (c.status !== 'running') calls.push(c);
      },
    },
    signal,
  );
  return { outcome, calls, sent: server.requests.slice(first) };
}

const realImmediate = setImmediate;
const turn = () => new Promise<void>((r) => realImmediate(r));

/** Waits on real time (the mocked clock does not move by itself) until `probe` holds. */
async function until(what: string, probe: () => boolean, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!probe()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await turn();
  }
}

/**
 * Mocks setTimeout and records every delay asked for, so a test can see the SDK's back-off being
 * scheduled and move the clock across it.
 */
function fakeClock(t: TestContext): { delays: number[]; tick(ms: number): void } {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const mocked = globalThis.setTimeout;
  const delays: number[] = [];
  const recording = ((fn: () => void, ms?: number, ...rest: unknown[]) => {
    delays.push(ms ?? 0);
    return mocked(fn, ms, ...rest);
  }) as typeof setTimeout;
  globalThis.setTimeout = recording;
  t.after(() => {
    if (globalThis.setTimeout === recording) globalThis.setTimeout = mocked;
  });
  return { delays, tick: (ms) => t.mock.timers.tick(ms) };
}

describe('retries with the production defaults (2 retries, Retry-After honoured)', { timeout: 20_000 }, () => {
  test('two 429s with retry-after: 20 are waited out on the clock, the third attempt answers', async (t) => {
    server.enqueue(
      { kind: 'error', status: 429, retryAfterSeconds: 20 },
      { kind: 'error', status: 429, retryAfterSeconds: 20 },
      { kind: 'text', chunks: ['## Root cause\npool'] },
    );
    const clock = fakeClock(t);
    const first = server.requests.length;
    const run = investigate();
    for (const attempt of [1, 2]) {
      await until(
        `the back-off after attempt ${attempt}`,
        () => clock.delays.filter((d) => d === 20_000).length === attempt,
      );
      assert.equal(server.requests.length - first, attempt, 'no retry before the wait');
      clock.tick(19_999);
      for (let i = 0; i < 20; i++) await turn();
      assert.equal(server.requests.length - first, attempt, 'still waiting 1 ms before Retry-After ends');
      clock.tick(1);
      await until(`attempt ${attempt + 1}`, () => server.requests.length - first === attempt + 1);
    }
    const { outcome, sent } = await run;
    assert.equal(sent.length, 3);
    assert.equal(outcome.aiError, null, outcome.aiError?.display);
    assert.equal(outcome.ai?.markdown, '## Root cause\npool');
    // The SDK marks its retries; the body is the same request each time.
    assert.deepEqual(
      sent.map((r) => r.headers['x-stainless-retry-count']),
      ['0', '1', '2'],
    );
    assert.equal(sent[2]!.raw, sent[0]!.raw);
  });

  test("a third 429 gives up after 1 + 2 attempts with the provider's wait in the message", async (t) => {
    server.enqueue(
      { kind: 'error', status: 429, retryAfterSeconds: 20 },
      { kind: 'error', status: 429, retryAfterSeconds: 20 },
      { kind: 'error', status: 429, retryAfterSeconds: 20 },
      { kind: 'text', chunks: ['never sent'] },
    );
    const clock = fakeClock(t);
    const first = server.requests.length;
    const run = investigate();
    for (const attempt of [1, 2]) {
      await until(
        `the back-off after attempt ${attempt}`,
        () => clock.delays.filter((d) => d === 20_000).length === attempt,
      );
      clock.tick(20_000);
      await until(`attempt ${attempt + 1}`, () => server.requests.length - first === attempt + 1);
    }
    const { outcome, sent } = await run;
    assert.equal(sent.length, 3);
    assert.equal(server.discardPending(), 1, 'no fourth attempt');
    assert.equal(outcome.ai, null);
    assert.equal(outcome.aiError?.kind, 'remote');
    assert.match(outcome.aiError!.display, /rate-limiting requests \(429\); it asks to retry after 20 s/);
    assert.equal(outcome.record.status, 'ai-failed');
  });

  test("a 500 is retried with the SDK's own back-off, then answers", async () => {
    server.enqueue({ kind: 'error', status: 500 }, { kind: 'text', chunks: ['## Root cause\nafter a 500'] });
    const { outcome, sent } = await investigate();
    assert.equal(sent.length, 2);
    assert.equal(outcome.ai?.markdown, '## Root cause\nafter a 500');
  });

  test('Stop during a 20 s back-off ends the run at once, not after the wait', async (t) => {
    server.enqueue({ kind: 'error', status: 429, retryAfterSeconds: 20 }, { kind: 'text', chunks: ['never sent'] });
    const clock = fakeClock(t);
    const ac = new AbortController();
    const first = server.requests.length;
    const run = investigate(ac.signal);
    // The clock never moves: the run is inside the SDK's 20 s wait when Stop comes.
    await until('the back-off', () => clock.delays.includes(20_000));
    const stopped = performance.now();
    ac.abort();
    await assert.rejects(run, (e: unknown) => e instanceof RcaError && e.kind === 'cancelled');
    assert.ok(performance.now() - stopped < 3000, `stopped after ${Math.round(performance.now() - stopped)} ms`);
    assert.equal(server.requests.length - first, 1, 'no retry after Stop');
    assert.equal(server.discardPending(), 1);
  });
});

/** The tool message answering `id` in a request, or undefined. */
function toolResult(r: RecordedRequest, id: string): string | undefined {
  const m = (r.body?.messages ?? []).find((x) => x.role === 'tool' && x.tool_call_id === id);
  return m === undefined ? undefined : String(m.content);
}

describe('a model that reacts to what its tools return', { timeout: 20_000 }, () => {
  test('search_code, then read_file at the hit it got back, then an answer quoting that line', async () => {
    let hit: { path: string; line: number } | undefined;
    server.enqueue(
      { kind: 'tools', calls: [{ id: 'call_search_1', name: 'search_code', arguments: { pattern: 'result.rows' } }] },
      {
        kind: 'dynamic',
        reply: (req) => {
          const out = toolResult(req, 'call_search_1');
          const m = out && /([\w/.-]+\.ts):(\d+):/.exec(out);
          if (!m)
            return {
              kind: 'text',
              chunks: [`no hit in the tool result: ${out ?? '(no tool message for call_search_1)'}`],
            };
          hit = { path: m[1]!, line: Number(m[2]) };
          return {
            kind: 'tools',
            calls: [
              {
                id: 'call_read_2',
                name: 'read_file',
                arguments: { path: hit.path, startLine: hit.line, endLine: hit.line },
              },
            ],
          };
        },
      },
      {
        kind: 'dynamic',
        reply: (req) => {
          const out = toolResult(req, 'call_read_2') ?? '(no tool message for call_read_2)';
          const line = /^\s*\d+ \| (.*)$/m.exec(out)?.[1] ?? out;
          return { kind: 'text', chunks: [`## Root cause\nThe crash line is \`${line.trim()}\`.`] };
        },
      },
    );
    const { outcome, calls, sent } = await investigate();
    assert.equal(server.rejected.length, 0, JSON.stringify(server.rejected));
    assert.equal(sent.length, 3);
    assert.deepEqual(hit, { path: 'src/db/orders.ts', line: 9 }, 'the model read the hit it found');
    assert.deepEqual(
      calls.map((c) => [c.id, c.name, c.status]),
      [
        ['call_search_1', 'search_code', 'ok'],
        ['call_read_2', 'read_file', 'ok'],
      ],
    );
    assert.equal(outcome.ai?.markdown, '## Root cause\nThe crash line is `return result.rows[0];`.');
    // Each tool result went back under the id the model gave its call.
    assert.ok(toolResult(sent[1]!, 'call_search_1'));
    assert.ok(toolResult(sent[2]!, 'call_read_2'));
  });
});
