/**
 * The rule-based diagnosis as the panel draws it (verdict card and sections), from a fresh run's report
 * and evidence or from a saved investigation. No `vscode` here: plain data in, protocol views out.
 */
import type { Hypothesis } from '../../core/investigate/analyzer';
import type { CodeFrame, Culprit, RelatedIssue } from '../../core/investigate/evidence';
import type { StoredEvent } from '../../core/store/model';
import type { DiagnosisView, EventRowView } from '../../shared/protocol';

/** What a diagnosis is drawn from; a saved investigation may lack all but the hypotheses. */
export interface DiagnosisSource {
  hypotheses: Hypothesis[];
  culprit?: Culprit | null;
  frames?: CodeFrame[];
  changes?: string[];
  related?: RelatedIssue[];
  notes?: string[];
}

const MAX_FRAMES = 6;
const MAX_EVENTS = 50;

export function diagnosisView(src: DiagnosisSource, events: StoredEvent[]): DiagnosisView {
  const c = src.culprit ?? null;
  const frames = src.frames ?? [];
  // The culprit's own frame supplies the excerpt (same file and line).
  const own = c ? frames.find((f) => f.path === c.path && f.line === c.line) : undefined;
  return {
    hypotheses: src.hypotheses.map(({ title, kind, confidence, score, evidence, check }) => ({
      title,
      kind,
      confidence,
      score,
      evidence,
      check,
    })),
    culprit: c
      ? {
          path: c.path,
          line: c.line,
          column: c.column,
          mapped: c.mapped,
          function: c.function,
          exception: `${c.exceptionType}: ${c.exceptionValue}`,
          why: c.why,
          excerpt: own?.excerpt ?? [],
        }
      : null,
    frames: frames
      .filter((f) => f !== own)
      .slice(0, MAX_FRAMES)
      .map((f) => ({ path: f.path, line: f.line, function: f.function })),
    changes: src.changes ?? [],
    related: (src.related ?? []).map((r) => ({
      shortId: r.shortId,
      projectSlug: r.projectSlug,
      title: r.title,
      relation: r.relation,
      minutesFromThis: r.minutesFromThis,
      links: r.links,
    })),
    notes: src.notes ?? [],
    logTerms: logTerms(c, events),
  };
}

/** Words a reader looks for in the log lines: the exception type and the events' trace and request ids. */
function logTerms(c: Culprit | null, events: StoredEvent[]): string[] {
  const terms = new Set<string>();
  const type = c?.exceptionType ?? events[0]?.exceptions.at(-1)?.type;
  if (type && type.length >= 3) terms.add(type);
  for (const e of events.slice(0, 20)) {
    if (e.traceId) terms.add(e.traceId);
    if (e.requestId) terms.add(e.requestId);
  }
  return [...terms].slice(0, 24);
}

/** The issue's stored events for the Events section, latest first. */
export function eventRows(events: StoredEvent[]): EventRowView[] {
  return [...events]
    .sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp))
    .slice(0, MAX_EVENTS)
    .map((e) => ({
      id: e.id,
      timestamp: e.timestamp,
      environment: e.environment,
      release: e.release,
      message: e.message || e.title,
      request: requestLine(e),
    }));
}

/** `GET /path` from the event's request (the URL's path and query only), else its transaction tag. */
function requestLine(e: StoredEvent): string | null {
  const url = e.request?.url;
  if (url) {
    let path = url;
    try {
      const u = new URL(url);
      path = `${u.pathname}${u.search}`;
    } catch {
      /* a relative or odd URL: shown as sent */
    }
    return `${e.request?.method ? `${e.request.method} ` : ''}${path}`;
  }
  return e.tags.transaction ?? null;
}
