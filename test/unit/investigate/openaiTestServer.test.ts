// The test server must be faithful enough that the real `openai` SDK parses it as it parses OpenAI.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { OpenAiTestServer } from '../../servers/openai/openaiTestServer';

describe('OpenAI test server through the real SDK', () => {
  let server: OpenAiTestServer;
  let client: OpenAI;
  before(async () => {
    server = await new OpenAiTestServer({ apiKey: 'sk-test' }).start();
    client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseUrl, maxRetries: 0, logLevel: 'off' });
  });
  after(async () => { await server.stop(); });

  test('streams text deltas, finish_reason and a usage chunk', async () => {
    server.enqueue({ kind: 'text', chunks: ['Root ', 'cause', ': pool'] });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, 'Root cause: pool');
    assert.equal(finish, 'stop');
    assert.ok(usage && usage.total_tokens > 0 && usage.prompt_tokens > 0);
  });

  test('streams tool calls as index/id/name then argument fragments', async () => {
    server.enqueue({ kind: 'tools', calls: [{ name: 'read_file', arguments: { path: 'src/a.ts', startLine: 1, endLine: 20 } }, { name: 'get_events', arguments: { limit: 3 } }], fragmentSize: 5 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const calls: Array<{ id: string; name: string; args: string }> = [];
    let finish: string | null = null;
    let argChunks = 0;
    for await (const chunk of stream) {
      for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) {
        const c = (calls[tc.index] ??= { id: '', name: '', args: '' });
        if (tc.id) c.id = tc.id;
        if (tc.function?.name) c.name = tc.function.name;
        if (tc.function?.arguments) { c.args += tc.function.arguments; argChunks++; }
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(finish, 'tool_calls');
    assert.deepEqual(calls.map((c) => c.name), ['read_file', 'get_events']);
    assert.deepEqual(JSON.parse(calls[0]!.args), { path: 'src/a.ts', startLine: 1, endLine: 20 });
    assert.ok(calls.every((c) => c.id.startsWith('call_')));
    assert.ok(argChunks > 4, 'arguments arrive in several fragments');
  });

  test('non-streaming reply with tool calls', async () => {
    server.enqueue({ kind: 'tools', calls: [{ name: 'search_code', arguments: { pattern: 'pool' } }] });
    const r = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(r.choices[0]?.finish_reason, 'tool_calls');
    const call = r.choices[0]?.message.tool_calls?.[0];
    assert.ok(call && call.type === 'function');
    assert.equal(call.function.name, 'search_code');
  });

  test('error bodies map to the SDK error classes', async () => {
    server.enqueue({ kind: 'error', status: 429, retryAfterSeconds: 7 }, { kind: 'error', status: 400 }, { kind: 'error', status: 500 });
    const e429 = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    assert.ok(e429 instanceof OpenAI.RateLimitError);
    assert.equal(e429.headers?.get('retry-after'), '7');
    assert.equal(e429.code, 'rate_limit_exceeded');
    const e400 = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    assert.ok(e400 instanceof OpenAI.BadRequestError);
    assert.equal(e400.code, 'context_length_exceeded');
    const e500 = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    assert.ok(e500 instanceof OpenAI.InternalServerError);
  });

  test('wrong key gets 401 invalid_api_key', async () => {
    const bad = new OpenAI({ apiKey: 'sk-wrong', baseURL: server.baseUrl, maxRetries: 0 });
    const e = await bad.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((err: unknown) => err);
    assert.ok(e instanceof OpenAI.AuthenticationError);
    assert.equal(e.code, 'invalid_api_key');
  });

  test('a malformed chunk makes the SDK throw; a truncated stream just ends without finish_reason', async () => {
    server.enqueue({ kind: 'malformed', chunks: ['a'] }, { kind: 'truncated', chunks: ['partial'] });
    const s1 = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
    await assert.rejects(async () => { for await (const _ of s1) { /* drain */ } });
    const s2 = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true });
    let finish: string | null = null;
    let text = '';
    try {
      for await (const c of s2) { text += c.choices[0]?.delta.content ?? ''; finish = c.choices[0]?.finish_reason ?? finish; }
    } catch { /* some SDK versions surface the dropped connection as an error; either is a truncation */ }
    assert.equal(text, 'partial');
    assert.equal(finish, null);
  });

  test('records every request body, including the bearer header', async () => {
    const before = server.requests.length;
    server.enqueue({ kind: 'text', chunks: ['ok'] });
    await client.chat.completions.create({ model: 'gpt-x', messages: [{ role: 'system', content: 'rules' }, { role: 'user', content: 'evidence' }] });
    const rec = server.requests[before]!;
    assert.equal(rec.body?.model, 'gpt-x');
    assert.equal(rec.body?.messages?.[1]?.content, 'evidence');
    assert.equal(rec.headers.authorization, 'Bearer sk-test');
  });

  test('an empty queue answers 500 naming the request, never a made-up reply', async () => {
    const e = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).catch((err: unknown) => err);
    assert.ok(e instanceof OpenAI.InternalServerError);
    assert.match(e.message, /no scripted reply left/);
  });
});
