/**
 * A stand-in of VS Code's Language Model API objects for the plain-Node scenario tests (the real ones
 * exist only in the extension host; test/e2e/lmProvider.ts drives the adapter through real VS Code).
 * It copies VS Code 1.100's shapes and behaviour: `LanguageModelChatMessage.User/Assistant` normalising a
 * string into a text part, `LanguageModelError` with `name` "LanguageModelError" and a `code`, the
 * cancellation token, and `sendRequest` that rejects without consent (`NoPermissions`, the message the
 * extension host uses) and streams text and tool-call parts.
 *
 * Like a real chat provider it enforces the protocol: only `LanguageModelChatMessage` objects, the
 * system role is refused (a proposal), every tool result answers a call of the assistant message just
 * before it, every call is answered, tool names are `[\w-]+` with an object `inputSchema`. A scripted
 * reply per request (the OpenAI test server's `ScriptedReply`) makes the model misbehave on purpose.
 */
import type * as vscode from 'vscode';
import type { ScriptedReply } from '../servers/openai/openaiTestServer';

export enum LanguageModelChatMessageRole {
  User = 1,
  Assistant = 2,
}

export enum LanguageModelChatToolMode {
  Auto = 1,
  Required = 2,
}

export class LanguageModelTextPart {
  constructor(public value: string) {}
}

export class LanguageModelToolCallPart {
  constructor(
    public callId: string,
    public name: string,
    public input: object,
  ) {}
}

export class LanguageModelToolResultPart {
  constructor(
    public callId: string,
    public content: unknown[],
  ) {}
}

type Part = LanguageModelTextPart | LanguageModelToolCallPart | LanguageModelToolResultPart;

export class LanguageModelChatMessage {
  static User(content: string | Part[], name?: string): LanguageModelChatMessage {
    return new LanguageModelChatMessage(LanguageModelChatMessageRole.User, content, name);
  }
  static Assistant(content: string | Part[], name?: string): LanguageModelChatMessage {
    return new LanguageModelChatMessage(LanguageModelChatMessageRole.Assistant, content, name);
  }
  content: Part[];
  constructor(
    public role: LanguageModelChatMessageRole,
    content: string | Part[],
    public name?: string,
  ) {
    this.content = typeof content === 'string' ? [new LanguageModelTextPart(content)] : content;
  }
}

export class LanguageModelError extends Error {
  static NoPermissions(message?: string): LanguageModelError {
    return new LanguageModelError(message, 'NoPermissions');
  }
  static Blocked(message?: string): LanguageModelError {
    return new LanguageModelError(message, 'Blocked');
  }
  static NotFound(message?: string): LanguageModelError {
    return new LanguageModelError(message, 'NotFound');
  }
  readonly code: string;
  constructor(message?: string, code?: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'LanguageModelError';
    this.code = code ?? '';
  }
}

/** VS Code's CancellationError (what a cancelled request rejects with). */
export class CancellationError extends Error {
  constructor() {
    super('Canceled');
    this.name = 'Canceled';
  }
}

export class CancellationTokenSource {
  private listeners: Array<() => void> = [];
  private cancelled = false;
  readonly token: vscode.CancellationToken = {
    isCancellationRequested: false,
    onCancellationRequested: (listener: (e: unknown) => unknown) => {
      this.listeners.push(() => listener(undefined));
      return { dispose: () => {} };
    },
  };
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    (this.token as { isCancellationRequested: boolean }).isCancellationRequested = true;
    for (const l of this.listeners.splice(0)) l();
  }
  dispose(): void {
    this.listeners = [];
  }
}

/** The `vscode` namespace subset the adapter takes (`LmApi`). */
export const lmApi = {
  LanguageModelChatMessage,
  LanguageModelTextPart,
  LanguageModelToolCallPart,
  LanguageModelToolResultPart,
  LanguageModelError,
  LanguageModelChatToolMode,
  CancellationTokenSource,
};

/** What the model received in one request, as VS Code hands it to a provider. */
export interface LmRecordedRequest {
  messages: LanguageModelChatMessage[];
  options: vscode.LanguageModelChatRequestOptions;
}

/** A scripted reply, or a failure of the Language Model API itself. */
export type LmReply =
  | ScriptedReply
  /** `sendRequest` rejects with this LanguageModelError (as VS Code does for consent, blocked, not found). */
  | { kind: 'lm-error'; code: 'NoPermissions' | 'Blocked' | 'NotFound' | ''; message: string }
  /** The stream fails after these chunks (a quota or network error from the provider mid-answer). */
  | { kind: 'stream-error'; chunks: string[]; message: string };

export class ScriptedLanguageModel {
  readonly id = 'stand-in-model';
  readonly vendor = 'sentry-rca-test';
  readonly family = 'stand-in';
  readonly version = '1';
  readonly name = 'Stand-in Model';
  readonly maxInputTokens = 200_000;
  readonly requests: LmRecordedRequest[] = [];
  countTokenCalls = 0;
  /** False: the user refused the consent prompt; every request is `NoPermissions`. */
  consent = true;
  private queue: LmReply[] = [];

  enqueue(...replies: LmReply[]): this {
    this.queue.push(...replies);
    return this;
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Every request as JSON, for "this must never have been sent" assertions. */
  allReceivedText(): string {
    return this.requests.map((r) => JSON.stringify(r)).join('\n');
  }

  /** A word-and-punctuation tokenizer: the model's own count, not the caller's estimate. */
  countTokens(text: string | LanguageModelChatMessage, token?: vscode.CancellationToken): Thenable<number> {
    this.countTokenCalls++;
    if (token?.isCancellationRequested) return Promise.reject(new CancellationError());
    const s =
      typeof text === 'string'
        ? text
        : text.content
            .map((p) =>
              p instanceof LanguageModelTextPart
                ? p.value
                : p instanceof LanguageModelToolCallPart
                  ? `${p.name} ${JSON.stringify(p.input)}`
                  : p.content.map((c) => (c instanceof LanguageModelTextPart ? c.value : '')).join(' '),
            )
            .join(' ');
    return Promise.resolve((s.match(/\w+|[^\s\w]/g) ?? []).length);
  }

  async sendRequest(
    messages: LanguageModelChatMessage[],
    options: vscode.LanguageModelChatRequestOptions = {},
    token?: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelChatResponse> {
    if (!this.consent)
      throw LanguageModelError.NoPermissions(`Language model '${this.id}' cannot be used by 'sentry-rca.sentry-rca'.`);
    checkProtocol(messages, options);
    this.requests.push({ messages, options });
    const reply = this.queue.shift();
    if (!reply) throw new Error(`stand-in model: no scripted reply for request ${this.requests.length}`);
    if (reply.kind === 'lm-error') throw new LanguageModelError(reply.message, reply.code);
    if (reply.kind === 'error') throw new LanguageModelError(`Request failed with status ${reply.status}`, '');
    const parts = partsOf(reply);
    const cancelled = new Promise<never>((_, reject) => {
      if (token?.isCancellationRequested) reject(new CancellationError());
      token?.onCancellationRequested(() => reject(new CancellationError()));
    });
    cancelled.catch(() => {});
    const delay = (ms: number | undefined) =>
      ms ? Promise.race([new Promise((r) => setTimeout(r, ms)), cancelled]) : Promise.resolve();
    async function* stream(): AsyncIterable<unknown> {
      if (reply!.kind === 'hang') await cancelled;
      for (const [i, p] of parts.entries()) {
        if (reply!.kind === 'text') await delay(i === 0 ? (reply!.firstDelayMs ?? reply!.delayMs) : reply!.delayMs);
        if (token?.isCancellationRequested) throw new CancellationError();
        yield p;
        if (reply!.kind === 'text' && reply!.pause?.afterChunk === i)
          await Promise.race([reply!.pause.until, cancelled]);
      }
      if (reply!.kind === 'stream-error') throw new Error(reply!.message);
      if (reply!.kind === 'truncated' || reply!.kind === 'malformed') throw new Error('Response stream was closed');
    }
    const s = stream();
    return {
      stream: s,
      text: (async function* () {
        for await (const p of s) if (p instanceof LanguageModelTextPart) yield p.value;
      })(),
    };
  }
}

function partsOf(reply: LmReply): Array<LanguageModelTextPart | LanguageModelToolCallPart> {
  switch (reply.kind) {
    case 'text':
    case 'truncated':
    case 'malformed':
    case 'stream-error':
      return reply.chunks.map((c) => new LanguageModelTextPart(c));
    case 'tools':
      return [
        ...(reply.text ? [new LanguageModelTextPart(reply.text)] : []),
        ...reply.calls.map(
          (c, i) =>
            new LanguageModelToolCallPart(
              c.id ?? `toolu_${i}_${Math.random().toString(36).slice(2, 10)}`,
              c.name,
              // A provider parses the model's JSON before it reports a call: the input is an object.
              typeof c.arguments === 'string' ? (JSON.parse(c.arguments) as object) : c.arguments,
            ),
        ),
      ];
    case 'dynamic':
      throw new Error('stand-in model: dynamic replies are not supported');
    default:
      return [];
  }
}

/** What a chat provider rejects (VS Code's own checks, and the tool-call pairing models require). */
function checkProtocol(messages: unknown[], options: vscode.LanguageModelChatRequestOptions): void {
  const bad = (why: string) => {
    throw new Error(`stand-in model: invalid request: ${why}`);
  };
  if (messages.length === 0) bad('no messages');
  let open = new Set<string>();
  messages.forEach((m, i) => {
    if (!(m instanceof LanguageModelChatMessage)) bad(`message ${i} is not a LanguageModelChatMessage`);
    const msg = m as LanguageModelChatMessage;
    if (msg.role !== LanguageModelChatMessageRole.User && msg.role !== LanguageModelChatMessageRole.Assistant)
      bad(`message ${i} has role ${String(msg.role)} (the system role needs the languageModelSystem proposal)`);
    const results = msg.content.filter((p) => p instanceof LanguageModelToolResultPart);
    const calls = msg.content.filter((p) => p instanceof LanguageModelToolCallPart);
    if (msg.role === LanguageModelChatMessageRole.Assistant && results.length)
      bad(`message ${i}: tool result from the assistant`);
    if (msg.role === LanguageModelChatMessageRole.User && calls.length) bad(`message ${i}: tool call from the user`);
    for (const r of results) {
      if (!open.has(r.callId)) bad(`message ${i}: tool result for unknown call ${r.callId}`);
      open.delete(r.callId);
    }
    if (open.size) bad(`message ${i}: calls ${[...open].join(', ')} got no result`);
    open = new Set(calls.map((c) => c.callId));
  });
  if (open.size) bad('the last message has unanswered tool calls');
  for (const t of options.tools ?? []) {
    if (!/^[\w-]+$/.test(t.name)) bad(`tool name ${JSON.stringify(t.name)}`);
    if ((t.inputSchema as { type?: unknown } | undefined)?.type !== 'object')
      bad(`tool ${t.name}: inputSchema is not an object schema`);
  }
}
