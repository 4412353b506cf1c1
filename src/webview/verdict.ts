/**
 * The verdict card at the top of the panel: the most likely root cause in one sentence, its kind and
 * confidence, the culprit `file:line` (a link only when it opens a workspace file), the top suspect
 * commit and the version-skew notice when there are any, then what to check next.
 */
import type { DiagnosisView, HistoryView, HypothesisView } from '../shared/protocol';
import { append, clear, h } from './dom';
import { linkifyRefs } from './markdown';
import { relativeEl } from './times';

const KIND_LABEL: Record<string, string> = {
  'code-change': 'Code change',
  infrastructure: 'Infrastructure',
  dependency: 'Dependency',
  data: 'Data',
  config: 'Configuration',
  cascade: 'Knock-on effect',
  unknown: 'Unclassified',
};

export function kindLabel(kind: string): string {
  return KIND_LABEL[kind] ?? kind;
}

/** A chip naming a hypothesis' kind and confidence. */
export function chips(hy: HypothesisView): HTMLElement[] {
  return [
    h('span', { class: `chip kind kind-${safe(hy.kind)}` }, kindLabel(hy.kind)),
    h(
      'span',
      { class: `chip confidence confidence-${hy.confidence}`, title: `Rule score ${hy.score} of 1` },
      `${hy.confidence} confidence`,
    ),
  ];
}

const safe = (s: string) => (/^[a-z-]+$/.test(s) ? s : 'unknown');

/** A link that opens a commit's diff (optionally one file of it) in VS Code. */
export function commitLink(sha: string, label: string, path?: string): HTMLElement {
  return h(
    'a',
    {
      class: 'ref commit-ref',
      role: 'button',
      tabindex: '0',
      'data-commit': sha,
      ...(path ? { 'data-commit-path': path } : {}),
      title: `Show the diff of ${sha}${path ? ` in ${path}` : ''}`,
    },
    label,
  );
}

export function fileLink(path: string, line: number, label?: string): HTMLElement {
  return h(
    'a',
    {
      class: 'ref file-ref',
      role: 'button',
      tabindex: '0',
      'data-path': path,
      'data-line': String(line),
      title: `Open ${path}${line > 1 ? ` at line ${line}` : ''}`,
    },
    label ?? (line > 1 ? `${path}:${line}` : path),
  );
}

export interface VerdictInput {
  diagnosis: DiagnosisView | null;
  history: HistoryView | null;
  phase: string;
  phaseMessage: string;
  /** The issue's title: the culprit's exception is not said again when it is the same text. */
  issueTitle?: string;
}

export function renderVerdict(card: HTMLElement, v: VerdictInput): void {
  const body = card.querySelector('.verdict-body') as HTMLElement;
  const next = card.querySelector('.verdict-next') as HTMLElement;
  clear(body);
  clear(next);
  const d = v.diagnosis;
  if (!d) {
    const failed = v.phase === 'error';
    body.appendChild(
      h(
        'p',
        { class: failed ? 'error' : 'muted', role: failed ? 'alert' : 'status' },
        failed
          ? `The diagnosis failed: ${v.phaseMessage || 'see the Sentry RCA log.'}`
          : v.phase === 'cancelled'
            ? 'Stopped before a diagnosis. Re-run to start again.'
            : 'Collecting evidence: events, code, git history, logs…',
      ),
    );
    return;
  }
  const top = d.hypotheses[0];
  const cause = h('p', { class: 'root-cause', id: 'root-cause' });
  if (top) {
    cause.textContent = top.title.endsWith('.') ? top.title : `${top.title}.`;
    linkifyRefs(cause);
  } else {
    cause.textContent = 'No rule points at a cause: start from the culprit frame below.';
  }
  append(body, h('div', { class: 'verdict-chips' }, ...(top ? chips(top) : [])), cause);

  const facts = h('dl', { class: 'verdict-facts' });
  if (d.culprit) {
    const c = d.culprit;
    const where = c.mapped
      ? fileLink(c.path, c.line, `${c.path}:${c.line}`)
      : h('span', { class: 'path', title: `${c.path} is not in this workspace` }, `${c.path}:${c.line}`);
    where.id = 'culprit-link';
    append(
      facts,
      h('dt', {}, 'Culprit'),
      h(
        'dd',
        { id: 'culprit' },
        where,
        c.function ? h('span', { class: 'muted' }, ` in ${c.function}`) : null,
        ...(sameText(c.exception, v.issueTitle)
          ? []
          : [h('br'), h('span', { class: 'exception', title: c.exception }, clip(c.exception, 160))]),
      ),
    );
  }
  const suspect = v.history?.suspects.find((s) => s.score > 0);
  if (suspect)
    append(
      facts,
      h('dt', {}, 'Top suspect'),
      h(
        'dd',
        { id: 'top-suspect' },
        commitLink(suspect.commit, suspect.commit.slice(0, 7)),
        // Its summary only when the root cause sentence above does not quote it already.
        ...(top?.title.includes(suspect.summary)
          ? [h('span', { class: 'muted' }, ` by ${suspect.author}, `)]
          : [
              h('span', { class: 'summary' }, ` ${suspect.summary}`),
              h('span', { class: 'muted' }, ` — ${suspect.author}, `),
            ]),
        h('span', { class: 'muted' }, relativeEl(suspect.date)),
      ),
    );
  if (facts.childElementCount) body.appendChild(facts);

  const checks = d.hypotheses
    .slice(0, 2)
    .filter((hy, i) => i === 0 || hy.confidence !== 'low')
    .map((hy) => hy.check);
  if (checks.length) {
    const list = h('ol', { class: 'next-checks' });
    for (const c of checks) {
      const li = h('li', {}, c);
      linkifyRefs(li);
      list.appendChild(li);
    }
    append(next, h('h3', { class: 'next-title' }, 'What to check next'), list);
  }
  if (d.hypotheses.length > 1)
    next.appendChild(
      h(
        'p',
        { class: 'muted more' },
        `${d.hypotheses.length - 1} other hypothes${d.hypotheses.length === 2 ? 'is' : 'es'} under `,
        h(
          'a',
          { class: 'ref section-ref', role: 'button', tabindex: '0', 'data-section': 'sec-hypotheses' },
          'Hypotheses',
        ),
        '.',
      ),
    );
}

/** True when two texts say the same (the exception and the issue title, ignoring case and spacing). */
function sameText(a: string, b: string | undefined): boolean {
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();
  return b !== undefined && norm(a) === norm(b);
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}
