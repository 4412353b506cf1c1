/**
 * The investigation panel: issue header with a trend chart, the analysis streaming in (AI answer above
 * the deterministic report), and tabs for exactly what was sent to the model, the logs per host and the
 * tool calls. It says `ready`, then only renders what the host sends; every message is type-checked.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import {
  isHostToWebview,
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
import { append, byId, clear, formatBytes, h } from './dom';
import { handleRefClicks, linkifyRefs, renderMarkdown } from './markdown';
import { trendChart } from './trendChart';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: WebviewToHost) => vscode.postMessage(m);

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
}

const state: {
  issue: IssueHeader | null;
  aiEnabled: boolean;
  model: string | null;
  restoredFrom: string | null;
  run: RunState;
} = {
  issue: null,
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
  };
}

function buildLayout(): void {
  const app = byId('app');
  clear(app);
  const stop = h('vscode-button', { id: 'btn-stop', secondary: '' }, 'Stop');
  const rerun = h('vscode-button', { id: 'btn-rerun' }, 'Re-run');
  const copy = h('vscode-button', { id: 'btn-copy', secondary: '' }, 'Copy as Markdown');
  const sentry = h('vscode-button', { id: 'btn-sentry', secondary: '' }, 'Open in Sentry');
  const details = h('vscode-button', { id: 'btn-event-details', secondary: '' }, 'Event Details');
  const note = h('vscode-button', { id: 'btn-note', secondary: '' }, 'Post Summary to Sentry');
  append(
    app,
    h(
      'header',
      { class: 'issue-header' },
      h(
        'div',
        { class: 'title-row' },
        h('span', { id: 'issue-short', class: 'short-id' }),
        h('h1', { id: 'issue-title' }),
      ),
      h('div', { id: 'issue-facts', class: 'facts' }),
      h(
        'div',
        { class: 'trend' },
        h('div', { id: 'trend-chart' }),
        h('div', { id: 'trend-text', class: 'trend-text' }),
      ),
    ),
    h(
      'div',
      { class: 'toolbar' },
      stop,
      rerun,
      copy,
      sentry,
      details,
      note,
      h(
        'span',
        { class: 'status' },
        h('vscode-progress-ring', { id: 'busy', class: 'hidden' }),
        h('span', { id: 'status-text' }),
      ),
    ),
    h(
      'vscode-tabs',
      { id: 'tabs' },
      h('vscode-tab-header', { slot: 'header', 'data-tab': 'analysis' }, 'Analysis'),
      h(
        'vscode-tab-panel',
        {},
        h(
          'p',
          { id: 'ai-off', class: 'muted hidden' },
          'No AI configured: this is the rule-based report. For an AI investigation with tools, run "Sentry RCA: Set OpenAI API Key" (any OpenAI-compatible endpoint via sentryRca.ai.baseUrl).',
        ),
        h(
          'section',
          { id: 'ai-section', class: 'hidden' },
          h('h2', {}, 'AI investigation'),
          h('div', { id: 'ai-error', class: 'error hidden', role: 'alert' }),
          h('div', { id: 'ai', class: 'markdown' }),
        ),
        h(
          'section',
          { id: 'history-section', class: 'hidden', 'aria-label': 'Suspect commits' },
          h('div', { id: 'skew-notice', class: 'skew hidden', role: 'status' }),
          h('h2', {}, 'Suspect commits'),
          h('p', { id: 'release-line', class: 'muted' }),
          h('ol', { id: 'suspects', class: 'suspects' }),
        ),
        h('section', { id: 'report-section' }, h('div', { id: 'report', class: 'markdown' })),
      ),
      h(
        'vscode-tab-header',
        { slot: 'header', 'data-tab': 'evidence' },
        'Evidence ',
        h('vscode-badge', { id: 'evidence-badge', variant: 'counter' }, '0'),
      ),
      h('vscode-tab-panel', {}, h('div', { id: 'evidence' })),
      h(
        'vscode-tab-header',
        { slot: 'header', 'data-tab': 'logs' },
        'Logs ',
        h('vscode-badge', { id: 'logs-badge', variant: 'counter' }, '0'),
      ),
      h('vscode-tab-panel', {}, h('div', { id: 'logs' })),
      h(
        'vscode-tab-header',
        { slot: 'header', 'data-tab': 'tools' },
        'Tool calls ',
        h('vscode-badge', { id: 'tools-badge', variant: 'counter' }, '0'),
      ),
      h('vscode-tab-panel', {}, h('div', { id: 'tools' })),
    ),
  );
  stop.addEventListener('click', () => post({ type: 'stop' }));
  rerun.addEventListener('click', () => post({ type: 'rerun' }));
  sentry.addEventListener('click', () => post({ type: 'openInSentry' }));
  details.addEventListener('click', () => post({ type: 'showEventDetails' }));
  note.addEventListener('click', () => post({ type: 'postNote' }));
  copy.addEventListener('click', () => request({ type: 'copyMarkdown', markdown: asMarkdown() }));
  handleRefClicks(app, {
    file: (path, line, column) => request({ type: 'openRef', path, line, ...(column ? { column } : {}) }),
    event: (eventId) => post({ type: 'openEvent', eventId }),
    log: (where) => showLogLine(where),
    commit: (commit, path) =>
      post({ type: 'openCommit', requestId: nextRequestId++, commit, ...(path ? { path } : {}) }),
  });
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
  document.title = `${i.shortId}: ${i.title}`;
  const facts = byId('issue-facts');
  clear(facts);
  const fact = (label: string, value: string) =>
    h('span', { class: 'fact' }, h('span', { class: 'label' }, label), ' ', value);
  append(
    facts,
    h('span', { class: `level level-${/^[a-z]+$/.test(i.level) ? i.level : 'unknown'}` }, i.level),
    fact('status', i.status),
    fact('project', i.projectSlug),
    fact('events', String(i.count)),
    fact('users', String(i.userCount)),
    fact('first seen', i.firstSeen),
    fact('last seen', i.lastSeen),
    i.release ? fact('release', i.release) : null,
    i.environment ? fact('env', i.environment) : null,
    state.restoredFrom ? h('span', { class: 'fact restored' }, `saved investigation from ${state.restoredFrom}`) : null,
  );
}

function renderTrend(t: TrendView): void {
  const chart = byId('trend-chart');
  clear(chart);
  chart.appendChild(trendChart(t.hourly24h, 'Events per hour, last 24 h'));
  const text = byId('trend-text');
  clear(text);
  append(
    text,
    h('strong', { class: `verdict verdict-${t.verdict}` }, t.verdict),
    ' ',
    t.why,
    t.firstSeenVsRelease ? ` ${t.firstSeenVsRelease}` : '',
  );
}

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

function renderAnalysis(): void {
  const r = state.run;
  const report = byId('report');
  clear(report);
  if (r.report) report.appendChild(linkLogQuotes(renderMarkdown(r.report)));
  else report.appendChild(h('p', { class: 'muted' }, 'Collecting evidence…'));
  const aiSection = byId('ai-section');
  aiSection.classList.toggle('hidden', !state.aiEnabled);
  byId('ai-off').classList.toggle('hidden', state.aiEnabled || !state.issue);
  const ai = byId('ai');
  clear(ai);
  if (r.ai) ai.appendChild(linkLogQuotes(renderMarkdown(r.ai)));
  else if (state.aiEnabled && !r.aiError)
    ai.appendChild(
      h('p', { class: 'muted' }, r.report ? 'Waiting for the model…' : 'Starts once the evidence is ready.'),
    );
  if (r.ai && !r.aiDone && !r.aiError) ai.appendChild(h('span', { class: 'cursor', 'aria-hidden': 'true' }, '▍'));
  const err = byId('ai-error');
  err.classList.toggle('hidden', !r.aiError);
  err.textContent = r.aiError
    ? `AI investigation failed: ${r.aiError} The deterministic report below is complete.`
    : '';
}

/** A link that opens a commit's diff (optionally one file of it) in VS Code. */
function commitLink(sha: string, label: string, path?: string): HTMLElement {
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

function fileLink(path: string, line: number): HTMLElement {
  return h(
    'a',
    { class: 'ref file-ref', role: 'button', tabindex: '0', 'data-path': path, 'data-line': String(line) },
    line > 1 ? `${path}:${line}` : path,
  );
}

/** The release, its suspect commits (best first, each reason said) and the version-skew notice. */
function renderHistory(): void {
  const hv = state.run.history;
  byId('history-section').classList.toggle('hidden', !hv);
  if (!hv) return;
  const notice = byId('skew-notice');
  clear(notice);
  const skewed = !!hv.skew && (hv.skew.changedSinceRelease || hv.skew.relation === 'behind');
  notice.classList.toggle('hidden', !skewed);
  notice.classList.toggle('changed', skewed);
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
        h('span', { class: 'muted' }, ` — ${s.author}, ${s.date.slice(0, 10)}, score ${s.score}`),
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

function renderStatus(): void {
  const r = state.run;
  const busy = r.phase === 'collecting' || r.phase === 'analyzing' || r.phase === 'ai';
  byId('busy').classList.toggle('hidden', !busy);
  byId('status-text').textContent =
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
    r.phase;
  (byId('btn-stop') as HTMLElement & { disabled: boolean }).disabled = !busy;
  (byId('btn-rerun') as HTMLElement & { disabled: boolean }).disabled = busy;
  // The summary is posted from the saved diagnosis, which exists once a run has finished.
  (byId('btn-note') as HTMLElement & { disabled: boolean }).disabled = busy || r.phase !== 'done';
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
  byId('evidence-badge').textContent = String(ev.usedTokens);
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
        {},
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
    root.appendChild(h('h3', {}, `Request ${step}: ${messages.length} messages, ${formatBytes(total)}`));
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
  byId('logs-badge').textContent = String(hosts.length);
  if (hosts.length === 0) {
    root.appendChild(h('p', { class: 'muted' }, 'No log sources configured (sentryRca.logs.sources).'));
    return;
  }
  for (const host of hosts) {
    const ok = host.status === 'ok' || host.status === 'empty';
    root.appendChild(
      h(
        'h3',
        {},
        h('span', { class: `host-status ${ok ? 'ok' : 'bad'}` }, host.status),
        ` ${host.host} `,
        h('code', {}, host.source),
        ` — ${host.totalLines} lines: ${host.counts.before} before, ${host.counts.during} during, ${host.counts.after} after the errors`,
      ),
    );
    if (host.message) root.appendChild(h('p', { class: ok ? 'muted' : 'error' }, host.message));
    const list = h('div', { class: 'log-lines' });
    for (const [i, l] of host.lines.entries()) {
      const row = h(
        'div',
        {
          class: `log-line phase-${l.phase}${l.marks.length ? ' marked' : ''}`,
          title: l.marks.join(', '),
          'data-log': `${hosts.indexOf(host)}:${i}`,
        },
        h('span', { class: 'phase' }, l.phase),
        h('span', { class: 'text' }, l.text),
      );
      list.appendChild(row);
    }
    linkifyRefs(list);
    root.appendChild(list);
  }
}

function renderTools(): void {
  const root = byId('tools');
  clear(root);
  const calls = [...state.run.tools.values()];
  byId('tools-badge').textContent = String(calls.length);
  if (calls.length === 0) {
    root.appendChild(h('p', { class: 'muted' }, state.aiEnabled ? 'No tool calls yet.' : 'No AI configured.'));
    return;
  }
  for (const c of calls) {
    const head = `#${c.step} ${c.name}(${c.args}) → ${c.status}${c.status === 'running' ? '' : `, ${formatBytes(c.resultChars)}${c.truncated ? ` (cut to ${formatBytes(c.sentChars)})` : ''}, ${c.durationMs} ms`}`;
    root.appendChild(h('details', { class: `tool tool-${c.status}` }, h('summary', {}, head), h('pre', {}, c.preview)));
  }
}

/**
 * A quoted log line in the analysis (an inline code span of 16+ characters found in a fetched line)
 * becomes a link to that line in the Logs tab.
 */
function linkLogQuotes(frag: DocumentFragment): DocumentFragment {
  const hosts = state.run.logs;
  if (hosts.length === 0) return frag;
  for (const code of Array.from(frag.querySelectorAll('code'))) {
    const quote = (code.textContent ?? '').trim();
    if (quote.length < 16 || code.closest('pre') || code.querySelector('a')) continue;
    let where: string | null = null;
    hosts.forEach((host, hi) =>
      host.lines.forEach((l, li) => {
        if (!where && l.text.includes(quote)) where = `${hi}:${li}`;
      }),
    );
    if (!where) continue;
    const a = h('a', {
      class: 'ref log-ref',
      role: 'button',
      tabindex: '0',
      'data-log': where,
      title: 'Show this line in the Logs tab',
    });
    code.replaceWith(a);
    a.appendChild(code);
  }
  return frag;
}

function showLogLine(where: string): void {
  const tabs = byId('tabs') as HTMLElement & { selectedIndex: number };
  tabs.selectedIndex = 2;
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
  renderAnalysis();
  renderHistory();
  renderEvidence();
  renderLogs();
  renderTools();
}

function onMessage(m: HostToWebview): void {
  if ('runId' in m && m.type !== 'runStarted' && m.runId !== state.run.runId) return; // output of a stopped run
  switch (m.type) {
    case 'init':
      state.issue = m.issue;
      state.aiEnabled = m.aiEnabled;
      state.model = m.model;
      state.restoredFrom = m.restoredFrom;
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
      renderTrend(m.trend);
      return;
    case 'evidence':
      state.run.evidence = { sections: m.sections, usedTokens: m.usedTokens, limitTokens: m.limitTokens, cuts: m.cuts };
      renderEvidence();
      return;
    case 'logs':
      state.run.logs = m.hosts;
      renderLogs();
      scheduleAnalysis();
      return;
    case 'report':
      state.run.report = m.markdown;
      scheduleAnalysis();
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
      if (!m.ok) byId('status-text').textContent = m.message ?? 'Cannot show that commit.';
      return;
    case 'openRefResult':
      if (!settle(m.requestId, 'openRef')) return;
      if (!m.ok) byId('status-text').textContent = m.message ?? 'Cannot open that reference.';
      return;
    case 'copyResult':
      if (!settle(m.requestId, 'copyMarkdown')) return;
      byId('status-text').textContent = m.ok
        ? 'Copied as Markdown.'
        : `Copy failed${m.message ? `: ${m.message}` : '.'}`;
      return;
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  if (!isHostToWebview(e.data)) return;
  onMessage(e.data);
});

buildLayout();
renderAll();
post({ type: 'ready' });
