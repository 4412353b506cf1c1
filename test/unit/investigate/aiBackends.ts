/**
 * The two chat adapters behind one test face, so every tool-loop scenario runs against each: the OpenAI
 * adapter against the scripted OpenAI-compatible server (through the real `openai` SDK), and the VS Code
 * adapter against the stand-in of `vscode.lm` (test/support/vscodeLmStandIn.ts). A request is seen in one
 * shape whichever adapter sent it: the tool names offered, whether tools were allowed, and the messages
 * as role + text (a VS Code tool-result part counts as a `tool` message, as OpenAI's are).
 */
import type * as vscode from 'vscode';
import type { AiSetup } from '../../../src/core/investigate/investigation';
import type { LoopLimits } from '../../../src/core/investigate/llmInvestigator';
import { VscodeChatModel, type LmApi } from '../../../src/host/ai/vscodeChatModel';
import { OpenAiTestServer } from '../../servers/openai/openaiTestServer';
import {
  LanguageModelChatMessageRole,
  LanguageModelTextPart,
  LanguageModelToolCallPart,
  LanguageModelToolResultPart,
  ScriptedLanguageModel,
  lmApi,
  type LmReply,
} from '../../support/vscodeLmStandIn';

export interface SentRequest {
  tools: string[];
  /** `none`: the model was not offered tools (OpenAI: tool_choice none; VS Code: no tools). */
  toolChoice: 'auto' | 'none';
  messages: Array<{ role: string; content: string }>;
  /** Everything the provider received for this request, as text. */
  raw: string;
}

export interface AiBackend {
  readonly name: 'openai' | 'vscode';
  start(): Promise<void>;
  stop(): Promise<void>;
  enqueue(...replies: LmReply[]): void;
  readonly pending: number;
  /** Requests so far (slice from a count taken before the run). */
  sent(): SentRequest[];
  allReceivedText(): string;
  /** The run's AI setup, with the loop limits (and, for OpenAI, connection settings) of the test. */
  ai(overrides?: LoopLimits & { baseUrl?: string }): AiSetup;
}

export class OpenAiBackend implements AiBackend {
  readonly name = 'openai' as const;
  server!: OpenAiTestServer;
  constructor(private readonly apiKey: string) {}
  async start() {
    this.server = await new OpenAiTestServer({ apiKey: this.apiKey }).start();
  }
  stop() {
    return this.server.stop();
  }
  enqueue(...replies: LmReply[]) {
    for (const r of replies) {
      if (r.kind === 'lm-error' || r.kind === 'stream-error') throw new Error(`${r.kind} is a VS Code reply`);
      this.server.enqueue(r);
    }
  }
  get pending() {
    return this.server.pending;
  }
  sent(): SentRequest[] {
    return this.server.requests.map((r) => ({
      tools: (r.body?.tools ?? []).map((t) => t.function.name),
      toolChoice: r.body?.tool_choice === 'auto' ? 'auto' : 'none',
      messages: (r.body?.messages ?? []).map((m) => ({
        role: m.role,
        content: typeof m.content === 'string' ? m.content : '',
      })),
      raw: r.raw,
    }));
  }
  allReceivedText() {
    return this.server.allReceivedText();
  }
  ai(overrides: LoopLimits & { baseUrl?: string } = {}): AiSetup {
    return { apiKey: this.apiKey, baseUrl: this.server.baseUrl, model: 'gpt-test', maxRetries: 0, ...overrides };
  }
}

export class VscodeLmBackend implements AiBackend {
  readonly name = 'vscode' as const;
  readonly model = new ScriptedLanguageModel();
  start() {
    return Promise.resolve();
  }
  stop() {
    return Promise.resolve();
  }
  enqueue(...replies: LmReply[]) {
    this.model.enqueue(...replies);
  }
  get pending() {
    return this.model.pending;
  }
  sent(): SentRequest[] {
    return this.model.requests.map((r) => ({
      tools: (r.options.tools ?? []).map((t) => t.name),
      toolChoice: r.options.tools?.length ? 'auto' : 'none',
      messages: r.messages.flatMap((m) => {
        const results = m.content.filter((p) => p instanceof LanguageModelToolResultPart);
        if (results.length)
          return results.map((p) => ({
            role: 'tool',
            content: p.content.map((c) => (c instanceof LanguageModelTextPart ? c.value : '')).join(''),
          }));
        return [
          {
            role: m.role === LanguageModelChatMessageRole.User ? 'user' : 'assistant',
            content: m.content
              .filter((p) => p instanceof LanguageModelTextPart || p instanceof LanguageModelToolCallPart)
              .map((p) => (p instanceof LanguageModelTextPart ? p.value : ''))
              .join(''),
          },
        ];
      }),
      raw: JSON.stringify(r),
    }));
  }
  allReceivedText() {
    return this.model.allReceivedText();
  }
  ai(overrides: LoopLimits = {}): AiSetup {
    const { maxSteps, maxToolOutputChars, tokenBudget } = overrides;
    return {
      chat: new VscodeChatModel(this.model as unknown as vscode.LanguageModelChat, lmApi as unknown as LmApi),
      ...(maxSteps !== undefined ? { maxSteps } : {}),
      ...(maxToolOutputChars !== undefined ? { maxToolOutputChars } : {}),
      ...(tokenBudget !== undefined ? { tokenBudget } : {}),
    };
  }
}
