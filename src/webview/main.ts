/**
 * The investigation panel, answer first: a compact issue header (sticky, shrinks on scroll), the
 * actions, then the verdict card (root cause, kind and confidence, culprit, top suspect, skew, what to
 * check next), then collapsible sections — the AI investigation and its tool calls, hypotheses with
 * their evidence, code, changes, logs, related issues, events, what was sent to the model and the full
 * report. It says `ready`, then only renders what the host sends; every message is type-checked.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import {
  isHostToWebview,
  type DiagnosisView,
  type EventRowView,
  type EvidenceSectionView,
  type HistoryView,
  type HostLogsView,
  type HostToWebview,
  type IssueHeader,
  type SentMessageView,
  type ToolCallView,
  type TrendView,
  type WebviewToHost,
} from '../shared/protocol';
import { ActionBar, type Action } from './actionBar';
import { append, byId, clear, formatBytes, h } from './dom';
import { LEADING_TIME, renderLogGroups, shortPath } from './logViewer';
import { handleRefClicks, linkifyRefs, renderMarkdown } from './markdown';
import { Sections, setCount, type StateStore } from './sections';
import { absoluteEl, localizeTimes, relativeEl } from './times';
import { trendChart, worthCharting } from './trendChart';
import { chips, commitLink, fileLink, renderVerdict } from './verdict';

interface VsCodeApi extends StateStore {
  postMessage(message: WebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: WebviewToHost) => vscode.postMessage(m);
const sections = new Sections(vscode);

interface RunState {
  runId: number;
  phase: string;
  phaseMessage: string;
  report: string;
  ai: string;
  aiError: string | null;
  aiDone: boolean;
  evidence: { sections: EvidenceSectionView[]; usedTokens: number; limitTokens: number; cuts: string[] } | null;
  sent: Map<number, SentMessageView[]>;
  logs: HostLogsView[];
  tools: Map<string, ToolCallView>;
  history: HistoryView | null;
  diagnosis: DiagnosisView | null;
  trend: TrendView | null;
}

const state: {
  issue: IssueHeader | null;
  events: EventRowView[];
  aiEnabled: boolean;
  model: string | null;
  restoredFrom: string | null;
  run: RunState;
} = {
  issue: null,
  events: [],
  aiEnabled: false,
  model: null,
  restoredFrom: null,
  run: freshRun(0),
};
let nextRequestId = 1;

type RequestMessage = Extract<WebviewToHost, { requestId: number }>;
type Unsent<T> = T extends unknown ? Omit<T, 'requestId'> : never;
/** Requests awaiting the host's answer, by id; an answer to an id not here (a stale or repeated one) is ignored. */
const pending = new Map<number, RequestMessage['type']>();

/** Posts a request with a fresh id and remembers what it asked. */
function request(m: Unsent<RequestMessage>): void {
  const requestId = nextRequestId++;
  pending.set(requestId, m.type);
  post({ ...m, requestId } as RequestMessage);
}

/** True (once) when `requestId` is an open request of that kind. */
function settle(requestId: number, kind: RequestMessage['type']): boolean {
  if (pending.get(requestId) !== kind) return false;
  pending.delete(requestId);
  return true;
}

function freshRun(runId: number): RunState {
  return {
    runId,
    phase: 'collecting',
    phaseMessage: '',
    report: '',
    ai: '',
    aiError: null,
    aiDone: false,
    evidence: null,
    sent: new Map(),
    logs: [],
    tools: new Map(),
    history: null,
    diagnosis: null,
    trend: null,
  };
}

/** Section ids, in page order. */
const S = {
  ai: 'sec-ai',
  hypotheses: 'sec-hypotheses',
  code: 'sec-code',
  changes: 'sec-changes',
  logs: 'sec-logs',
  related: 'sec-related',
  events: 'sec-events',
  sent: 'sec-sent',
  report: 'sec-report',
} as const;

/**
 * The actions, in order, each posting one message. Features add theirs here (an id, a label, what it
 * posts); the action bar lays them out in one row and moves what does not fit into its "More" menu.
 */
const ACTIONS: Action[] = [
  { id: 'btn-stop', label: 'Stop', primary: true, run: () => post({ type: 'stop' }) },
  { id: 'btn-rerun', label: 'Re-run', primary: true, run: () => post({ type: 'rerun' }) },
  {
    id: 'btn-copy',
    label: 'Copy as Markdown',
    run: () => request({ type: 'copyMarkdown', markdown: asMarkdown() }),
  },
  { id: 'btn-sentry', label: 'Open in Sentry', run: () => post({ type: 'openInSentry' }) },
  { id: 'btn-event-details', label: 'Event Details', run: () => post({ type: 'showEventDetails' }) },
  { id: 'btn-note', label: 'Post Summary to Sentry', run: () => post({ type: 'postNote' }) },
];
let actionBar: ActionBar;

function buildLayout(): void {
  const app = byId('app');
  clear(app);
  const skip = h('button', { id: 'skip-link', class: 'skip-link', type: 'button' }, 'Skip to the diagnosis');
  skip.addEventListener('click', () => focusVerdict());
  actionBar = new ActionBar(
    ACTIONS,
    h(
      'span',
      { class: 'status', role: 'status' },
      h('vscode-progress-ring', { id: 'busy', class: 'hidden' }),
      h('span', { id: 'status-text' }),
    ),
  );
  const setUpAi = h('vscode-button', { id: 'btn-setup-ai' }, 'Set up AI');
  setUpAi.addEventListener('click', () => {
    byId('ai-setup-status').textContent = 'Waiting for the set-up in VS Code…';
    request({ type: 'setUpAi' });
  });
  append(
    app,
    skip,
    h(
      'header',
      { class: 'issue-header', id: 'issue-header' },
      h(
        'div',
        { class: 'title-row' },
        h('span', { id: 'issue-short', class: 'short-id' }),
        h('h1', { id: 'issue-title' }),
      ),
      h(
        'div',
        { class: 'header-main' },
        h('div', { id: 'issue-facts', class: 'facts' }),
        h('div', { id: 'trend-chart', class: 'trend-chart-box' }),
      ),
      actionBar.element,
    ),
    h(
      'main',
      {},
      h(
        'section',
        { id: 'verdict', class: 'verdict-card', tabindex: '-1', 'aria-labelledby': 'verdict-heading' },
        h('h2', { id: 'verdict-heading', class: 'verdict-kicker' }, 'Most likely cause'),
        h('div', { class: 'verdict-body' }),
        h('div', { id: 'skew-notice', class: 'skew hidden', role: 'status' }),
        h('div', { class: 'verdict-next' }),
      ),
      sections.build(
        { id: S.ai, title: 'AI investigation', open: true, bodyId: 'ai-body' },
        h(
          'div',
          { id: 'ai-off', class: 'ai-off hidden' },
          h(
            'p',
            { class: 'muted' },
            'This page is the rule-based diagnosis. With an AI, a model also reads the code, logs and history with read-only tools and writes its own answer here.',
          ),
          h(
            'div',
            { class: 'ai-setup' },
            setUpAi,
            h('span', { id: 'ai-setup-status', class: 'muted', role: 'status' }),
          ),
        ),
        h(
          'div',
          { id: 'ai-section' },
          h('div', { id: 'ai-error', class: 'error hidden', role: 'alert' }),
          h('div', { id: 'ai', class: 'markdown' }),
        ),
        h('h3', { class: 'sub', id: 'tools-title' }, 'Tool calls'),
        h('div', { id: 'tools' }),
      ),
      sections.build({ id: S.hypotheses, title: 'Hypotheses', open: true, bodyId: 'hypotheses' }),
      sections.build({ id: S.code, title: 'Code', open: true, bodyId: 'code' }),
      sections.build(
        { id: S.changes, title: 'Changes', open: true, bodyId: 'changes' },
        h(
          'div',
          { id: 'history-section', class: 'hidden', 'aria-label': 'Suspect commits' },
          h('h3', { class: 'sub' }, 'Suspect commits'),
          h('p', { id: 'release-line', class: 'muted' }),
          h('ol', { id: 'suspects', class: 'suspects' }),
        ),
      ),
      sections.build({ id: S.logs, title: 'Logs', open: false, bodyId: 'logs' }),
      sections.build({ id: S.related, title: 'Related issues', open: false, bodyId: 'related' }),
      sections.build({ id: S.events, title: 'Events', open: false, bodyId: 'events' }),
      sections.build({ id: S.sent, title: 'Sent to the model', open: false, bodyId: 'evidence' }),
      sections.build({ id: S.report, title: 'Full report', open: false, bodyId: 'report-section' }),
    ),
  );
  byId('report-section').appendChild(h('div', { id: 'report', class: 'markdown' }));
  byId(S.ai)
    .querySelector('summary')
    ?.appendChild(h('span', { id: 'ai-model', class: 'section-count muted' }));
  handleRefClicks(app, {
    file: (path, line, column) => request({ type: 'openRef', path, line, ...(column ? { column } : {}) }),
    event: (eventId) => post({ type: 'openEvent', eventId }),
    log: (where) => showLogLine(where),
    commit: (commit, path) =>
      post({ type: 'openCommit', requestId: nextRequestId++, commit, ...(path ? { path } : {}) }),
  });
  // Links to a section of this page (from the verdict card) open it and scroll to it.
  const jump = (e: Event) => {
    const id = (e.target as HTMLElement | null)?.closest?.<HTMLElement>('a[data-section]')?.dataset.section;
    if (!id) return;
    e.preventDefault();
    sections.open(id);
    document.getElementById(id)?.scrollIntoView({ block: 'start' });
    (document.querySelector(`#${CSS.escape(id)} > summary`) as HTMLElement | null)?.focus({ preventScroll: true });
  };
  app.addEventListener('click', jump);
  app.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') jump(e);
  });
  // The header shrinks once the page scrolls (sticky, one line of title and the actions).
  let compact = false;
  window.addEventListener(
    'scroll',
    () => {
      const next = window.scrollY > 24;
      if (next !== compact) document.body.classList.toggle('scrolled', (compact = next));
    },
    { passive: true },
  );
}

function focusVerdict(): void {
  const v = byId('verdict');
  v.focus({ preventScroll: true });
  v.scrollIntoView({ block: 'start' });
}

function asMarkdown(): string {
  const r = state.run;
  const parts: string[] = [];
  if (r.ai) parts.push(`# AI investigation${state.model ? ` (${state.model})` : ''}\n\n${r.ai}`);
  if (r.aiError) parts.push(`**AI investigation failed:** ${r.aiError}`);
  if (r.report) parts.push(r.report);
  return parts.join('\n\n---\n\n');
}

function renderHeader(): void {
  const i = state.issue;
  if (!i) return;
  byId('issue-short').textContent = i.shortId;
  byId('issue-title').textContent = i.title;
  byId('issue-title').setAttribute('title', i.title);
  document.title = `${i.shortId}: ${i.title}`;
  const facts = byId('issue-facts');
  clear(facts);
  const fact = (label: string, value: string | HTMLElement, cls = '') =>
    h('span', { class: `fact ${cls}`.trim() }, h('span', { class: 'label' }, label), ' ', value);
  const t = state.run.trend;
  append(
    facts,
    h('span', { class: `level level-${/^[a-z]+$/.test(i.level) ? i.level : 'unknown'}` }, i.level),
    t && t.verdict !== 'unknown'
      ? h(
          'span',
          {
            class: `trend-verdict verdict-${t.verdict}`,
            title: `${t.why}${t.firstSeenVsRelease ? ` ${t.firstSeenVsRelease}` : ''}`,
          },
          `${TREND_ARROW[t.verdict]} ${t.verdict}`,
        )
      : null,
    h('span', { class: 'fact' }, `${i.count} event${i.count === 1 ? '' : 's'}`),
    h('span', { class: 'fact' }, `${i.userCount} user${i.userCount === 1 ? '' : 's'}`),
    fact('first seen', relativeEl(i.firstSeen)),
    fact('last seen', relativeEl(i.lastSeen)),
    i.release ? fact('release', h('span', { class: 'release' }, i.release), 'secondary') : null,
    i.environment ? fact('env', i.environment, 'secondary') : null,
    i.status !== 'unresolved' ? fact('status', i.status, 'secondary') : null,
    state.restoredFrom
      ? h('span', { class: 'fact restored secondary' }, 'saved investigation from ', relativeEl(state.restoredFrom))
      : null,
  );
  const chart = byId('trend-chart');
  clear(chart);
  if (t && worthCharting(t.hourly24h))
    chart.appendChild(trendChart(t.hourly24h, 'Events per hour, last 24 h', { bucket: '1 h' }));
  else if (t && worthCharting(t.daily14d))
    chart.appendChild(trendChart(t.daily14d, 'Events per day, last 14 days', { bucket: '1 day' }));
}

const TREND_ARROW: Record<TrendView['verdict'], string> = { rising: '↗', steady: '→', falling: '↘', unknown: '' };

let scheduled = false;
/** Streaming re-renders the analysis at most once a frame, however fast deltas arrive. */
function scheduleAnalysis(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    renderAnalysis();
  });
}

/**
 * Markdown from the analyzer or the model: sanitised, refs linked, log quotes linked, times local, long
 * log paths short (and, with `seen`, said only the first time in a list).
 */
function markdown(source: string, seen?: Set<string>): DocumentFragment {
  const frag = linkLogQuotes(renderMarkdown(source));
  shortenSources(frag, seen);
  localizeTimes(frag);
  return frag;
}

function renderAnalysis(): void {
  const r = state.run;
  const report = byId('report');
  clear(report);
  if (r.report) report.appendChild(markdown(r.report));
  else report.appendChild(h('p', { class: 'muted' }, 'Collecting evidence…'));
  const aiOn = state.aiEnabled || !!r.ai || !!r.aiError;
  byId('ai-section').classList.toggle('hidden', !aiOn);
  byId('ai-off').classList.toggle('hidden', aiOn || !state.issue);
  // Which provider and model, said once: in the section's heading (seen when it is closed too).
  setCount(S.ai, aiOn ? '' : 'not configured');
  byId('ai-model').textContent = aiOn && state.model ? `by ${state.model}` : '';
  const ai = byId('ai');
  clear(ai);
  if (r.ai) ai.appendChild(markdown(r.ai));
  else if (state.aiEnabled && !r.aiError)
    ai.appendChild(
      h('p', { class: 'muted' }, r.report ? 'Waiting for the model…' : 'Starts once the evidence is ready.'),
    );
  if (r.ai && !r.aiDone && !r.aiError) ai.appendChild(h('span', { class: 'cursor', 'aria-hidden': 'true' }, '▍'));
  const err = byId('ai-error');
  err.classList.toggle('hidden', !r.aiError);
  err.textContent = r.aiError
    ? `AI investigation failed: ${r.aiError} The rule-based diagnosis on this page is complete.`
    : '';
}

function renderVerdictCard(): void {
  const r = state.run;
  renderVerdict(byId('verdict'), {
    diagnosis: r.diagnosis,
    history: r.history,
    phase: r.phase,
    phaseMessage: r.phaseMessage,
    ...(state.issue ? { issueTitle: state.issue.title } : {}),
  });
}

function renderDiagnosis(): void {
  renderVerdictCard();
  const d = state.run.diagnosis;
  // Hypotheses, each with its evidence and how to confirm it.
  const hyp = byId('hypotheses');
  clear(hyp);
  setCount(S.hypotheses, d ? String(d.hypotheses.length) : '');
  if (!d || d.hypotheses.length === 0)
    hyp.appendChild(h('p', { class: 'muted' }, d ? 'No rule matched this issue.' : 'Not analysed yet.'));
  else {
    const list = h('ol', { class: 'hypotheses' });
    for (const hy of d.hypotheses) {
      const title = h('span', { class: 'hyp-title' }, hy.title);
      linkifyRefs(title);
      const evidence = h('ul', { class: 'evidence' });
      const seen = new Set<string>();
      for (const e of hy.evidence) evidence.appendChild(h('li', {}, markdown(e, seen)));
      const check = h('p', { class: 'check' }, h('strong', {}, 'To confirm: '), hy.check);
      linkifyRefs(check);
      list.appendChild(
        h('li', { class: 'hypothesis' }, h('div', { class: 'hyp-head' }, title, ' ', ...chips(hy)), evidence, check),
      );
    }
    hyp.appendChild(list);
  }
  // Code: the culprit's lines, then the other frames of the stack.
  const code = byId('code');
  clear(code);
  const c = d?.culprit;
  if (!d) code.appendChild(h('p', { class: 'muted' }, 'Not analysed yet.'));
  else if (!c) code.appendChild(h('p', { class: 'muted' }, 'No stack trace in the stored events.'));
  else {
    append(
      code,
      h(
        'p',
        { class: 'culprit-line' },
        c.mapped ? fileLink(c.path, c.line) : h('span', { class: 'path' }, `${c.path}:${c.line}`),
        c.function ? h('span', { class: 'muted' }, ` in ${c.function}`) : null,
        ' — ',
        h('code', {}, c.exception),
      ),
      h('p', { class: 'muted' }, c.why),
    );
    if (c.excerpt.length) {
      const pre = h('pre', { class: 'excerpt', 'aria-label': `${c.path} around line ${c.line}` });
      for (const [n, text] of c.excerpt)
        pre.appendChild(
          h(
            'span',
            { class: `excerpt-line${n === c.line ? ' crash' : ''}` },
            h('span', { class: 'gutter' }, String(n)),
            text,
          ),
        );
      code.appendChild(pre);
    }
  }
  if (d?.frames.length) {
    const list = h('ul', { class: 'frames' });
    for (const f of d.frames)
      list.appendChild(
        h('li', {}, fileLink(f.path, f.line), f.function ? h('span', { class: 'muted' }, ` in ${f.function}`) : null),
      );
    append(code, h('h3', { class: 'sub' }, 'Other frames of the stack'), list);
  }
  // What changed at the crash lines (the suspects are drawn by renderHistory above it).
  const changes = byId('changes');
  clear(changes);
  if (d?.changes.length) {
    const list = h('ul', { class: 'blame' });
    for (const ch of d.changes) list.appendChild(h('li', {}, markdown(ch)));
    append(changes, h('h3', { class: 'sub' }, 'What changed at the crash lines'), list);
  }
  // Related issues (linked or only near in time) and what was set aside.
  const rel = byId('related');
  clear(rel);
  setCount(S.related, d ? String(d.related.length) : '');
  if (d && d.related.length + d.notes.length === 0) rel.appendChild(h('p', { class: 'muted' }, 'None.'));
  if (d?.related.length) {
    const list = h('ul', { class: 'related' });
    for (const r of d.related) {
      const when = `${r.relation === 'first-seen-in-window' ? 'first seen' : 'spiked'} ${Math.abs(Math.round(r.minutesFromThis))} min ${r.minutesFromThis <= 0 ? 'before' : 'after'} this issue`;
      list.appendChild(
        h(
          'li',
          {},
          h('strong', {}, r.shortId),
          ` (${r.projectSlug}) `,
          r.title,
          h(
            'span',
            { class: 'muted' },
            ` — ${when}; `,
            r.links.length ? r.links.join('; ') : 'timing only, nothing links them',
          ),
        ),
      );
    }
    rel.appendChild(list);
  }
  if (d?.notes.length) {
    const list = h('ul', { class: 'notes muted' });
    for (const n of d.notes) list.appendChild(h('li', {}, markdown(n)));
    append(rel, h('h3', { class: 'sub' }, 'Looked at and set aside'), list);
  }
}

/** The release, its suspect commits (best first, each reason said) and the version-skew notice. */
function renderHistory(): void {
  const hv = state.run.history;
  byId('history-section').classList.toggle('hidden', !hv);
  const notice = byId('skew-notice');
  clear(notice);
  const skewed = !!hv?.skew && (hv.skew.changedSinceRelease || hv.skew.relation === 'behind');
  notice.classList.toggle('hidden', !skewed);
  notice.classList.toggle('changed', skewed);
  renderVerdictCard();
  if (!hv) return;
  if (hv.skew && skewed) {
    append(notice, h('strong', {}, 'Version skew: '), hv.skew.summary);
    const changing = hv.skew.commits.filter((c) => c.changedCrashLine);
    if (changing.length) {
      notice.appendChild(document.createTextNode(' '));
      for (const c of changing) append(notice, commitLink(c.commit, c.commit.slice(0, 7)), ` ${c.summary} `);
    }
  }
  const rl = hv.release;
  byId('release-line').textContent = rl.commit
    ? `Release ${rl.version ?? '(none)'} → ${rl.commit.slice(0, 12)} (by ${rl.resolvedBy}); previous ${rl.previousVersion ?? '—'}. ${hv.range ? `${hv.rangeCommits} commit(s) in ${hv.range}.` : ''}`
    : `Release ${rl.version ?? '(none on the events)'}: no commit found.${hv.skewNote ? ` ${hv.skewNote}` : ''}`;
  setCount(S.changes, hv.suspects.length ? `${hv.suspects.length} suspect${hv.suspects.length === 1 ? '' : 's'}` : '');
  const list = byId('suspects');
  clear(list);
  if (hv.suspects.length === 0) {
    list.appendChild(h('li', { class: 'muted' }, 'No commits to rank.'));
    return;
  }
  for (const s of hv.suspects) {
    const item = h(
      'li',
      { class: 'suspect', 'data-sha': s.commit },
      h(
        'div',
        { class: 'suspect-head' },
        commitLink(s.commit, s.commit.slice(0, 7)),
        ' ',
        h('span', { class: 'summary' }, s.summary),
        h('span', { class: 'muted' }, ` — ${s.author}, `, relativeEl(s.date), `, score ${s.score}`),
      ),
      h('ul', { class: 'why' }, ...s.why.slice(0, 5).map((w) => h('li', {}, w))),
    );
    const files = h('div', { class: 'files' }, 'Files: ');
    s.files
      .slice(0, 8)
      .forEach((f, i) => append(files, i ? ', ' : '', fileLink(f, 1), ' (', commitLink(s.commit, 'diff', f), ')'));
    item.appendChild(files);
    if (s.cites.length)
      item.appendChild(
        h(
          'div',
          { class: 'cites' },
          'Lines: ',
          ...s.cites.slice(0, 3).flatMap((c, i) => [i ? ', ' : '', fileLink(c.path, c.line)]),
        ),
      );
    list.appendChild(item);
  }
}

/** The status beside the actions: one line, cut with an ellipsis when long (all of it on hover). */
function setStatus(text: string): void {
  const el = byId('status-text');
  el.textContent = text;
  el.title = text;
}

function renderStatus(): void {
  const r = state.run;
  const busy = r.phase === 'collecting' || r.phase === 'analyzing' || r.phase === 'ai';
  byId('busy').classList.toggle('hidden', !busy);
  setStatus(
    r.phaseMessage ||
      (
        {
          collecting: 'Collecting evidence…',
          analyzing: 'Analyzing…',
          ai: 'AI investigating…',
          done: 'Done.',
          error: 'Failed.',
          cancelled: 'Stopped.',
        } as Record<string, string>
      )[r.phase] ||
      r.phase,
  );
  // One primary action at a time: Stop while the run is busy, Re-run once it is not (focus follows).
  const [now, was] = busy ? ['btn-stop', 'btn-rerun'] : ['btn-rerun', 'btn-stop'];
  actionBar.setDisabled(now, false);
  actionBar.show(now, true);
  actionBar.show(was, false, now);
  actionBar.setDisabled(was, true);
  // The summary is posted from the saved diagnosis, which exists once a run has finished.
  actionBar.setDisabled('btn-note', busy || r.phase !== 'done');
  if (!r.diagnosis) renderVerdictCard();
}

function renderEvents(): void {
  const root = byId('events');
  clear(root);
  setCount(S.events, state.issue ? String(state.issue.count) : '');
  const t = state.run.trend;
  if (t)
    root.appendChild(
      h(
        'p',
        { class: 'trend-text' },
        h('strong', { class: `verdict verdict-${t.verdict}` }, t.verdict),
        ' ',
        t.why,
        t.firstSeenVsRelease ? ` ${t.firstSeenVsRelease}` : '',
      ),
    );
  localizeTimes(root);
  if (state.events.length === 0) {
    root.appendChild(h('p', { class: 'muted' }, 'No events stored for this issue yet (Sync Now fetches them).'));
    return;
  }
  const shown = state.events.length;
  const counted = state.issue?.count ?? shown;
  const title = state.issue?.title ?? '';
  const list = h('ol', { class: 'events' });
  for (const e of state.events) {
    // The message only when it says something the issue title does not.
    const msg = e.message && !title.startsWith(e.message) && !e.message.startsWith(title) ? e.message : '';
    list.appendChild(
      h(
        'li',
        { class: 'event-row' },
        h(
          'div',
          { class: 'event-head' },
          absoluteEl(e.timestamp),
          e.request ? h('span', { class: 'request' }, e.request) : null,
          // Environment and release only where they differ from the issue's (said once, in the header).
          e.environment && e.environment !== state.issue?.environment
            ? h('span', { class: 'muted' }, e.environment)
            : null,
          e.release && e.release !== state.issue?.release ? h('span', { class: 'muted' }, e.release) : null,
          h(
            'a',
            {
              class: 'ref event-ref',
              role: 'button',
              tabindex: '0',
              'data-event': e.id,
              title: `Open event ${e.id} in Sentry`,
            },
            e.id.slice(0, 8),
          ),
        ),
        msg ? h('div', { class: 'event-msg muted', title: msg }, msg) : null,
      ),
    );
  }
  root.appendChild(list);
  if (counted > shown) {
    // The way to the rest, right here (the Open in Sentry button may be in the More menu).
    const all = h('a', { class: 'ref', role: 'button', tabindex: '0', id: 'events-in-sentry' }, 'Open in Sentry');
    all.addEventListener('click', () => post({ type: 'openInSentry' }));
    all.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') post({ type: 'openInSentry' });
    });
    root.appendChild(h('p', { class: 'muted' }, `${shown} of ${counted} events are stored here; `, all, ' shows all.'));
  }
}

function renderEvidence(): void {
  const r = state.run;
  const root = byId('evidence');
  clear(root);
  if (!r.evidence) {
    root.appendChild(h('p', { class: 'muted' }, 'No evidence yet.'));
    return;
  }
  const ev = r.evidence;
  setCount(S.sent, `${ev.usedTokens} tokens`);
  append(
    root,
    h(
      'p',
      {},
      `Evidence: about ${ev.usedTokens} of ${ev.limitTokens} tokens.`,
      ev.cuts.length ? ` Cut to fit: ${ev.cuts.join('; ')}.` : '',
    ),
  );
  const table = h(
    'table',
    { class: 'sizes' },
    h('thead', {}, h('tr', {}, h('th', {}, 'section'), h('th', {}, 'tokens'), h('th', {}, 'size'), h('th', {}, 'cut'))),
  );
  const body = h('tbody');
  for (const s of ev.sections)
    body.appendChild(
      h(
        'tr',
        {},
        h('td', {}, s.name),
        h('td', {}, String(s.tokens)),
        h('td', {}, formatBytes(s.chars)),
        h('td', {}, s.cut ?? ''),
      ),
    );
  table.appendChild(body);
  root.appendChild(table);
  if (r.sent.size === 0) {
    root.appendChild(
      h(
        'h3',
        { class: 'sub' },
        state.aiEnabled
          ? 'Not sent to a model yet'
          : 'No AI configured: nothing is sent anywhere. This is what would be sent:',
      ),
    );
    for (const s of ev.sections) root.appendChild(details(`${s.name} — ${s.tokens} tokens`, s.text));
    return;
  }
  for (const [step, messages] of [...r.sent.entries()].sort((a, b) => a[0] - b[0])) {
    const total = messages.reduce((a, m) => a + m.chars, 0);
    root.appendChild(h('h3', { class: 'sub' }, `Request ${step}: ${messages.length} messages, ${formatBytes(total)}`));
    messages.forEach((m, i) => {
      // Earlier requests repeat the same history; show only what is new in each request.
      const prev = r.sent.get(step - 1);
      if (prev && i < prev.length) return;
      root.appendChild(details(`${m.role} — ${formatBytes(m.chars)}`, m.content));
    });
  }
}

function details(summary: string, text: string): HTMLElement {
  const pre = h('pre', { class: 'sent' }, text);
  linkifyRefs(pre);
  return h('details', {}, h('summary', {}, summary), pre);
}

function renderLogs(): void {
  const root = byId('logs');
  clear(root);
  const hosts = state.run.logs;
  setCount(S.logs, hosts.length ? `${hosts.reduce((a, x) => a + x.lines.length, 0)} lines` : '');
  if (hosts.length === 0) {
    root.appendChild(h('p', { class: 'muted' }, 'No log sources configured (sentryRCA.logs.sources).'));
    return;
  }
  renderLogGroups(root, hosts, state.run.diagnosis?.logTerms ?? []);
}

function renderTools(): void {
  const root = byId('tools');
  clear(root);
  const calls = [...state.run.tools.values()];
  // Without an AI there are no tool calls to list: the section is the set-up offer alone.
  const none = calls.length === 0 && !state.aiEnabled;
  byId('tools-title').classList.toggle('hidden', none);
  root.classList.toggle('hidden', none);
  if (calls.length === 0) {
    root.appendChild(
      h('p', { class: 'muted' }, state.aiEnabled ? 'No tool calls yet.' : 'None: tools run only with an AI.'),
    );
    return;
  }
  for (const c of calls) {
    const head = `#${c.step} ${c.name}(${c.args}) → ${c.status}${c.status === 'running' ? '' : `, ${formatBytes(c.resultChars)}${c.truncated ? ` (cut to ${formatBytes(c.sentChars)})` : ''}, ${c.durationMs} ms`}`;
    root.appendChild(h('details', { class: `tool tool-${c.status}` }, h('summary', {}, head), h('pre', {}, c.preview)));
  }
}

/**
 * A quoted log line in the analysis (an inline code span of 16+ characters found in a fetched line)
 * stays a quote; a small "in Logs" link after it shows that line in the Logs section.
 */
function linkLogQuotes(frag: DocumentFragment): DocumentFragment {
  const hosts = state.run.logs;
  if (hosts.length === 0) return frag;
  for (const code of Array.from(frag.querySelectorAll('code'))) {
    const quote = (code.textContent ?? '').trim();
    if (quote.length < 16 || code.closest('pre') || code.querySelector('a')) continue;
    let where: string | null = null;
    let time: string | null = null;
    hosts.forEach((host, hi) =>
      host.lines.forEach((l, li) => {
        if (!where && l.text.includes(quote)) {
          where = `${hi}:${li}`;
          time = l.time;
        }
      }),
    );
    if (!where) continue;
    code.classList.add('log-quote');
    // The quote's own ISO timestamp reads as the local time with zone, outside the quote.
    const lead = time ? LEADING_TIME.exec(quote) : null;
    if (lead && time) {
      code.textContent = quote.slice(lead[0].length);
      code.before(absoluteEl(time, { millis: !!lead.groups?.frac }), ' ');
    }
    code.after(
      h(
        'a',
        { class: 'ref log-ref', role: 'button', tabindex: '0', 'data-log': where, title: 'Show this line in Logs' },
        'in Logs',
      ),
    );
  }
  return frag;
}

/**
 * Long log-source paths in rendered text: the short form, the full path on hover (said in full once, in
 * Logs). A path already in `seen` (an earlier bullet of the same list) is left out.
 */
function shortenSources(root: Node, seen?: Set<string>): void {
  const sources = [...new Set(state.run.logs.map((x) => x.source))].filter((s) => s.length > 32);
  if (sources.length === 0) return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode())
    if (!(n as Text).parentElement?.closest('code, pre') && sources.some((s) => (n as Text).data.includes(s)))
      nodes.push(n as Text);
  for (const node of nodes) {
    const frag = document.createDocumentFragment();
    let rest = node.data;
    for (;;) {
      const hit = sources
        .map((s) => ({ s, at: rest.indexOf(s) }))
        .filter((x) => x.at >= 0)
        .sort((a, b) => a.at - b.at)[0];
      if (!hit) break;
      if (seen?.has(hit.s)) frag.appendChild(document.createTextNode(rest.slice(0, hit.at).replace(/ $/, '')));
      else append(frag, rest.slice(0, hit.at), shortPath(hit.s));
      seen?.add(hit.s);
      rest = rest.slice(hit.at + hit.s.length);
    }
    frag.appendChild(document.createTextNode(rest));
    node.replaceWith(frag);
  }
}

function showLogLine(where: string): void {
  sections.open(S.logs);
  for (const el of Array.from(document.querySelectorAll('.log-line.highlight'))) el.classList.remove('highlight');
  const row = document.querySelector(`.log-line[data-log="${CSS.escape(where)}"]`);
  if (row) {
    row.classList.add('highlight');
    row.scrollIntoView({ block: 'center' });
  }
}

function renderAll(): void {
  renderHeader();
  renderStatus();
  renderDiagnosis();
  renderAnalysis();
  renderHistory();
  renderEvidence();
  renderLogs();
  renderTools();
  renderEvents();
}

function onMessage(m: HostToWebview): void {
  if ('runId' in m && m.type !== 'runStarted' && m.runId !== state.run.runId) return; // output of a stopped run
  switch (m.type) {
    case 'init':
      state.issue = m.issue;
      state.aiEnabled = m.aiEnabled;
      state.model = m.model;
      state.restoredFrom = m.restoredFrom;
      if (m.events) state.events = m.events;
      renderAll();
      return;
    case 'runStarted':
      state.run = freshRun(m.runId);
      state.restoredFrom = null;
      renderAll();
      return;
    case 'phase':
      state.run.phase = m.phase;
      state.run.phaseMessage = m.message ?? '';
      renderStatus();
      return;
    case 'trend':
      state.run.trend = m.trend;
      renderHeader();
      renderEvents();
      return;
    case 'evidence':
      state.run.evidence = { sections: m.sections, usedTokens: m.usedTokens, limitTokens: m.limitTokens, cuts: m.cuts };
      renderEvidence();
      return;
    case 'logs':
      state.run.logs = m.hosts;
      renderLogs();
      renderDiagnosis();
      scheduleAnalysis();
      return;
    case 'report':
      state.run.report = m.markdown;
      scheduleAnalysis();
      return;
    case 'diagnosis':
      state.run.diagnosis = m.diagnosis;
      renderDiagnosis();
      renderLogs();
      return;
    case 'history':
      state.run.history = m.history;
      renderHistory();
      return;
    case 'sent':
      state.run.sent.set(m.step, m.messages);
      renderEvidence();
      return;
    case 'aiDelta':
      state.run.ai += m.text;
      scheduleAnalysis();
      return;
    case 'toolCall':
      state.run.tools.set(m.call.id, m.call);
      renderTools();
      return;
    case 'aiDone':
      state.run.ai = m.markdown;
      state.run.aiDone = true;
      scheduleAnalysis();
      return;
    case 'aiError':
      state.run.aiError = m.message;
      scheduleAnalysis();
      return;
    case 'openCommitResult':
      if (!m.ok) setStatus(m.message ?? 'Cannot show that commit.');
      return;
    case 'openRefResult':
      if (!settle(m.requestId, 'openRef')) return;
      if (!m.ok) setStatus(m.message ?? 'Cannot open that reference.');
      return;
    case 'copyResult':
      if (!settle(m.requestId, 'copyMarkdown')) return;
      setStatus(m.ok ? 'Copied as Markdown.' : `Copy failed${m.message ? `: ${m.message}` : '.'}`);
      return;
    case 'setUpAiResult':
      if (!settle(m.requestId, 'setUpAi')) return;
      byId('ai-setup-status').textContent = m.message ?? (m.ok ? 'AI set up: Re-run to use it.' : '');
      return;
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  if (!isHostToWebview(e.data)) return;
  onMessage(e.data);
});

buildLayout();
renderAll();
// Relative times ("3 min ago") stay true while the panel is open.
setInterval(() => {
  renderHeader();
}, 60_000);
post({ type: 'ready' });
