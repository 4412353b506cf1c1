/**
 * A scripted OpenAI-compatible chat-completions server for tests. It speaks the real wire format that
 * the `openai` SDK parses: JSON for non-streaming calls, server-sent events for `stream: true`
 * (`data: {chunk}\n\n` … `data: [DONE]\n\n`), `tool_calls` deltas split into fragments, a usage chunk
 * when `stream_options.include_usage` is set, and OpenAI's error bodies (`{"error":{message,type,param,code}}`).
 *
 * Each test queues the replies it wants, in order; each request takes the next one. The server records
 * every request (headers and parsed body) so a test can assert exactly what the client sent, and it can
 * misbehave on purpose: delays, a stream cut off mid-way, a malformed chunk, a hang until the client aborts.
 *
 * Like the real endpoint it rejects a request that breaks the chat protocol (chatProtocol.ts: message
 * sequence, roles, `tool_call_id`s, tool schemas, `stream_options`) with a 400 and OpenAI's error body,
 * before any scripted reply is taken.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatRequestError } from './chatProtocol';

export interface ScriptedToolCall {
  name: string;
  /** Object → JSON-encoded; string → sent verbatim (lets a test send broken JSON arguments). */
  arguments: Record<string, unknown> | string;
  id?: string;
}

export type ScriptedReply =
  /** An assistant message streamed in the given pieces (or returned whole when not streaming). */
  | {
      kind: 'text';
      chunks: string[];
      delayMs?: number;
      firstDelayMs?: number;
      finishReason?: 'stop' | 'length' | 'content_filter';
      pause?: StreamPause;
    }
  /** One assistant turn asking for tool calls; `text` is optional content sent before them. */
  | { kind: 'tools'; calls: ScriptedToolCall[]; text?: string; delayMs?: number; fragmentSize?: number }
  /** An HTTP error with OpenAI's error body. */
  | {
      kind: 'error';
      status: 400 | 401 | 403 | 404 | 429 | 500 | 503;
      code?: string | null;
      type?: string;
      message?: string;
      retryAfterSeconds?: number;
    }
  /** Streams these chunks, then closes the connection without a finish_reason or [DONE]. */
  | { kind: 'truncated'; chunks: string[] }
  /** Streams these chunks, then a `data:` line that is not JSON. */
  | { kind: 'malformed'; chunks: string[] }
  /** Sends the headers and nothing else until the client goes away. */
  | { kind: 'hang' }
  /** Computes the reply from the request (e.g. to echo a tool result back). */
  | { kind: 'dynamic'; reply: (req: RecordedRequest) => Exclude<ScriptedReply, { kind: 'dynamic' }> };

/** A request the server answered with a protocol 400 (the scripted queue was not touched). */
export interface RejectedRequest {
  index: number;
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Holds a stream after chunk `afterChunk` (0-based) until `until` settles: a test looks at a half answer. */
export interface StreamPause {
  afterChunk: number;
  until: Promise<void>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The raw body text exactly as received. */
  raw: string;
  body: ChatRequestBody | null;
  receivedAt: number;
}

/** The subset of the chat-completions request the tests look at; everything else stays in `raw`. */
export interface ChatRequestBody {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  messages?: Array<{
    role: string;
    content?: unknown;
    tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
    tool_call_id?: string;
  }>;
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  tool_choice?: unknown;
  max_tokens?: number;
  max_completion_tokens?: number;
  [k: string]: unknown;
}

/** A chunk written to a stream, with the server's clock at the moment it was flushed (for latency benches). */
export interface SentChunk {
  requestIndex: number;
  at: number;
  content: string | null;
}

export interface OpenAiTestServerOptions {
  /** When set, requests whose bearer token differs get a 401 with OpenAI's body. */
  apiKey?: string;
  /** When set, requests estimated above this many tokens get a 400 context_length_exceeded. */
  contextLimitTokens?: number;
  model?: string;
}

const ERROR_DEFAULTS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  401: {
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    message:
      'Incorrect API key provided: sk-te***st. You can find your API key at https://platform.openai.com/account/api-keys.',
  },
  403: {
    type: 'invalid_request_error',
    code: 'unsupported_country_region_territory',
    message: 'Country, region, or territory not supported',
  },
  404: {
    type: 'invalid_request_error',
    code: 'model_not_found',
    message: 'The model `gpt-x` does not exist or you do not have access to it.',
  },
  429: {
    type: 'requests',
    code: 'rate_limit_exceeded',
    message:
      'Rate limit reached for gpt-4o-mini in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.',
  },
  500: {
    type: 'server_error',
    code: null,
    message: 'The server had an error while processing your request. Sorry about that!',
  },
  503: { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later.' },
};

/** Rough token count the way a test needs it: ~4 characters a token. */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export class OpenAiTestServer {
  readonly requests: RecordedRequest[] = [];
  readonly sentChunks: SentChunk[] = [];
  /** Requests refused for breaking the chat protocol, as the real API would refuse them. */
  readonly rejected: RejectedRequest[] = [];
  private readonly queue: ScriptedReply[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  private port = 0;
  private seq = 0;

  constructor(private readonly options: OpenAiTestServerOptions = {}) {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Base URL the SDK takes (`new OpenAI({ baseURL })`). */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  enqueue(...replies: ScriptedReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Drops the replies no request took (a test that expected fewer calls); returns how many. */
  discardPending(): number {
    return this.queue.splice(0).length;
  }

  /** Every request body as text, for "this must never have been sent" assertions. */
  allReceivedText(): string {
    return this.requests.map((r) => JSON.stringify(r.headers) + '\n' + r.raw).join('\n');
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    let body: ChatRequestBody | null = null;
    try {
      body = raw ? (JSON.parse(raw) as ChatRequestBody) : null;
    } catch {
      body = null;
    }
    const rec: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      raw,
      body,
      receivedAt: Date.now(),
    };
    const index = this.requests.push(rec) - 1;

    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: this.model(body), object: 'model', created: 0, owned_by: 'test' }],
      });
    }
    if (req.method !== 'POST' || !(path === '/v1/chat/completions' || path === '/chat/completions')) {
      return sendError(res, 404, {
        type: 'invalid_request_error',
        code: 'unknown_url',
        message: `Unknown request URL: ${req.method} ${path}.`,
      });
    }
    if (this.options.apiKey !== undefined && req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      return sendError(res, 401, ERROR_DEFAULTS[401]!);
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return sendError(res, 400, {
        type: 'invalid_request_error',
        code: null,
        message:
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)",
      });
    }
    const protocolError = chatRequestError(body);
    if (protocolError) {
      this.rejected.push({ index, error: protocolError });
      return sendError(res, 400, protocolError);
    }
    if (this.options.contextLimitTokens !== undefined) {
      const tokens = approxTokens(JSON.stringify(body.messages)) + approxTokens(JSON.stringify(body.tools ?? []));
      if (tokens > this.options.contextLimitTokens) {
        return sendError(res, 400, {
          type: 'invalid_request_error',
          code: 'context_length_exceeded',
          message: `This model's maximum context length is ${this.options.contextLimitTokens} tokens. However, your messages resulted in ${tokens} tokens. Please reduce the length of the messages.`,
          param: 'messages',
        });
      }
    }

    let reply = this.queue.shift();
    if (!reply) {
      return sendError(res, 500, {
        type: 'server_error',
        code: null,
        message: `openai test server: no scripted reply left for request #${index + 1}`,
      });
    }
    if (reply.kind === 'dynamic') reply = reply.reply(rec);

    if (reply.kind === 'error') {
      const d = ERROR_DEFAULTS[reply.status] ?? ERROR_DEFAULTS[500]!;
      const headers: Record<string, string> = {};
      if (reply.retryAfterSeconds !== undefined) headers['retry-after'] = String(reply.retryAfterSeconds);
      if (reply.status === 429) {
        headers['x-ratelimit-limit-requests'] = '3';
        headers['x-ratelimit-remaining-requests'] = '0';
      }
      const code =
        reply.code !== undefined
          ? reply.code
          : reply.status === 400 && reply.message === undefined
            ? 'context_length_exceeded'
            : d.code;
      const message =
        reply.message ??
        (code === 'context_length_exceeded'
          ? "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages."
          : d.message);
      return sendError(
        res,
        reply.status,
        { type: reply.type ?? d.type, code, message, param: code === 'context_length_exceeded' ? 'messages' : null },
        headers,
      );
    }

    const id = `chatcmpl-test${++this.seq}`;
    const model = this.model(body);
    const promptTokens = approxTokens(JSON.stringify(body.messages));
    if (!body.stream) return this.replyWhole(res, reply, id, model, promptTokens);
    await this.replyStream(
      req,
      res,
      reply,
      id,
      model,
      promptTokens,
      index,
      body.stream_options?.include_usage === true,
    );
  }

  private model(body: ChatRequestBody | null): string {
    return this.options.model ?? body?.model ?? 'gpt-test';
  }

  private replyWhole(
    res: ServerResponse,
    reply: Exclude<ScriptedReply, { kind: 'dynamic' | 'error' }>,
    id: string,
    model: string,
    promptTokens: number,
  ): void {
    if (reply.kind === 'hang') return; // the client's timeout or abort ends it
    if (reply.kind === 'truncated' || reply.kind === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id":"' + id + '","object":"chat.completion","choices":[{"index":0,"message":{"role":"assis');
      return;
    }
    const content = reply.kind === 'text' ? reply.chunks.join('') : (reply.text ?? null);
    const toolCalls =
      reply.kind === 'tools'
        ? reply.calls.map((c, i) => ({
            id: c.id ?? `call_${id}_${i}`,
            type: 'function',
            function: {
              name: c.name,
              arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
            },
          }))
        : undefined;
    const completionTokens = approxTokens((content ?? '') + JSON.stringify(toolCalls ?? ''));
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      system_fingerprint: 'fp_test',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: null, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
          logprobs: null,
          finish_reason: reply.kind === 'tools' ? 'tool_calls' : (reply.finishReason ?? 'stop'),
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    });
  }

  private async replyStream(
    req: IncomingMessage,
    res: ServerResponse,
    reply: Exclude<ScriptedReply, { kind: 'dynamic' | 'error' }>,
    id: string,
    model: string,
    promptTokens: number,
    requestIndex: number,
    includeUsage: boolean,
  ): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-request-id': `req_${id}`,
    });
    let closed = false;
    // The response closes when the client goes away; socket listeners would pile up on keep-alive.
    res.on('close', () => {
      closed = true;
    });
    const created = Math.floor(Date.now() / 1000);
    const base = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_test' };
    const usageField = includeUsage ? { usage: null } : {};
    let completionText = '';
    const write = (payload: unknown, content: string | null = null) => {
      if (closed) return;
      res.write(`data: ${JSON.stringify(payload)}\n\n`);
      this.sentChunks.push({ requestIndex, at: performance.now(), content });
    };
    const delta = (d: Record<string, unknown>, finish: string | null = null) => ({
      ...base,
      choices: [{ index: 0, delta: d, logprobs: null, finish_reason: finish }],
      ...usageField,
    });

    if (reply.kind === 'hang') {
      res.flushHeaders();
      await new Promise<void>((resolve) => res.once('close', () => resolve()));
      return;
    }

    write(delta({ role: 'assistant', content: '', refusal: null }));
    const pieces = reply.kind === 'tools' ? (reply.text ? [reply.text] : []) : reply.chunks;
    const firstDelay = reply.kind === 'text' ? (reply.firstDelayMs ?? reply.delayMs) : undefined;
    const delay = reply.kind === 'text' || reply.kind === 'tools' ? reply.delayMs : undefined;
    for (let i = 0; i < pieces.length; i++) {
      const d = i === 0 ? firstDelay : delay;
      if (d) await sleep(d);
      if (closed) return;
      completionText += pieces[i];
      write(delta({ content: pieces[i] }), pieces[i]!);
      if (reply.kind === 'text' && reply.pause?.afterChunk === i) await reply.pause.until;
    }

    if (reply.kind === 'truncated') {
      // No finish_reason, no [DONE]: once what was written has left, the connection just drops.
      if (!closed) await new Promise<void>((resolve) => res.write(': keep-alive\n\n', () => resolve()));
      res.destroy();
      return;
    }
    if (reply.kind === 'malformed') {
      if (!closed)
        res.write(
          'data: {"id":"' + id + '","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"x"\n\n',
        );
      res.end();
      return;
    }

    let finish: string = reply.kind === 'text' ? (reply.finishReason ?? 'stop') : 'tool_calls';
    if (reply.kind === 'tools') {
      const size = Math.max(1, reply.fragmentSize ?? 12);
      for (let i = 0; i < reply.calls.length; i++) {
        const c = reply.calls[i]!;
        const args = typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments);
        completionText += c.name + args;
        // The first delta of a call carries index, id, type and name; the arguments follow in fragments.
        write(
          delta({
            tool_calls: [
              { index: i, id: c.id ?? `call_${id}_${i}`, type: 'function', function: { name: c.name, arguments: '' } },
            ],
          }),
        );
        for (let o = 0; o < args.length; o += size) {
          if (delay) await sleep(delay);
          if (closed) return;
          write(delta({ tool_calls: [{ index: i, function: { arguments: args.slice(o, o + size) } }] }));
        }
      }
      finish = 'tool_calls';
    }
    write(delta({}, finish));
    if (includeUsage) {
      const completionTokens = approxTokens(completionText);
      write({
        ...base,
        choices: [],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        },
      });
    }
    if (!closed) res.end('data: [DONE]\n\n');
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  status: number,
  e: { type: string; code: string | null; message: string; param?: string | null },
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { message: e.message, type: e.type, param: e.param ?? null, code: e.code } }, headers);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
