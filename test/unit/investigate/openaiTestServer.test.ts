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
  after(async () => {
    await server.stop();
  });

  test('streams text deltas, finish_reason and a usage chunk', async () => {
    server.enqueue({ kind: 'text', chunks: ['Root ', 'cause', ': pool'] });
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
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
    server.enqueue({
      kind: 'tools',
      calls: [
        { name: 'read_file', arguments: { path: 'src/a.ts', startLine: 1, endLine: 20 } },
        { name: 'get_events', arguments: { limit: 3 } },
      ],
      fragmentSize: 5,
    });
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    const calls: Array<{ id: string; name: string; args: string }> = [];
    let finish: string | null = null;
    let argChunks = 0;
    for await (const chunk of stream) {
      for (const tc of chunk.choices[0]?.delta.tool_calls ?? []) {
        const c = (calls[tc.index] ??= { id: '', name: '', args: '' });
        if (tc.id) c.id = tc.id;
        if (tc.function?.name) c.name = tc.function.name;
        if (tc.function?.arguments) {
          c.args += tc.function.arguments;
          argChunks++;
        }
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(finish, 'tool_calls');
    assert.deepEqual(
      calls.map((c) => c.name),
      ['read_file', 'get_events'],
    );
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
    server.enqueue(
      { kind: 'error', status: 429, retryAfterSeconds: 7 },
      { kind: 'error', status: 400 },
      { kind: 'error', status: 500 },
    );
    const e429 = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    assert.ok(e429 instanceof OpenAI.RateLimitError);
    assert.equal(e429.headers?.get('retry-after'), '7');
    assert.equal(e429.code, 'rate_limit_exceeded');
    const e400 = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    assert.ok(e400 instanceof OpenAI.BadRequestError);
    assert.equal(e400.code, 'context_length_exceeded');
    const e500 = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    assert.ok(e500 instanceof OpenAI.InternalServerError);
  });

  test('wrong key gets 401 invalid_api_key', async () => {
    const bad = new OpenAI({ apiKey: 'sk-wrong', baseURL: server.baseUrl, maxRetries: 0 });
    const e = await bad.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((err: unknown) => err);
    assert.ok(e instanceof OpenAI.AuthenticationError);
    assert.equal(e.code, 'invalid_api_key');
  });

  test('a malformed chunk makes the SDK throw; a truncated stream just ends without finish_reason', async () => {
    server.enqueue({ kind: 'malformed', chunks: ['a'] }, { kind: 'truncated', chunks: ['partial'] });
    const s1 = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    await assert.rejects(async () => {
      for await (const _ of s1) {
        /* drain */
      }
    });
    const s2 = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    let finish: string | null = null;
    let text = '';
    try {
      for await (const c of s2) {
        text += c.choices[0]?.delta.content ?? '';
        finish = c.choices[0]?.finish_reason ?? finish;
      }
    } catch {
      /* some SDK versions surface the dropped connection as an error; either is a truncation */
    }
    assert.equal(text, 'partial');
    assert.equal(finish, null);
  });

  test('records every request body, including the bearer header', async () => {
    const before = server.requests.length;
    server.enqueue({ kind: 'text', chunks: ['ok'] });
    await client.chat.completions.create({
      model: 'gpt-x',
      messages: [
        { role: 'system', content: 'rules' },
        { role: 'user', content: 'evidence' },
      ],
    });
    const rec = server.requests[before]!;
    assert.equal(rec.body?.model, 'gpt-x');
    assert.equal(rec.body?.messages?.[1]?.content, 'evidence');
    assert.equal(rec.headers.authorization, 'Bearer sk-test');
  });

  test('an empty queue answers 500 naming the request, never a made-up reply', async () => {
    const e = await client.chat.completions
      .create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })
      .catch((err: unknown) => err);
    assert.ok(e instanceof OpenAI.InternalServerError);
    assert.match(e.message, /no scripted reply left/);
  });
});

// What the real endpoint refuses, with its words (quoted from OpenAI 400 bodies seen in the wild).
describe('OpenAI test server enforces the chat protocol like the real API', () => {
  let server: OpenAiTestServer;
  before(async () => {
    server = await new OpenAiTestServer({ apiKey: 'sk-test' }).start();
  });
  after(async () => {
    await server.stop();
  });

  const call = (id: string, name = 'read_file') => ({ id, type: 'function', function: { name, arguments: '{}' } });
  const tool = {
    type: 'function',
    function: {
      name: 'read_file',
      description: 'x',
      parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
    },
  };

  async function post(body: unknown): Promise<{
    status: number;
    body: { error: { message: string; type: string; param: string | null; code: string | null } };
  }> {
    const r = await fetch(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as never };
  }

  const cases: Array<{
    name: string;
    body: Record<string, unknown>;
    error: { message: string | RegExp; param: string | null; code: string | null };
  }> = [
    {
      name: 'a tool message with no assistant tool_calls before it',
      body: {
        model: 'm',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'tool', tool_call_id: 'call_1', content: 'r' },
        ],
      },
      error: {
        message:
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
        param: 'messages.[1].role',
        code: null,
      },
    },
    {
      name: 'a tool message whose tool_call_id is not one of the calls',
      body: {
        model: 'm',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: null, tool_calls: [call('call_1')] },
          { role: 'tool', tool_call_id: 'call_2', content: 'r' },
        ],
      },
      error: {
        message: "Invalid parameter: 'tool_call_id' of 'call_2' not found in 'tool_calls' of previous message.",
        param: 'messages.[2].tool_call_id',
        code: null,
      },
    },
    {
      name: 'a call left unanswered before the next user message',
      body: {
        model: 'm',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: null, tool_calls: [call('call_1'), call('call_2', 'get_events')] },
          { role: 'tool', tool_call_id: 'call_1', content: 'r' },
          { role: 'user', content: 'go on' },
        ],
      },
      error: {
        message:
          "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: call_2",
        param: 'messages.[1].role',
        code: null,
      },
    },
    {
      name: 'a call left unanswered at the end',
      body: {
        model: 'm',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: null, tool_calls: [call('call_9')] },
        ],
      },
      error: { message: /did not have response messages: call_9$/, param: 'messages.[1].role', code: null },
    },
    {
      name: 'a tool message without tool_call_id',
      body: {
        model: 'm',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: null, tool_calls: [call('call_1')] },
          { role: 'tool', content: 'r' },
        ],
      },
      error: {
        message: "Missing required parameter: 'messages[2].tool_call_id'.",
        param: 'messages[2].tool_call_id',
        code: 'missing_required_parameter',
      },
    },
    {
      name: 'an unknown role',
      body: { model: 'm', messages: [{ role: 'robot', content: 'x' }] },
      error: {
        message:
          "Invalid value: 'robot'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.",
        param: 'messages[0].role',
        code: 'invalid_value',
      },
    },
    {
      name: 'no messages',
      body: { model: 'm', messages: [] },
      error: {
        message:
          "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        param: 'messages',
        code: 'empty_array',
      },
    },
    {
      name: 'stream_options without stream',
      body: { model: 'm', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } },
      error: {
        message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        param: 'stream_options',
        code: null,
      },
    },
    {
      name: 'a tool whose parameters are not an object schema',
      body: {
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', function: { name: 'read_file', parameters: { type: 'string' } } }],
      },
      error: {
        message: `Invalid schema for function 'read_file': schema must be a JSON Schema of 'type: "object"', got 'type: "string"'.`,
        param: 'tools[0].function.parameters',
        code: 'invalid_function_parameters',
      },
    },
    {
      name: 'a tool name with a space',
      body: {
        model: 'm',
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', function: { name: 'read file', parameters: { type: 'object', properties: {} } } }],
      },
      error: {
        message:
          "Invalid 'tools[0].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
        param: 'tools[0].function.name',
        code: 'invalid_value',
      },
    },
    {
      name: 'tool_choice without tools',
      body: { model: 'm', messages: [{ role: 'user', content: 'x' }], tool_choice: 'auto' },
      error: {
        message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
        param: 'tool_choice',
        code: null,
      },
    },
    {
      name: 'no model',
      body: { messages: [{ role: 'user', content: 'x' }] },
      error: { message: 'you must provide a model parameter', param: null, code: null },
    },
  ];
  for (const c of cases) {
    test(`400 for ${c.name}, with OpenAI's error body; the scripted reply stays queued`, async () => {
      server.enqueue({ kind: 'text', chunks: ['kept for the next valid request'] });
      const r = await post(c.body);
      assert.equal(r.status, 400);
      assert.deepEqual(Object.keys(r.body.error).sort(), ['code', 'message', 'param', 'type']);
      assert.equal(r.body.error.type, 'invalid_request_error');
      if (typeof c.error.message === 'string') assert.equal(r.body.error.message, c.error.message);
      else assert.match(r.body.error.message, c.error.message);
      assert.equal(r.body.error.param, c.error.param);
      assert.equal(r.body.error.code, c.error.code);
      assert.equal(server.pending, 1);
      assert.equal(server.rejected.at(-1)?.error.message, r.body.error.message);
      assert.equal(server.discardPending(), 1);
    });
  }

  test('a complete tool round trip (ids answered in any order) is accepted, and the SDK raises BadRequestError otherwise', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: server.baseUrl, maxRetries: 0, logLevel: 'off' });
    server.enqueue({ kind: 'text', chunks: ['fine'] });
    const ok = await client.chat.completions.create({
      model: 'm',
      tools: [tool] as never,
      tool_choice: 'none',
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, tool_calls: [call('call_a'), call('call_b')] as never },
        { role: 'tool', tool_call_id: 'call_b', content: 'b' },
        { role: 'tool', tool_call_id: 'call_a', content: 'a' },
        { role: 'user', content: 'answer now' },
      ],
    });
    assert.equal(ok.choices[0]?.message.content, 'fine');
    const e = await client.chat.completions
      .create({
        model: 'm',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'tool', tool_call_id: 'call_x', content: 'r' },
        ],
      })
      .catch((err: unknown) => err);
    assert.ok(e instanceof OpenAI.BadRequestError);
    assert.equal(e.param, 'messages.[1].role');
  });
});
