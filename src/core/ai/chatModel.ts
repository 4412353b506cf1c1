/**
 * The provider-neutral chat port: what the investigation's tool loop needs from any chat model —
 * messages, tool definitions, a stream of text and tool-call parts, token counting and typed errors.
 * Two adapters implement it: the OpenAI-compatible endpoint (core/ai/openaiChatModel.ts) and the
 * editor's own models through VS Code's Language Model API (host/ai/vscodeChatModel.ts).
 */
import { RcaError, type ErrorKind } from '../common/errors';

export interface ChatToolCall {
  /** The provider's id of the call; the tool result answers it. */
  id: string;
  name: string;
  /** JSON text of the arguments exactly as the model produced them. */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ChatToolCall[] }
  | { role: 'tool'; callId: string; name: string; content: string };

export interface ChatToolDefinition {
  name: string;
  description: string;
  /** JSON schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  messages: ChatMessage[];
  tools: ChatToolDefinition[];
  /** `none`: the model must answer in text (the last turn of a bounded loop). */
  toolMode: 'auto' | 'none';
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** Why a turn ended, in the OpenAI vocabulary (other providers map to it). */
export type FinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter';

/** One piece of a streamed answer. A stream ends with exactly one `end` part. */
export type ChatPart =
  | { type: 'text'; text: string }
  | { type: 'toolCall'; call: ChatToolCall }
  | { type: 'end'; finish: FinishReason; usage: TokenUsage | null };

export type ChatProviderId = 'openai' | 'vscode';

export interface ChatModel {
  readonly provider: ChatProviderId;
  /** The model's id as the provider knows it, e.g. `gpt-4o-mini` or `copilot/gpt-4o`. */
  readonly model: string;
  /** For people: which provider and model ran, e.g. "VS Code language model: GPT-4o (copilot/gpt-4o)". */
  readonly label: string;
  /** True when `countTokens` uses the model's own tokenizer; false when it estimates. */
  readonly exactTokens: boolean;
  /** Streams one turn; throws a `ChatModelError` (or `RcaError` kind `cancelled`) when it fails. */
  send(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ChatPart>;
  countTokens(messages: ChatMessage[], signal?: AbortSignal): Promise<number>;
}

/** What went wrong with a chat model, whichever provider it is. */
export type ChatErrorReason =
  | 'no-model'
  | 'no-permissions'
  | 'blocked'
  | 'not-found'
  | 'rate-limited'
  | 'quota'
  | 'auth'
  | 'context-length'
  | 'network'
  | 'timeout'
  | 'stream-cut'
  | 'malformed'
  | 'provider';

const KIND: Record<ChatErrorReason, ErrorKind> = {
  'no-model': 'usage',
  'no-permissions': 'auth',
  blocked: 'remote',
  'not-found': 'usage',
  'rate-limited': 'remote',
  quota: 'remote',
  auth: 'auth',
  'context-length': 'remote',
  network: 'network',
  timeout: 'network',
  'stream-cut': 'remote',
  malformed: 'remote',
  provider: 'remote',
};

/** A chat model failure with a plain message; the caller keeps the deterministic report. */
export class ChatModelError extends RcaError {
  constructor(
    readonly reason: ChatErrorReason,
    message: string,
    hint?: string,
    options?: { cause?: unknown },
  ) {
    super(KIND[reason], message, hint, options);
    this.name = 'ChatModelError';
  }
}

export function streamCutError(cause?: unknown): ChatModelError {
  return new ChatModelError(
    'stream-cut',
    'The AI response stream ended before the answer was complete (connection dropped).',
    'Re-run the investigation; if it keeps happening, check the provider or proxy in between.',
    cause === undefined ? undefined : { cause },
  );
}
