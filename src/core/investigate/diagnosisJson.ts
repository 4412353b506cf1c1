/**
 * The diagnosis as JSON — `sentry-rca diagnose --json` (documented in the README), the MCP server's
 * `diagnose` and `suspect_commits` tools and the agent-mode tools print it or parts of it.
 */
import type { InvestigationOutcome } from './investigation';
import { publishedSuspect } from '../history/suspects';

/** `--json` output (documented in the README). */
export interface DiagnoseJson {
  issue: { id: string; shortId: string; title: string; project: string; permalink: string };
  culprit: null | {
    function: string | null;
    path: string;
    line: number;
    column: number | null;
    mapped: boolean;
    why: string;
    exception: string;
  };
  evidence: {
    code: Array<{ path: string; line: number; function: string | null; excerpt: Array<[number, string]> }>;
    git: {
      available: boolean;
      reason: string | null;
      changes: Array<{
        commit: string;
        author: string;
        date: string;
        summary: string;
        path: string;
        lines: number[];
        touchesCrashLine: boolean;
        minutesBeforeFirstSeen: number;
      }>;
    };
    trend: {
      verdict: string;
      why: string;
      hourly24h: Array<[number, number]>;
      daily14d: Array<[number, number]>;
      source: string;
      firstSeenVsRelease: string | null;
    };
    related: Array<{ shortId: string; project: string; title: string; relation: string; minutesFromThis: number }>;
    logs: Array<{
      host: string;
      source: string;
      status: string;
      message: string | null;
      lines: Array<{ text: string; time: string | null; phase: string; marks: string[] }>;
      counts: Record<string, number>;
    }>;
  };
  tokens: {
    used: number;
    limit: number;
    sections: Array<{ name: string; tokens: number; chars: number; cut: string | null }>;
    cuts: string[];
  };
  hypotheses: Array<{
    rank: number;
    title: string;
    kind: string;
    confidence: string;
    score: number;
    evidence: string[];
    check: string;
  }>;
  /** The release the issue appeared in and the commit it was built from (`resolvedBy` null: not found). */
  release: {
    version: string | null;
    commit: string | null;
    previousVersion: string | null;
    previousCommit: string | null;
    resolvedBy: 'sentry' | 'tag' | 'sha' | 'time' | null;
    notes: string[];
  };
  /** Commits of the release range, best first; the first one's author is the suggested owner. */
  suspects: Array<{
    commit: string;
    summary: string;
    author: string;
    date: string;
    files: string[];
    score: number;
    why: string[];
    cites: Array<{ path: string; line: number; text: string }>;
  }>;
  /** The workspace against the release's commit for the crash lines; null when it cannot be compared. */
  skew: null | {
    releaseCommit: string;
    head: string;
    relation: string;
    changedSinceRelease: boolean;
    summary: string;
    commits: Array<{ commit: string; summary: string; date: string; changedCrashLine: boolean }>;
    lines: Array<{ path: string; line: number; nowLine: number | null; changedBy: string | null }>;
  };
  report: string;
  /** `claims`: each citation of the answer (`file-line`, `commit`, `log-line`, `event`), checked; `verified: false` ones are flagged in `markdown` too. */
  ai: null | {
    model: string;
    markdown: string;
    stopReason: string | null;
    steps: number;
    toolCalls: Array<{ name: string; args: string; status: string; resultChars: number }>;
    usage: unknown;
    error: string | null;
    claims: Array<{ text: string; kind: string; verified: boolean; why: string }>;
  };
  timings: Record<string, number>;
  /** How the evidence was gathered, when it matters (a refreshed event, a failed fetch). */
  notes: string[];
}

export function toJson(o: InvestigationOutcome): DiagnoseJson {
  const e = o.evidence;
  return {
    issue: {
      id: e.issue.id,
      shortId: e.issue.shortId,
      title: e.issue.title,
      project: e.issue.projectSlug,
      permalink: e.issue.permalink,
    },
    culprit: e.culprit
      ? {
          function: e.culprit.function,
          path: e.culprit.path,
          line: e.culprit.line,
          column: e.culprit.column,
          mapped: e.culprit.mapped,
          why: e.culprit.why,
          exception: `${e.culprit.exceptionType}: ${e.culprit.exceptionValue}`,
        }
      : null,
    evidence: {
      code: e.code.frames.map((f) => ({ path: f.path, line: f.line, function: f.function, excerpt: f.excerpt })),
      git: { available: e.git.available, reason: e.git.reason ?? null, changes: e.git.changes },
      trend: {
        verdict: e.trend.verdict,
        why: e.trend.why,
        hourly24h: e.trend.hourly24h,
        daily14d: e.trend.daily14d,
        source: e.trend.source,
        firstSeenVsRelease: e.trend.firstSeenVsRelease,
      },
      related: e.related.map((r) => ({
        shortId: r.shortId,
        project: r.projectSlug,
        title: r.title,
        relation: r.relation,
        minutesFromThis: r.minutesFromThis,
      })),
      logs: e.logs.map((h) => ({
        host: h.host,
        source: h.source,
        status: h.status,
        message: h.message ?? null,
        lines: h.lines
          .filter(nearOrMarked)
          .map((l) => ({ text: l.text, time: l.time, phase: l.phase, marks: l.marks })),
        counts: h.counts,
      })),
    },
    tokens: {
      used: e.budget.usedTokens,
      limit: e.budget.limitTokens,
      sections: e.budget.sections.map((s) => ({ name: s.name, tokens: s.tokens, chars: s.chars, cut: s.cut ?? null })),
      cuts: e.budget.cuts,
    },
    hypotheses: o.report.hypotheses.map((h, i) => ({
      rank: i + 1,
      title: h.title,
      kind: h.kind,
      confidence: h.confidence,
      score: h.score,
      evidence: h.evidence,
      check: h.check,
    })),
    release: e.history.release,
    suspects: e.history.suspects.list.map(publishedSuspect),
    skew: e.history.skew
      ? {
          releaseCommit: e.history.skew.releaseCommit,
          head: e.history.skew.head,
          relation: e.history.skew.relation,
          changedSinceRelease: e.history.skew.changedSinceRelease,
          summary: e.history.skew.summary,
          commits: e.history.skew.commits.map((c) => ({
            commit: c.commit,
            summary: c.summary,
            date: c.date,
            changedCrashLine: c.changedCrashLine,
          })),
          lines: e.history.skew.lines,
        }
      : null,
    report: o.report.markdown,
    ai: o.record.ai
      ? {
          model: o.record.ai.model,
          markdown: o.record.ai.markdown,
          stopReason: o.record.ai.stopReason,
          steps: o.record.ai.steps,
          toolCalls: o.record.ai.toolCalls.map((c) => ({
            name: c.name,
            args: c.args,
            status: c.status,
            resultChars: c.resultChars,
          })),
          usage: o.record.ai.usage,
          error: o.record.ai.error?.message ?? null,
          claims: o.record.ai.claims ?? [],
        }
      : null,
    timings: e.timings,
    notes: e.notes,
  };
}

/**
 * The log lines `--json` lists: those from 15 minutes before the first error on, and earlier ones only
 * when they stand out (warnings, errors, matches). The hour before is fetched as the baseline warning
 * rates are measured against; its routine lines are counted in `counts`, not repeated.
 */
function nearOrMarked(l: { phase: string; minutesFromFirstEvent: number | null; marks: string[] }): boolean {
  return l.phase !== 'before' || l.marks.length > 0 || (l.minutesFromFirstEvent ?? 0) >= -15;
}
