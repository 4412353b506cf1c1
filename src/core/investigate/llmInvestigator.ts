/**
 * The AI investigation: one bounded tool loop over any chat model behind the provider-neutral port
 * (core/ai/chatModel.ts) — the OpenAI-compatible endpoint or one of the editor's own models.
 * The model starts from the budgeted evidence, may call the read-only tools, and streams its answer.
 * Bounds: a step cap (one step = one model request), a per-tool output cap, refusal of duplicate calls,
 * a total token budget (counted with the model's own tokenizer when it has one), and cancellation
 * through an AbortSignal. Provider errors arrive as ChatModelErrors with a plain message; the caller
 * keeps the deterministic report either way.
 */
import type { Claim } from './claimVerifier';
import {
  streamCutError,
  type ChatMessage,
  type ChatModel,
  type ChatProviderId,
  type ChatToolCall,
  type ChatToolDefinition,
  type FinishReason,
  type TokenUsage,
} from '../ai/chatModel';
import type { OpenAiConfig } from '../ai/openaiChatModel';
import { nullLogger, type Logger } from '../common/logger';
import type { AnalysisReport } from './analyzer';
import type { Evidence } from './evidence';
import { estimateTokens } from './evidenceRender';
import { FINAL_TURN_NOTE, systemPrompt, userPrompt } from './prompt';
import { SecretScrubber } from './secretScrubber';
import type { InvestigationTools } from './tools';

/** The bounds of one investigation's tool loop, whichever model runs it. */
export interface LoopLimits {
  /** Model requests in one investigation, tool turns included (default 8). */
  maxSteps?: number;
  /** Characters of one tool result the model gets; more is cut with a note to narrow the call (default 6000). */
  maxToolOutputChars?: number;
  /** Tokens (prompt + completion, summed over all requests) after which the model must answer (default 60k). */
  tokenBudget?: number;
}

/** The OpenAI-compatible endpoint and the loop's bounds (what the CLI and the `openai` provider use). */
export type LlmConfig = OpenAiConfig & LoopLimits;

export type ToolCallStatus = 'running' | 'ok' | 'error' | 'refused';

export interface ToolCallRecord {
  id: string;
  step: number;
  name: string;
  args: string;
  status: ToolCallStatus;
  /** Characters of the tool's own output, and what the model got after the cap. */
  resultChars: number;
  sentChars: number;
  truncated: boolean;
  /** The beginning of what the model got, for display. */
  preview: string;
  durationMs: number;
}

export interface LlmProgress {
  /** A piece of the model's answer as it streams. */
  onText?(delta: string, step: number): void;
  /** A tool call started (status `running`) or finished. */
  onToolCall?(call: ToolCallRecord): void;
  /** Exactly the messages about to be sent for a step. */
  onRequest?(messages: ChatMessage[], step: number): void;
}

export type StopReason = 'answered' | 'step-cap' | 'token-budget';

export interface LlmResult {
  markdown: string;
  /** Which provider and model ran (the model id, and the label people read). */
  provider: ChatProviderId;
  model: string;
  label: string;
  steps: number;
  stopReason: StopReason;
  toolCalls: ToolCallRecord[];
  /** `estimated`: some turn's figure was estimated rather than reported or counted by the model's tokenizer. */
  usage: TokenUsage & { estimated: boolean };
  /** The whole conversation as sent (the last request's messages plus the final answer). */
  transcript: ChatMessage[];
  /** Milliseconds from the request to the first streamed answer token, per step that had text. */
  firstTokenMs: number | null;
  /** The answer's citations, checked against the workspace, git, the logs and the events (set after the run). */
  claims?: Claim[];
}

const DEFAULTS = { maxSteps: 8, maxToolOutputChars: 6000, tokenBudget: 60_000 };

export class LlmInvestigator {
  private readonly logger: Logger;
  private readonly scrubber: SecretScrubber;

  constructor(
    private readonly chat: ChatModel,
    private readonly limits: LoopLimits = {},
    options: { logger?: Logger; scrubber?: SecretScrubber } = {},
  ) {
    this.logger = options.logger ?? nullLogger;
    this.scrubber = options.scrubber ?? new SecretScrubber([]);
  }

  async run(
    evidence: Evidence,
    report: AnalysisReport,
    tools: InvestigationTools,
    progress: LlmProgress = {},
    signal?: AbortSignal,
  ): Promise<LlmResult> {
    const maxSteps = Math.max(1, this.limits.maxSteps ?? DEFAULTS.maxSteps);
    const outCap = this.limits.maxToolOutputChars ?? DEFAULTS.maxToolOutputChars;
    const budget = this.limits.tokenBudget ?? DEFAULTS.tokenBudget;
    const defs: ChatToolDefinition[] = tools.definitions().map((d) => ({
      name: d.function.name,
      description: d.function.description,
      parameters: d.function.parameters,
    }));
    const messages: ChatMessage[] = [
      {
        role: 'system',
        content: systemPrompt(
          maxSteps,
          defs.map((d) => d.name),
        ),
      },
      { role: 'user', content: this.scrubber.scrub(userPrompt(evidence, report)) },
    ];
    const calls: ToolCallRecord[] = [];
    const seen = new Map<string, number>();
    const usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0, estimated: false };
    const answerParts: string[] = [];
    let firstTokenMs: number | null = null;
    let stopReason: StopReason = 'answered';
    let forcedFinal = false;

    for (let step = 1; step <= maxSteps; step++) {
      signal?.throwIfAborted();
      const estimate = await this.chat.countTokens(messages, signal);
      const finalTurn = step === maxSteps || usage.totalTokens + estimate > budget;
      if (finalTurn && !forcedFinal && step > 1) {
        forcedFinal = true;
        if (step < maxSteps) stopReason = 'token-budget';
        messages.push({ role: 'user', content: FINAL_TURN_NOTE });
      }
      progress.onRequest?.(messages, step);
      const turn = await this.request(messages, defs, finalTurn, step, progress, signal);
      if (turn.firstTokenMs !== null && firstTokenMs === null) firstTokenMs = turn.firstTokenMs;
      if (turn.usage) {
        usage.promptTokens += turn.usage.promptTokens;
        usage.completionTokens += turn.usage.completionTokens;
        usage.totalTokens += turn.usage.totalTokens;
      } else {
        // The provider sent no usage: count what went both ways (with the model's tokenizer when it
        // has one), and say when the figure is an estimate.
        const out = this.chat.exactTokens
          ? await this.chat.countTokens([{ role: 'assistant', content: turn.text, toolCalls: turn.toolCalls }], signal)
          : estimateTokens(turn.text + JSON.stringify(turn.toolCalls));
        usage.promptTokens += estimate;
        usage.completionTokens += out;
        usage.totalTokens += estimate + out;
        if (!this.chat.exactTokens) usage.estimated = true;
      }
      if (turn.text) answerParts.push(turn.text);

      if (turn.toolCalls.length === 0) {
        messages.push({ role: 'assistant', content: turn.text });
        if (step === maxSteps && forcedFinal && stopReason === 'answered' && step > 1) stopReason = 'step-cap';
        return this.result(answerParts, stopReason, step, calls, usage, messages, firstTokenMs);
      }
      if (finalTurn) {
        // The model asked for tools on the turn it was told to answer: stop here with what it said.
        this.logger.warn(`model requested ${turn.toolCalls.length} tool call(s) on its final turn; stopping`);
        messages.push({ role: 'assistant', content: turn.text, toolCalls: turn.toolCalls });
        answerParts.push(
          `_The model did not answer within ${maxSteps} steps${stopReason === 'token-budget' ? ' and the token budget' : ''}; it asked for more tools instead._`,
        );
        return this.result(
          answerParts,
          stopReason === 'token-budget' ? 'token-budget' : 'step-cap',
          step,
          calls,
          usage,
          messages,
          firstTokenMs,
        );
      }

      messages.push({ role: 'assistant', content: turn.text, toolCalls: turn.toolCalls });
      for (const tc of turn.toolCalls) {
        const rec = await this.runTool(tc, step, tools, seen, calls.length, outCap, progress, signal);
        calls.push(rec.record);
        messages.push({ role: 'tool', callId: tc.id, name: tc.name, content: rec.content });
      }
    }
    // Unreachable: the last step is always a final turn that returns.
    return this.result(answerParts, 'step-cap', maxSteps, calls, usage, messages, firstTokenMs);
  }

  private result(
    parts: string[],
    stopReason: StopReason,
    steps: number,
    toolCalls: ToolCallRecord[],
    usage: LlmResult['usage'],
    transcript: ChatMessage[],
    firstTokenMs: number | null,
  ): LlmResult {
    return {
      markdown: parts.join('\n\n').trim(),
      provider: this.chat.provider,
      model: this.chat.model,
      label: this.chat.label,
      steps,
      stopReason,
      toolCalls,
      usage,
      transcript,
      firstTokenMs,
    };
  }

  private async runTool(
    tc: ChatToolCall,
    step: number,
    tools: InvestigationTools,
    seen: Map<string, number>,
    index: number,
    outCap: number,
    progress: LlmProgress,
    signal?: AbortSignal,
  ): Promise<{ record: ToolCallRecord; content: string }> {
    const started = performance.now();
    const name = tc.name;
    const rawArgs = this.scrubber.scrub(tc.arguments ?? '');
    const base: ToolCallRecord = {
      id: tc.id,
      step,
      name,
      args: rawArgs,
      status: 'running',
      resultChars: 0,
      sentChars: 0,
      truncated: false,
      preview: '',
      durationMs: 0,
    };
    progress.onToolCall?.({ ...base });

    let args: Record<string, unknown> | null = null;
    let output: string;
    let status: ToolCallStatus;
    try {
      const parsed: unknown = rawArgs.trim() ? JSON.parse(rawArgs) : {};
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) args = parsed as Record<string, unknown>;
    } catch {
      /* handled below */
    }
    const key = args ? `${name}:${stableJson(args)}` : null;
    if (!args) {
      output = 'Refused: the arguments are not a JSON object. Send valid JSON matching the tool schema.';
      status = 'refused';
    } else if (key && seen.has(key)) {
      output = `Refused: duplicate of call #${seen.get(key)! + 1} with the same arguments. Its result is above; use it, or ask for something different.`;
      status = 'refused';
    } else {
      seen.set(key!, index);
      const r = await tools.run(name, args, signal);
      output = r.output;
      status = r.ok ? 'ok' : output.startsWith('Refused:') ? 'refused' : 'error';
    }
    output = this.scrubber.scrub(output);
    const resultChars = output.length;
    let content = output;
    let truncated = false;
    if (output.length > outCap) {
      truncated = true;
      content = `${output.slice(0, outCap)}\n[output truncated: ${outCap} of ${output.length} characters shown. Narrow the request: a smaller line range, a more specific pattern or grep, or a shorter time window.]`;
    }
    const record: ToolCallRecord = {
      ...base,
      status,
      resultChars,
      sentChars: content.length,
      truncated,
      preview: content.slice(0, 400),
      durationMs: Math.round(performance.now() - started),
    };
    progress.onToolCall?.(record);
    return { record, content };
  }

  private async request(
    messages: ChatMessage[],
    tools: ChatToolDefinition[],
    finalTurn: boolean,
    step: number,
    progress: LlmProgress,
    signal?: AbortSignal,
  ): Promise<{ text: string; toolCalls: ChatToolCall[]; usage: TokenUsage | null; firstTokenMs: number | null }> {
    const started = performance.now();
    let text = '';
    let firstTokenMs: number | null = null;
    let end: { finish: FinishReason; usage: TokenUsage | null } | null = null;
    const toolCalls: ChatToolCall[] = [];
    // A copy: the adapter may convert the messages lazily while the loop appends to its own list.
    for await (const part of this.chat.send(
      { messages: [...messages], tools, toolMode: finalTurn ? 'none' : 'auto' },
      signal,
    )) {
      signal?.throwIfAborted();
      if (part.type === 'text') {
        if (!part.text) continue;
        if (firstTokenMs === null) firstTokenMs = performance.now() - started;
        text += part.text;
        progress.onText?.(part.text, step);
      } else if (part.type === 'toolCall') {
        toolCalls.push(part.call);
      } else {
        end = { finish: part.finish, usage: part.usage };
      }
    }
    if (!end) throw streamCutError();
    if (end.finish === 'length') text += '\n\n_(The model hit its output length limit; the answer is cut.)_';
    if (end.finish === 'content_filter') text += '\n\n_(The provider filtered the rest of the answer.)_';
    return { text, toolCalls, usage: end.usage, firstTokenMs };
  }
}

/** JSON with sorted keys, so `{a,b}` and `{b,a}` count as the same call. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}
