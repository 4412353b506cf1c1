/**
 * The AI investigation: a bounded tool loop over any OpenAI-compatible chat-completions endpoint.
 * The model starts from the budgeted evidence, may call the read-only tools, and streams its answer.
 * Bounds: a step cap (one step = one model request), a per-tool output cap, refusal of duplicate calls,
 * a total token budget, and cancellation through an AbortSignal. Provider errors become RcaErrors
 * with a plain message; the caller keeps the deterministic report either way.
 */
import type { Claim } from './claimVerifier';
import OpenAI from 'openai';
import type {
  ChatCompletionMessageParam,
  ChatCompletionMessageFunctionToolCall,
} from 'openai/resources/chat/completions';
import { RcaError } from '../common/errors';
import { abortError } from '../common/clock';
import { nullLogger, type Logger } from '../common/logger';
import type { AnalysisReport } from './analyzer';
import type { Evidence } from './evidence';
import { estimateTokens } from './evidenceRender';
import { FINAL_TURN_NOTE, systemPrompt, userPrompt } from './prompt';
import { SecretScrubber } from './secretScrubber';
import type { InvestigationTools } from './tools';

export interface LlmConfig {
  apiKey: string;
  /** Any OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 for Ollama. Default: OpenAI. */
  baseUrl?: string;
  model: string;
  /** Model requests in one investigation, tool turns included (default 8). */
  maxSteps?: number;
  /** Characters of one tool result the model gets; more is cut with a note to narrow the call (default 6000). */
  maxToolOutputChars?: number;
  /** Tokens (prompt + completion, summed over all requests) after which the model must answer (default 60k). */
  tokenBudget?: number;
  /** Per request, ms (default 120 s). */
  timeoutMs?: number;
  /** SDK retries for 429/5xx/connection errors (default 2). */
  maxRetries?: number;
  /** Ask for a usage chunk at the end of each stream (some compatible servers reject the option). */
  includeUsage?: boolean;
}

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
  onRequest?(messages: ChatCompletionMessageParam[], step: number): void;
}

export type StopReason = 'answered' | 'step-cap' | 'token-budget';

export interface LlmResult {
  markdown: string;
  model: string;
  steps: number;
  stopReason: StopReason;
  toolCalls: ToolCallRecord[];
  usage: { promptTokens: number; completionTokens: number; totalTokens: number; estimated: boolean };
  /** The whole conversation as sent (the last request's messages plus the final answer). */
  transcript: ChatCompletionMessageParam[];
  /** Milliseconds from the request to the first streamed answer token, per step that had text. */
  firstTokenMs: number | null;
  /** The answer's citations, checked against the workspace, git, the logs and the events (set after the run). */
  claims?: Claim[];
}

const DEFAULTS = { maxSteps: 8, maxToolOutputChars: 6000, tokenBudget: 60_000, timeoutMs: 120_000, maxRetries: 2 };

export class LlmInvestigator {
  private readonly client: OpenAI;
  private readonly logger: Logger;
  private readonly scrubber: SecretScrubber;

  constructor(
    private readonly config: LlmConfig,
    options: { logger?: Logger; scrubber?: SecretScrubber; fetch?: typeof fetch } = {},
  ) {
    if (!config.apiKey)
      throw new RcaError(
        'usage',
        'No AI API key is set.',
        'Set one with "Sentry RCA: Set OpenAI API Key" (or OPENAI_API_KEY for the CLI), or use the report without AI.',
      );
    if (!config.model) throw new RcaError('usage', 'No AI model is configured.', 'Set sentryRca.ai.model.');
    const log = options.logger ?? nullLogger;
    // The key itself is a secret the evidence and the log must never carry, whatever else the host knows.
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
    this.logger = log;
    this.scrubber = scrubber;
  }

  async run(
    evidence: Evidence,
    report: AnalysisReport,
    tools: InvestigationTools,
    progress: LlmProgress = {},
    signal?: AbortSignal,
  ): Promise<LlmResult> {
    const maxSteps = Math.max(1, this.config.maxSteps ?? DEFAULTS.maxSteps);
    const outCap = this.config.maxToolOutputChars ?? DEFAULTS.maxToolOutputChars;
    const budget = this.config.tokenBudget ?? DEFAULTS.tokenBudget;
    const defs = tools.definitions();
    const messages: ChatCompletionMessageParam[] = [
      {
        role: 'system',
        content: systemPrompt(
          maxSteps,
          defs.map((d) => d.function.name),
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
      const estimate = estimateTokens(JSON.stringify(messages));
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
        usage.promptTokens += turn.usage.prompt_tokens;
        usage.completionTokens += turn.usage.completion_tokens;
        usage.totalTokens += turn.usage.total_tokens;
      } else {
        // The server sent no usage: count what went both ways, and say the figure is an estimate.
        const out = estimateTokens(turn.text + JSON.stringify(turn.toolCalls));
        usage.promptTokens += estimate;
        usage.completionTokens += out;
        usage.totalTokens += estimate + out;
        usage.estimated = true;
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
        messages.push({ role: 'assistant', content: turn.text || null, tool_calls: turn.toolCalls });
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

      messages.push({ role: 'assistant', content: turn.text || null, tool_calls: turn.toolCalls });
      for (const tc of turn.toolCalls) {
        const rec = await this.runTool(tc, step, tools, seen, calls.length, outCap, progress, signal);
        calls.push(rec.record);
        messages.push({ role: 'tool', tool_call_id: tc.id, content: rec.content });
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
    transcript: ChatCompletionMessageParam[],
    firstTokenMs: number | null,
  ): LlmResult {
    return {
      markdown: parts.join('\n\n').trim(),
      model: this.config.model,
      steps,
      stopReason,
      toolCalls,
      usage,
      transcript,
      firstTokenMs,
    };
  }

  private async runTool(
    tc: ChatCompletionMessageFunctionToolCall,
    step: number,
    tools: InvestigationTools,
    seen: Map<string, number>,
    index: number,
    outCap: number,
    progress: LlmProgress,
    signal?: AbortSignal,
  ): Promise<{ record: ToolCallRecord; content: string }> {
    const started = performance.now();
    const name = tc.function.name;
    const rawArgs = this.scrubber.scrub(tc.function.arguments ?? '');
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
    messages: ChatCompletionMessageParam[],
    defs: ReturnType<InvestigationTools['definitions']>,
    finalTurn: boolean,
    step: number,
    progress: LlmProgress,
    signal?: AbortSignal,
  ): Promise<{
    text: string;
    toolCalls: ChatCompletionMessageFunctionToolCall[];
    usage: OpenAI.CompletionUsage | null;
    firstTokenMs: number | null;
  }> {
    const started = performance.now();
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | null = null;
    let firstTokenMs: number | null = null;
    const acc: Array<{ id: string; name: string; args: string }> = [];
    try {
      // The SDK's retry back-off (a 429's `retry-after: 20`, twice) does not watch the signal: Stop
      // must not wait it out.
      const stream = await untilAborted(
        this.client.chat.completions.create(
          {
            model: this.config.model,
            messages,
            stream: true,
            ...(this.config.includeUsage === false ? {} : { stream_options: { include_usage: true } }),
            ...(defs.length ? { tools: defs, tool_choice: finalTurn ? ('none' as const) : ('auto' as const) } : {}),
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
        if (d?.content) {
          if (firstTokenMs === null) firstTokenMs = performance.now() - started;
          text += d.content;
          progress.onText?.(d.content, step);
        }
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
    if (finish === null) {
      throw new RcaError(
        'remote',
        'The AI response stream ended before the answer was complete (connection dropped).',
        'Re-run the investigation; if it keeps happening, check the provider or proxy in between.',
      );
    }
    if (finish === 'length') text += '\n\n_(The model hit its output length limit; the answer is cut.)_';
    if (finish === 'content_filter') text += '\n\n_(The provider filtered the rest of the answer.)_';
    const toolCalls = acc.filter(Boolean).map((c, i): ChatCompletionMessageFunctionToolCall => ({
      id: c.id || `call_${step}_${i}`,
      type: 'function',
      function: { name: c.name, arguments: c.args },
    }));
    return { text, toolCalls, usage, firstTokenMs };
  }
}

/** `p`, or a rejection as soon as `signal` aborts (whatever `p` is still waiting for). */
function untilAborted<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** A plain message for each way a provider call fails; the key is never part of it. */
export function providerError(e: unknown, signal?: AbortSignal): RcaError {
  if (signal?.aborted || e instanceof OpenAI.APIUserAbortError)
    return new RcaError('cancelled', 'AI investigation stopped.', undefined, { cause: e });
  if (e instanceof RcaError) return e;
  if (e instanceof OpenAI.APIConnectionTimeoutError)
    return new RcaError(
      'network',
      'The AI provider did not answer in time.',
      'Check the base URL and your connection, or raise the timeout.',
      { cause: e },
    );
  if (e instanceof OpenAI.APIConnectionError)
    return new RcaError(
      'network',
      `Could not reach the AI provider: ${e.cause instanceof Error ? e.cause.message : e.message}`,
      'Check sentryRca.ai.baseUrl and your network or proxy.',
      { cause: e },
    );
  if (e instanceof OpenAI.APIError) {
    const detail = apiMessage(e);
    switch (e.status) {
      case 401:
        return new RcaError(
          'auth',
          `The AI provider rejected the API key (401${e.code ? ` ${e.code}` : ''}).`,
          'Set a valid key with "Sentry RCA: Set OpenAI API Key" (CLI: OPENAI_API_KEY).',
          { cause: e },
        );
      case 403:
        return new RcaError('auth', `The AI provider refused the request (403): ${detail}`, undefined, { cause: e });
      case 404:
        return new RcaError(
          'usage',
          `The AI provider does not know this model or endpoint (404): ${detail}`,
          'Check sentryRca.ai.model and sentryRca.ai.baseUrl.',
          { cause: e },
        );
      case 429: {
        const after = e.headers?.get('retry-after');
        return new RcaError(
          'remote',
          `The AI provider is rate-limiting requests (429)${after ? `; it asks to retry after ${after} s` : ''}: ${detail}`,
          'Wait and press Re-run, or use a key with a higher limit.',
          { cause: e },
        );
      }
      case 400:
        if (e.code === 'context_length_exceeded')
          return new RcaError(
            'remote',
            `The evidence is too long for this model's context window: ${detail}`,
            'Lower sentryRca.ai.evidenceTokens or pick a model with a larger context.',
            { cause: e },
          );
        return new RcaError('remote', `The AI provider rejected the request (400): ${detail}`, undefined, { cause: e });
      default:
        return new RcaError(
          'remote',
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
    return new RcaError(
      'remote',
      'The AI response stream ended before the answer was complete (connection dropped).',
      'Re-run the investigation; if it keeps happening, check the provider or proxy in between.',
      { cause: e },
    );
  }
  if (e instanceof SyntaxError || (e instanceof Error && /parse|JSON/i.test(e.message))) {
    return new RcaError(
      'remote',
      `The AI provider sent a malformed response: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}`,
      'The endpoint may not be fully OpenAI-compatible; check sentryRca.ai.baseUrl.',
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
