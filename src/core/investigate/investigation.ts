/**
 * One "Diagnose issue" run, shared by the panel and the CLI: collect evidence, show the deterministic
 * report, then (when an AI is configured) run the tool loop and stream its answer. An AI failure is
 * reported next to the report, never instead of it. The result is a record the store can keep, so a
 * past investigation reopens without re-running.
 */
import { errorMessage, isAbortError, RcaError, type ErrorKind } from '../common/errors';
import { nullLogger, type Logger } from '../common/logger';
import { analyze, type AnalysisReport } from './analyzer';
import type { Evidence } from './evidence';
import { EvidenceCollector, type CollectOptions } from './evidenceCollector';
import {
  LlmInvestigator,
  type LlmConfig,
  type LlmProgress,
  type LlmResult,
  type LoopLimits,
  type ToolCallRecord,
} from './llmInvestigator';
import type { ChatModel } from '../ai/chatModel';
import { OpenAiChatModel, openAiLabel } from '../ai/openaiChatModel';
import type { InvestigationDeps } from './ports';
import { SecretScrubber } from './secretScrubber';
import { InvestigationTools } from './tools';
import { claimsMarkdown, verifyClaims, type Claim } from './claimVerifier';

export type InvestigationPhase = 'collecting' | 'analyzing' | 'ai' | 'done' | 'error' | 'cancelled';

export interface InvestigationSink extends LlmProgress {
  phase?(phase: InvestigationPhase, message?: string): void;
  evidence?(e: Evidence): void;
  report?(r: AnalysisReport): void;
  aiError?(error: { kind: ErrorKind; message: string }): void;
}

/** What is saved in the store under `investigations[issueId]` (newest first). */
export interface InvestigationRecord {
  version: 1;
  id: string;
  issueId: string;
  shortId: string;
  startedAt: string;
  finishedAt: string;
  status: 'done' | 'ai-failed' | 'cancelled';
  reportMarkdown: string;
  /** For the panel header when the record reopens. */
  trend: {
    verdict: string;
    why: string;
    hourly24h: Array<[number, number]>;
    daily14d: Array<[number, number]>;
    firstSeenVsRelease: string | null;
  };
  hypotheses: AnalysisReport['hypotheses'];
  /** The culprit, the in-app frames, blame changes, related issues and notes, so a reopened investigation
   * draws the same diagnosis (absent in older records). */
  diagnosis?: {
    culprit: AnalysisReport['culprit'];
    frames: Evidence['code']['frames'];
    changes: string[];
    related: Evidence['related'];
    notes: string[];
  };
  evidence: {
    rendered: string;
    usedTokens: number;
    limitTokens: number;
    sections: Array<{ name: string; chars: number; tokens: number; cut?: string }>;
    cuts: string[];
  };
  logs: Array<{ host: string; source: string; status: string; message?: string; lines: number }>;
  /** Release, the best suspects and skew, so a reopened investigation shows them (absent in older records). */
  history?: Evidence['history'];
  ai: null | {
    model: string;
    markdown: string;
    stopReason: LlmResult['stopReason'] | null;
    steps: number;
    toolCalls: ToolCallRecord[];
    usage: LlmResult['usage'] | null;
    error: { kind: ErrorKind; message: string } | null;
    /** The answer's citations as checked (absent in records saved before grounding). */
    claims?: Claim[];
  };
}

/**
 * The AI part of a run: the OpenAI-compatible endpoint (the CLI, the `openai` provider), any other chat
 * model behind the port (the editor's own), or the reason the chosen provider cannot run (shown as the
 * AI's error next to the deterministic report).
 */
export type AiSetup = LlmConfig | (LoopLimits & { chat: ChatModel }) | { unavailable: RcaError; label: string };

/** What people read about the AI of a run: which provider and model. */
export function aiLabel(ai: AiSetup): string {
  if ('chat' in ai) return ai.chat.label;
  if ('unavailable' in ai) return ai.label;
  return openAiLabel(ai);
}

export interface InvestigationOptions {
  collect?: CollectOptions;
  /** Null: deterministic report only. */
  ai?: AiSetup | null;
  /** Secret values to keep out of everything (the Sentry token, the AI key…). */
  secrets?: string[];
  logger?: Logger;
  /** For tests: a custom fetch for the OpenAI client. */
  fetch?: typeof fetch;
}

export interface InvestigationOutcome {
  evidence: Evidence;
  report: AnalysisReport;
  ai: LlmResult | null;
  aiError: RcaError | null;
  record: InvestigationRecord;
}

export async function runInvestigation(
  deps: InvestigationDeps,
  issueId: string,
  options: InvestigationOptions,
  sink: InvestigationSink = {},
  signal?: AbortSignal,
): Promise<InvestigationOutcome> {
  const startedAt = new Date().toISOString();
  const logger = options.logger ?? nullLogger;
  const apiKey = options.ai && 'apiKey' in options.ai ? options.ai.apiKey : undefined;
  const scrubber = new SecretScrubber([...(options.secrets ?? []), apiKey]);
  try {
    sink.phase?.('collecting', 'Collecting evidence: events, code, git history, logs…');
    const evidence = await new EvidenceCollector(deps, { ...options.collect, scrubber, logger }).collect(
      issueId,
      signal,
    );
    sink.evidence?.(evidence);
    sink.phase?.('analyzing');
    const report = analyze(evidence);
    sink.report?.(report);

    let ai: LlmResult | null = null;
    let aiError: RcaError | null = null;
    const setup = options.ai;
    if (setup) {
      sink.phase?.('ai', `Asking ${aiLabel(setup)}…`);
      try {
        if ('unavailable' in setup) throw setup.unavailable;
        const tools = new InvestigationTools({
          issueId: evidence.issue.id,
          workspaceRoot: deps.workspaceRoot,
          issues: deps.issues,
          logs: deps.logs,
          scrubber,
          eventWindow: evidence.eventWindow
            ? { first: Date.parse(evidence.eventWindow.first), last: Date.parse(evidence.eventWindow.last) }
            : null,
        });
        const chat =
          'chat' in setup
            ? setup.chat
            : new OpenAiChatModel(setup, { logger, scrubber, ...(options.fetch ? { fetch: options.fetch } : {}) });
        ai = await new LlmInvestigator(chat, setup, { logger, scrubber }).run(evidence, report, tools, sink, signal);
        // Grounding: every citation is checked; the unverified ones are flagged under the answer.
        const eventIds = new Set([
          ...deps.issues.getEvents(evidence.issue.id).map((x) => x.id),
          ...evidence.events.map((x) => x.id),
        ]);
        const claims = await verifyClaims(
          ai.markdown,
          { evidence, files: deps.files, git: deps.git, eventIds, transcript: ai.transcript },
          signal,
        );
        const section = claimsMarkdown(claims);
        ai = { ...ai, claims, markdown: section ? `${ai.markdown}\n\n${section}` : ai.markdown };
      } catch (e) {
        if (isAbortError(e) || signal?.aborted) throw e;
        aiError = e instanceof RcaError ? e : new RcaError('internal', errorMessage(e), undefined, { cause: e });
        logger.warn(`AI investigation failed: ${aiError.display}`);
        sink.aiError?.({ kind: aiError.kind, message: aiError.display });
      }
    }
    const record = toRecord(
      evidence,
      report,
      ai,
      aiError,
      ai?.label ?? (setup ? aiLabel(setup) : null),
      startedAt,
      signal?.aborted ? 'cancelled' : aiError ? 'ai-failed' : 'done',
    );
    sink.phase?.('done');
    return { evidence, report, ai, aiError, record };
  } catch (e) {
    if (isAbortError(e) || signal?.aborted) {
      sink.phase?.('cancelled', 'Stopped.');
      throw new RcaError('cancelled', 'Investigation stopped.', undefined, { cause: e });
    }
    sink.phase?.('error', errorMessage(e));
    throw e;
  }
}

function toRecord(
  e: Evidence,
  r: AnalysisReport,
  ai: LlmResult | null,
  aiError: RcaError | null,
  model: string | null,
  startedAt: string,
  status: InvestigationRecord['status'],
): InvestigationRecord {
  return {
    version: 1,
    id: `${e.issue.id}-${Date.parse(startedAt)}`,
    issueId: e.issue.id,
    shortId: e.issue.shortId,
    startedAt,
    finishedAt: new Date().toISOString(),
    status,
    reportMarkdown: r.markdown,
    trend: {
      verdict: e.trend.verdict,
      why: e.trend.why,
      hourly24h: e.trend.hourly24h,
      daily14d: e.trend.daily14d,
      firstSeenVsRelease: e.trend.firstSeenVsRelease,
    },
    hypotheses: r.hypotheses,
    diagnosis: {
      culprit: r.culprit,
      frames: e.code.frames.slice(0, 8),
      changes: r.changes,
      related: e.related,
      notes: r.notes,
    },
    evidence: {
      rendered: e.rendered,
      usedTokens: e.budget.usedTokens,
      limitTokens: e.budget.limitTokens,
      sections: e.budget.sections.map(({ name, chars, tokens, cut }) => ({
        name,
        chars,
        tokens,
        ...(cut ? { cut } : {}),
      })),
      cuts: e.budget.cuts,
    },
    logs: e.logs.map((h) => ({
      host: h.host,
      source: h.source,
      status: h.status,
      ...(h.message ? { message: h.message } : {}),
      lines: h.totalLines,
    })),
    history: { ...e.history, suspects: { ...e.history.suspects, list: e.history.suspects.list.slice(0, 8) } },
    ai:
      model === null
        ? null
        : {
            model,
            markdown: ai?.markdown ?? '',
            stopReason: ai?.stopReason ?? null,
            steps: ai?.steps ?? 0,
            toolCalls: ai?.toolCalls ?? [],
            usage: ai?.usage ?? null,
            claims: ai?.claims ?? [],
            error: aiError ? { kind: aiError.kind, message: aiError.display } : null,
          },
  };
}

/** Reads saved records back from the store's untyped list, skipping anything of another shape. */
export function savedInvestigations(raw: unknown[]): InvestigationRecord[] {
  return raw.filter(
    (x): x is InvestigationRecord =>
      !!x &&
      typeof x === 'object' &&
      (x as { version?: unknown }).version === 1 &&
      typeof (x as { reportMarkdown?: unknown }).reportMarkdown === 'string',
  );
}
