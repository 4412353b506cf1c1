/**
 * The OpenAI adapter of the chat port: any OpenAI-compatible chat-completions endpoint through the
 * `openai` SDK, streamed (`stream: true`, `tool_calls` deltas). Provider errors become ChatModelErrors
 * with a plain message; the key is never part of one, nor of the log.
 */
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { RcaError } from '../common/errors';
import { untilAborted } from '../common/clock';
import { nullLogger, type Logger } from '../common/logger';
import { estimateTokens } from '../investigate/evidenceRender';
import { SecretScrubber } from '../investigate/secretScrubber';
import {
  ChatModelError,
  streamCutError,
  type ChatMessage,
  type ChatModel,
  type ChatPart,
  type ChatRequest,
  type ChatToolCall,
  type FinishReason,
} from './chatModel';

export interface OpenAiConfig {
  apiKey: string;
  /** Any OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 for Ollama. Default: OpenAI. */
  baseUrl?: string;
  model: string;
  /** Per request, ms (default 120 s). */
  timeoutMs?: number;
  /** SDK retries for 429/5xx/connection errors (default 2). */
  maxRetries?: number;
  /** Ask for a usage chunk at the end of each stream (some compatible servers reject the option). */
  includeUsage?: boolean;
}

const DEFAULTS = { timeoutMs: 120_000, maxRetries: 2 };

export class OpenAiChatModel implements ChatModel {
  readonly provider = 'openai' as const;
  readonly exactTokens = false;
  readonly model: string;
  readonly label: string;
  private readonly client: OpenAI;

  constructor(
    private readonly config: OpenAiConfig,
    options: { logger?: Logger; scrubber?: SecretScrubber; fetch?: typeof fetch } = {},
  ) {
    if (!config.apiKey)
      throw new RcaError(
        'usage',
        'No AI API key is set.',
        'Set one with "Sentry RCA: Set OpenAI API Key" (or OPENAI_API_KEY for the CLI), or use the report without AI.',
      );
    if (!config.model) throw new RcaError('usage', 'No AI model is configured.', 'Set sentryRCA.ai.model.');
    this.model = config.model;
    this.label = openAiLabel(config);
    const log = options.logger ?? nullLogger;
    // The key itself is a secret the log must never carry, whatever else the host knows.
    const scrubber = options.scrubber ?? new SecretScrubber([config.apiKey]);
    const line = (args: unknown[]) =>
      scrubber
        .scrub(
          args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : JSON.stringify(a))).join(' '),
        )
        .slice(0, 500);
    this.client = new OpenAI({
      apiKey: config.apiKey,
      // The SDK's own diagnostics go to our log channel, not to the console.
      logger: {
        error: (...a: unknown[]) => log.warn(`openai: ${line(a)}`),
        warn: (...a: unknown[]) => log.warn(`openai: ${line(a)}`),
        info: (...a: unknown[]) => log.debug(`openai: ${line(a)}`),
        debug: () => {},
      },
      ...(config.baseUrl ? { baseURL: config.baseUrl } : {}),
      timeout: config.timeoutMs ?? DEFAULTS.timeoutMs,
      maxRetries: config.maxRetries ?? DEFAULTS.maxRetries,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  }

  /** An estimate over the wire form of the messages (the endpoint's tokenizer is not known here). */
  countTokens(messages: ChatMessage[]): Promise<number> {
    return Promise.resolve(estimateTokens(JSON.stringify(messages.map(toOpenAi))));
  }

  async *send(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ChatPart> {
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null = null;
    const acc: Array<{ id: string; name: string; args: string }> = [];
    const tools: ChatCompletionTool[] = request.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }));
    try {
      // The SDK's retry back-off (a 429's `retry-after: 20`, twice) does not watch the signal: Stop
      // must not wait it out.
      const stream = await untilAborted(
        this.client.chat.completions.create(
          {
            model: this.config.model,
            messages: request.messages.map(toOpenAi),
            stream: true,
            ...(this.config.includeUsage === false ? {} : { stream_options: { include_usage: true } }),
            ...(tools.length ? { tools, tool_choice: request.toolMode === 'none' ? 'none' : 'auto' } : {}),
          },
          { signal },
        ),
        signal,
      );
      for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices[0];
        if (!choice) continue;
        const d = choice.delta;
        if (d?.content) yield { type: 'text', text: d.content };
        for (const tc of d?.tool_calls ?? []) {
          const slot = (acc[tc.index] ??= { id: '', name: '', args: '' });
          if (tc.id) slot.id = tc.id;
          if (tc.function?.name) slot.name += tc.function.name;
          if (tc.function?.arguments) slot.args += tc.function.arguments;
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
    } catch (e) {
      throw providerError(e, signal);
    }
    if (finish === null) throw streamCutError();
    const step = Date.now().toString(36);
    for (const [i, c] of acc.entries())
      if (c) yield { type: 'toolCall', call: { id: c.id || `call_${step}_${i}`, name: c.name, arguments: c.args } };
    yield {
      type: 'end',
      finish: isFinish(finish) ? finish : 'stop',
      usage: usage
        ? {
            promptTokens: usage.prompt_tokens,
            completionTokens: usage.completion_tokens,
            totalTokens: usage.total_tokens,
          }
        : null,
    };
  }
}

function isFinish(f: string): f is FinishReason {
  return f === 'stop' || f === 'tool_calls' || f === 'length' || f === 'content_filter';
}

/** "OpenAI-compatible API: gpt-4o-mini at api.example.com": which provider, model and endpoint. */
export function openAiLabel(config: Pick<OpenAiConfig, 'model' | 'baseUrl'>): string {
  return `OpenAI-compatible API: ${config.model}${config.baseUrl ? ` at ${hostOf(config.baseUrl)}` : ''}`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A neutral message in the chat-completions wire format. */
export function toOpenAi(m: ChatMessage): ChatCompletionMessageParam {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'assistant':
      return m.toolCalls?.length
        ? { role: 'assistant', content: m.content || null, tool_calls: m.toolCalls.map(toWireCall) }
        : { role: 'assistant', content: m.content };
    case 'tool':
      return { role: 'tool', tool_call_id: m.callId, content: m.content };
  }
}

function toWireCall(c: ChatToolCall) {
  return { id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } };
}

/** A plain message for each way a provider call fails; the key is never part of it. */
export function providerError(e: unknown, signal?: AbortSignal): RcaError {
  if (signal?.aborted || e instanceof OpenAI.APIUserAbortError)
    return new RcaError('cancelled', 'AI investigation stopped.', undefined, { cause: e });
  if (e instanceof RcaError) return e;
  if (e instanceof OpenAI.APIConnectionTimeoutError)
    return new ChatModelError(
      'timeout',
      'The AI provider did not answer in time.',
      'Check the base URL and your connection, or raise the timeout.',
      { cause: e },
    );
  if (e instanceof OpenAI.APIConnectionError)
    return new ChatModelError(
      'network',
      `Could not reach the AI provider: ${e.cause instanceof Error ? e.cause.message : e.message}`,
      'Check sentryRCA.ai.baseUrl and your network or proxy.',
      { cause: e },
    );
  if (e instanceof OpenAI.APIError) {
    const detail = apiMessage(e);
    switch (e.status) {
      case 401:
        return new ChatModelError(
          'auth',
          `The AI provider rejected the API key (401${e.code ? ` ${e.code}` : ''}).`,
          'Set a valid key with "Sentry RCA: Set OpenAI API Key" (CLI: OPENAI_API_KEY).',
          { cause: e },
        );
      case 403:
        return new ChatModelError('auth', `The AI provider refused the request (403): ${detail}`, undefined, {
          cause: e,
        });
      case 404:
        return new ChatModelError(
          'not-found',
          `The AI provider does not know this model or endpoint (404): ${detail}`,
          'Check sentryRCA.ai.model and sentryRCA.ai.baseUrl.',
          { cause: e },
        );
      case 429: {
        const after = e.headers?.get('retry-after');
        return new ChatModelError(
          e.code === 'insufficient_quota' ? 'quota' : 'rate-limited',
          `The AI provider is rate-limiting requests (429)${after ? `; it asks to retry after ${after} s` : ''}: ${detail}`,
          'Wait and press Re-run, or use a key with a higher limit.',
          { cause: e },
        );
      }
      case 400:
        if (e.code === 'context_length_exceeded')
          return new ChatModelError(
            'context-length',
            `The evidence is too long for this model's context window: ${detail}`,
            'Lower sentryRCA.ai.evidenceTokens or pick a model with a larger context.',
            { cause: e },
          );
        return new ChatModelError('provider', `The AI provider rejected the request (400): ${detail}`, undefined, {
          cause: e,
        });
      default:
        return new ChatModelError(
          'provider',
          `The AI provider failed (${e.status ?? 'no status'}): ${detail}`,
          'Re-run in a moment.',
          { cause: e },
        );
    }
  }
  // A connection dropped mid-stream surfaces from fetch as "terminated" / a socket error.
  if (
    e instanceof Error &&
    (e.message === 'terminated' ||
      /ECONNRESET|UND_ERR_SOCKET|socket hang up|other side closed/i.test(
        `${e.message} ${(e.cause as { code?: string } | undefined)?.code ?? ''} ${e.cause instanceof Error ? e.cause.message : ''}`,
      ))
  ) {
    return streamCutError(e);
  }
  if (e instanceof SyntaxError || (e instanceof Error && /parse|JSON/i.test(e.message))) {
    return new ChatModelError(
      'malformed',
      `The AI provider sent a malformed response: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}`,
      'The endpoint may not be fully OpenAI-compatible; check sentryRCA.ai.baseUrl.',
      { cause: e },
    );
  }
  return new RcaError('internal', `AI investigation failed: ${e instanceof Error ? e.message : String(e)}`, undefined, {
    cause: e,
  });
}

function apiMessage(e: InstanceType<typeof OpenAI.APIError>): string {
  const err = e.error as { message?: unknown } | undefined;
  const m = typeof err?.message === 'string' ? err.message : e.message;
  return m.length > 300 ? `${m.slice(0, 300)}…` : m;
}
