/**
 * The investigation without any AI, for an agent: the deterministic report (crash site, code, git
 * history of the crash lines, trend, logs, suspects and version skew, ranked hypotheses) as text, and
 * the suspect commits of the release range on their own. The MCP server and the agent-mode tools run
 * it over their own ports (the CLI's index or the window's shared frame mapper).
 */
import type { Logger } from '../common/logger';
import { runInvestigation, type InvestigationOutcome } from '../investigate/investigation';
import type { InvestigationDeps } from '../investigate/ports';
import { toJson as diagnoseToJson } from '../investigate/diagnosisJson';

export interface DeterministicRun {
  /** Secret values to keep out of the report (the Sentry token, keys from the environment). */
  secrets: string[];
  logger: Logger;
  /** A progress message (collecting evidence…). */
  progress?: (message: string) => void;
  signal?: AbortSignal | undefined;
}

export function diagnoseWithoutAi(deps: InvestigationDeps, issueId: string, run: DeterministicRun) {
  return runInvestigation(
    deps,
    issueId,
    { ai: null, secrets: run.secrets, logger: run.logger },
    {
      phase: (_p, m) => {
        if (m) run.progress?.(m);
      },
    },
    run.signal,
  );
}

/** The report's markdown, then what the user should know about how the evidence was gathered. */
export function diagnosisText(o: InvestigationOutcome): string {
  const notes = o.evidence.notes.length ? `\n\nNotes:\n${o.evidence.notes.map((n) => `- ${n}`).join('\n')}` : '';
  return o.report.markdown + notes;
}

/** The whole diagnosis as `sentry-rca diagnose --json` prints it. */
export const diagnosisJson = diagnoseToJson;

/** The suspect commits of the release range (best first, at most `limit`), the release and the version skew. */
export function suspectsJson(o: InvestigationOutcome, limit = 10) {
  const j = diagnoseToJson(o);
  const s = o.evidence.history.suspects;
  return {
    issue: j.issue,
    release: j.release,
    range: s.range,
    rangeCommits: s.rangeCommits,
    scanned: s.scanned,
    suspects: j.suspects.slice(0, limit),
    more: Math.max(0, j.suspects.length - limit),
    skew: j.skew,
    notes: s.notes,
  };
}
