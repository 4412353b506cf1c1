/**
 * The VS Code adapter of the chat port: one of the editor's own language models (Copilot's, or any
 * extension's) through `vscode.lm` — `LanguageModelChat.sendRequest` with tools, the streamed
 * `LanguageModelTextPart` / `LanguageModelToolCallPart`s, tool results sent back as
 * `LanguageModelToolResultPart`s, the model's own `countTokens`, and cancellation. `LanguageModelError`s
 * (the consent prompt refused, blocked, not found) and quota or rate errors become ChatModelErrors in
 * plain words.
 *
 * The `vscode` module is imported for its types only: the API objects come in as `LmApi`, so the same
 * code runs in the extension host and, against a faithful stand-in, in the plain-Node scenario tests.
 */
import type * as vscode from 'vscode';
import { RcaError } from '../../core/common/errors';
import { untilAborted } from '../../core/common/clock';
import {
  ChatModelError,
  type ChatMessage,
  type ChatModel,
  type ChatPart,
  type ChatRequest,
  type ChatToolCall,
} from '../../core/ai/chatModel';

/** The parts of the `vscode` namespace the adapter uses. */
export type LmApi = Pick<
  typeof vscode,
  | 'LanguageModelChatMessage'
  | 'LanguageModelTextPart'
  | 'LanguageModelToolCallPart'
  | 'LanguageModelToolResultPart'
  | 'LanguageModelError'
  | 'LanguageModelChatToolMode'
  | 'CancellationTokenSource'
>;

/** Shown in VS Code's consent prompt: why Sentry RCA wants to use the model. */
export const LM_JUSTIFICATION =
  'Sentry RCA sends the evidence of the issue you diagnose (its events, code around the crash, git history and server log lines, secrets redacted) so the model can find the root cause.';

/** "copilot/gpt-4o": how the model is named in the setting and the panel. */
export function modelSelectorOf(m: Pick<vscode.LanguageModelChat, 'vendor' | 'family'>): string {
  return `${m.vendor}/${m.family}`;
}

export class VscodeChatModel implements ChatModel {
  readonly provider = 'vscode' as const;
  readonly exactTokens = true;
  readonly model: string;
  readonly label: string;

  constructor(
    private readonly lm: vscode.LanguageModelChat,
    private readonly api: LmApi,
  ) {
    this.model = modelSelectorOf(lm);
    this.label = `VS Code language model: ${lm.name} (${this.model})`;
  }

  async countTokens(messages: ChatMessage[], signal?: AbortSignal): Promise<number> {
    const cts = this.cancellation(signal);
    try {
      let n = 0;
      for (const m of this.toVscode(messages)) n += await untilAborted(this.lm.countTokens(m, cts.token), signal);
      return n;
    } catch (e) {
      throw this.error(e, signal);
    } finally {
      cts.dispose();
    }
  }

  async *send(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ChatPart> {
    const api = this.api;
    const cts = this.cancellation(signal);
    try {
      // The first request asks the user for consent (VS Code's own prompt); Stop must not wait for it.
      const response = await untilAborted(
        this.lm.sendRequest(
          this.toVscode(request.messages),
          {
            justification: LM_JUSTIFICATION,
            // VS Code has no "no tools" mode: on the final turn the model gets no tools to call.
            ...(request.toolMode === 'auto' && request.tools.length
              ? {
                  tools: request.tools.map((t) => ({
                    name: t.name,
                    description: t.description,
                    inputSchema: t.parameters,
                  })),
                  toolMode: api.LanguageModelChatToolMode.Auto,
                }
              : {}),
          },
          cts.token,
        ),
        signal,
      );
      let calls = 0;
      for await (const part of response.stream) {
        signal?.throwIfAborted();
        if (part instanceof api.LanguageModelTextPart) {
          yield { type: 'text', text: part.value };
        } else if (part instanceof api.LanguageModelToolCallPart) {
          calls++;
          yield {
            type: 'toolCall',
            call: { id: part.callId, name: part.name, arguments: JSON.stringify(part.input ?? {}) },
          };
        }
        // Other parts (data, future kinds) carry nothing the investigation reads.
      }
      // VS Code reports no usage: the loop counts with `countTokens`.
      yield { type: 'end', finish: calls ? 'tool_calls' : 'stop', usage: null };
    } catch (e) {
      throw this.error(e, signal);
    } finally {
      cts.dispose();
    }
  }

  private cancellation(signal?: AbortSignal): vscode.CancellationTokenSource {
    const cts = new this.api.CancellationTokenSource();
    if (signal?.aborted) cts.cancel();
    else signal?.addEventListener('abort', () => cts.cancel(), { once: true });
    return cts;
  }

  /** Neutral messages as VS Code's: the system prompt as the first user message (a system role is a proposal), tool results in one user message after the calls. */
  private toVscode(messages: ChatMessage[]): vscode.LanguageModelChatMessage[] {
    const { LanguageModelChatMessage: Msg, LanguageModelTextPart: Text } = this.api;
    const out: vscode.LanguageModelChatMessage[] = [];
    let results: vscode.LanguageModelToolResultPart[] | null = null;
    for (const m of messages) {
      if (m.role !== 'tool') results = null;
      switch (m.role) {
        case 'system':
        case 'user':
          out.push(Msg.User(m.content));
          break;
        case 'assistant': {
          const parts: Array<vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart> = [];
          if (m.content) parts.push(new Text(m.content));
          for (const c of m.toolCalls ?? []) parts.push(this.toolCallPart(c));
          out.push(Msg.Assistant(parts.length ? parts : ''));
          break;
        }
        case 'tool': {
          const part = new this.api.LanguageModelToolResultPart(m.callId, [new Text(m.content)]);
          if (results) results.push(part);
          else {
            results = [part];
            out.push(Msg.User(results));
          }
          break;
        }
      }
    }
    return out;
  }

  private toolCallPart(c: ChatToolCall): vscode.LanguageModelToolCallPart {
    let input: object = {};
    try {
      const parsed: unknown = JSON.parse(c.arguments || '{}');
      if (parsed && typeof parsed === 'object') input = parsed;
    } catch {
      // The model sent arguments that are not JSON; the loop refused the call, the history keeps `{}`.
    }
    return new this.api.LanguageModelToolCallPart(c.id, c.name, input);
  }

  private error(e: unknown, signal?: AbortSignal): RcaError {
    return lmError(e, this.api, this.label, signal);
  }
}

/** A plain message for each way a VS Code language model fails. */
export function lmError(
  e: unknown,
  api: Pick<LmApi, 'LanguageModelError'>,
  label: string,
  signal?: AbortSignal,
): RcaError {
  if (signal?.aborted || (e instanceof Error && (e.name === 'Canceled' || e.name === 'AbortError')))
    return new RcaError('cancelled', 'AI investigation stopped.', undefined, { cause: e });
  if (e instanceof RcaError) return e;
  const code =
    e instanceof api.LanguageModelError || (e instanceof Error && e.name === 'LanguageModelError')
      ? String((e as { code?: unknown }).code ?? '')
      : '';
  const detail = e instanceof Error ? e.message.slice(0, 300) : String(e).slice(0, 300);
  const choose = 'Choose another with "Sentry RCA: Choose AI Model", or set sentryRCA.ai.provider to openai or none.';
  if (code === 'NoPermissions')
    return new ChatModelError(
      'no-permissions',
      `Sentry RCA may not use ${label}: the consent prompt was refused or dismissed.`,
      'Run Diagnose again and choose "Allow" when VS Code asks, or set sentryRCA.ai.provider to openai or none.',
      { cause: e },
    );
  if (/quota|rate.?limit|too many requests|\b429\b/i.test(detail))
    return new ChatModelError(
      /quota/i.test(detail) ? 'quota' : 'rate-limited',
      `${label} refused the request: its quota or rate limit is used up (${detail}).`,
      'Wait and press Re-run, or choose another model with "Sentry RCA: Choose AI Model".',
      { cause: e },
    );
  if (code === 'Blocked')
    return new ChatModelError(
      'blocked',
      `${label} blocked the request${detail ? ` (${detail})` : ''}.`,
      `The model's provider (for example your Copilot plan or an organization policy) does not allow it now. ${choose}`,
      { cause: e },
    );
  if (code === 'NotFound')
    return new ChatModelError('not-found', `${label} is no longer available.`, choose, { cause: e });
  return new ChatModelError('provider', `${label} failed: ${detail}`, 'Re-run in a moment.', { cause: e });
}
