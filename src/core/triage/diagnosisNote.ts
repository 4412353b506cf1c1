/**
 * "Post diagnosis summary to Sentry": the note text, as markdown (Sentry renders notes as markdown).
 * Built from a saved investigation: the culprit, the top hypotheses and the suspect commits. The text
 * is shown to the user in full before it is posted; nothing else is sent.
 */
import type { InvestigationRecord } from '../investigate/investigation';
import type { StoredIssue } from '../store/model';

const MAX_HYPOTHESES = 3;
const MAX_EVIDENCE = 2;
const MAX_SUSPECTS = 3;
/** Keeps the note readable in Sentry's activity feed. */
export const MAX_NOTE_CHARS = 6000;

type NoteRecord = Pick<InvestigationRecord, 'shortId' | 'finishedAt' | 'hypotheses' | 'diagnosis' | 'history' | 'ai'>;

export function diagnosisNote(
  issue: Pick<StoredIssue, 'shortId' | 'culprit' | 'metadata'>,
  record: NoteRecord,
): string {
  const lines: string[] = [];
  lines.push(`**sentry-rca diagnosis** of ${clean(issue.shortId)} (${clean(record.finishedAt)})`);
  lines.push('');
  const c = record.diagnosis?.culprit;
  if (c) {
    const where = `${c.path}:${c.line}${c.column ? `:${c.column}` : ''}`;
    lines.push(
      `**Culprit:** ${c.function ? `${code(c.function)} at ` : ''}${code(where)} — ${clean(c.exceptionType)}${c.exceptionValue ? `: ${clean(c.exceptionValue)}` : ''}`,
    );
  } else if (issue.culprit || issue.metadata.type) {
    lines.push(
      `**Culprit (Sentry's):** ${issue.culprit ? code(issue.culprit) : ''}${issue.metadata.type ? ` — ${clean(issue.metadata.type)}${issue.metadata.value ? `: ${clean(issue.metadata.value)}` : ''}` : ''}`,
    );
  }
  const hyps = record.hypotheses.slice(0, MAX_HYPOTHESES);
  if (hyps.length) {
    lines.push('', '**Top hypotheses**');
    hyps.forEach((h, n) => {
      lines.push(`${n + 1}. ${clean(h.title)} (${h.kind}, ${h.confidence} confidence)`);
      for (const e of h.evidence.slice(0, MAX_EVIDENCE)) lines.push(`   - ${clean(e)}`);
      if (h.check) lines.push(`   - To check: ${clean(h.check)}`);
    });
  }
  const suspects = record.history?.suspects;
  if (suspects?.list.length) {
    lines.push('', `**Suspect commits**${suspects.range ? ` (${clean(suspects.range)})` : ''}`);
    for (const s of suspects.list.slice(0, MAX_SUSPECTS)) {
      lines.push(
        `- ${code(s.commit.slice(0, 12))} ${clean(s.summary)} — ${clean(s.author)}${s.why.length ? ` (${clean(s.why.slice(0, 2).join('; '))})` : ''}`,
      );
    }
  }
  if (record.ai && !record.ai.error)
    lines.push('', `_An AI analysis (${clean(record.ai.model)}) is in the editor's report._`);
  const text = lines.join('\n');
  return text.length > MAX_NOTE_CHARS ? `${text.slice(0, MAX_NOTE_CHARS - 2)}\n…` : text;
}

/** One line of plain text: control characters become spaces, runs of whitespace one space. */
function clean(s: string): string {
  return s
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

/** Inline code that a backtick in the text cannot close early. */
function code(s: string): string {
  const t = clean(s);
  const fence = t.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ` ${t} ` : t}${fence}`;
}
