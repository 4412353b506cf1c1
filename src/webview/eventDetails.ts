/**
 * The "Event details" page: renders what the host sends (already redacted) as text only — DOM built with
 * textContent (dom.ts), control and bidi characters made visible, nothing parsed as markup or run.
 * Says `ready`, then renders `loading` / `details` messages; "Refresh" asks the host to fetch again.
 */
import {
  isDetailsHostToWebview,
  type BreadcrumbView,
  type DetailsWebviewToHost,
  type EventDetailsView,
  type Pairs,
  type TagDistributionView,
} from '../shared/eventDetailsProtocol';
import { countOf } from '../shared/countOf';
import { localDateTime } from '../shared/timeFormat';
import { append, clear, h } from './dom';

interface VsCodeApi {
  postMessage(message: DetailsWebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;

/**
 * Control characters as visible symbols (U+2400 "control pictures"), bidi and zero-width marks as
 * `<U+202E>`: a hostile value can neither hide text nor reorder what is shown around it.
 */
export function visible(s: string): string {
  return s

    .replace(/[\u0000-\u0008\u000b-\u001f]/g, (c) => String.fromCharCode(0x2400 + c.charCodeAt(0)))
    .replace(/\u007f/g, '\u2421')
    .replace(
      /[\u0080-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/g,
      (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`,
    );
}

const t = (s: string | null | undefined) => visible(s ?? '');

function table(rows: Pairs, cls = 'kv'): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, 'None.');
  return h(
    'table',
    { class: cls },
    h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', {}, t(k)), h('td', {}, h('code', {}, t(v)))))),
  );
}

function section(id: string, title: string, ...children: Array<Node | null>): HTMLElement {
  return h('section', { id }, h('h2', {}, title), ...children);
}

const LEVEL_ICONS: Record<string, string> = { fatal: '⨂', error: '✖', warning: '▲', info: 'ℹ', debug: '⋯', log: '›' };

function levelIcon(level: string | null): HTMLElement {
  const l = (level ?? 'info').toLowerCase();
  return h(
    'span',
    { class: `icon level-${LEVEL_ICONS[l] ? l : 'info'}`, title: l, 'aria-label': `level ${l}` },
    LEVEL_ICONS[l] ?? 'ℹ',
  );
}

/** Category (else type) → a glyph, as Sentry's breadcrumb list shows an icon per kind. */
function categoryIcon(b: BreadcrumbView): HTMLElement {
  const c = `${b.category ?? ''} ${b.type ?? ''}`.toLowerCase();
  const [glyph, kind] = /http|fetch|xhr/.test(c)
    ? ['⇄', 'http']
    : /console/.test(c)
      ? ['❯', 'console']
      : /navigation/.test(c)
        ? ['➜', 'navigation']
        : /query|db|sql|redis/.test(c)
          ? ['≣', 'query']
          : /ui\.|click|input/.test(c)
            ? ['◉', 'ui']
            : /error|exception/.test(c)
              ? ['⚠', 'error']
              : /transaction|span/.test(c)
                ? ['⏱', 'transaction']
                : ['•', 'default'];
  return h('span', { class: `icon cat-${kind}`, title: kind, 'aria-label': `category ${kind}` }, glyph);
}

/** Breadcrumbs: the local time of day with milliseconds (they are seconds apart, under one event). */
function time(iso: string | null): string {
  return iso ? localDateTime(iso, { timeOnly: true, millis: true, zone: false }) : '';
}

function distribution(d: TagDistributionView): HTMLElement {
  const total = d.totalValues || d.top.reduce((n, v) => n + v.count, 0) || 1;
  return h(
    'div',
    { class: 'dist' },
    h(
      'div',
      { class: 'dist-key' },
      t(d.name || d.key),
      h('span', { class: 'muted' }, ` · ${countOf(d.totalValues, 'event')}`),
    ),
    ...d.top.map((v) => {
      const pct = Math.round((v.count / total) * 100);
      const bar = h('span', { class: 'bar' });
      bar.style.width = `${Math.max(1, pct)}%`;
      return h(
        'div',
        { class: 'dist-row' },
        h('span', { class: 'dist-value' }, t(v.value)),
        h('span', { class: 'bar-track' }, bar),
        h('span', { class: 'dist-pct' }, `${pct}%`),
      );
    }),
  );
}

function render(v: EventDetailsView): void {
  clear(app);
  const refresh = h('button', { id: 'btn-refresh', type: 'button' }, 'Refresh');
  refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  const e = v.event;
  const facts = [
    e.timestamp && localDateTime(e.timestamp),
    e.environment && `env ${e.environment}`,
    e.release && `release ${e.release}`,
    e.platform,
    `event ${e.id}`,
  ].filter(Boolean) as string[];
  append(
    app,
    h(
      'header',
      { class: 'details-header' },
      h(
        'div',
        { class: 'title-row' },
        levelIcon(e.level),
        h('span', { class: 'short-id' }, t(v.issue.shortId)),
        h('h1', {}, t(e.title || v.issue.title)),
        refresh,
      ),
      e.message ? h('p', { class: 'message' }, t(e.message)) : null,
      h('p', { class: 'muted facts' }, t(facts.join(' · '))),
      v.notice ? h('p', { class: 'notice', id: 'notice' }, t(v.notice)) : null,
    ),
  );

  const dist = new Map((v.tagDistribution ?? []).map((d) => [d.key, d]));
  append(
    app,
    section(
      'tags',
      `Tags (${v.tags.length})`,
      table(v.tags),
      v.tagDistribution && v.tagDistribution.length
        ? h(
            'div',
            { class: 'dists' },
            h('h3', {}, "The issue's tag distribution"),
            ...[...dist.values()].map(distribution),
          )
        : v.tagDistribution
          ? h('p', { class: 'muted' }, 'No tag distribution for this issue.')
          : null,
    ),
  );

  append(
    app,
    section(
      'breadcrumbs',
      `Breadcrumbs (${v.breadcrumbs.length})`,
      v.breadcrumbs.length
        ? h(
            'table',
            { class: 'crumbs' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, 'Time'),
                h('th', {}, ''),
                h('th', {}, 'Category'),
                h('th', {}, 'Level'),
                h('th', {}, 'Message / data'),
              ),
            ),
            h(
              'tbody',
              {},
              ...v.breadcrumbs.map((b) =>
                h(
                  'tr',
                  { class: `crumb level-${(b.level ?? 'info').toLowerCase()}` },
                  h('td', { class: 'muted' }, time(b.timestamp)),
                  h('td', {}, categoryIcon(b)),
                  h('td', {}, t(b.category ?? b.type ?? '')),
                  h('td', {}, levelIcon(b.level), ' ', t(b.level ?? '')),
                  h(
                    'td',
                    {},
                    b.message ? h('div', { class: 'crumb-message' }, t(b.message)) : null,
                    ...b.data.map(([k, val]) =>
                      h(
                        'div',
                        { class: 'crumb-data' },
                        h('span', { class: 'muted' }, `${t(k)}: `),
                        h('code', {}, t(val)),
                      ),
                    ),
                  ),
                ),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'No breadcrumbs.'),
    ),
  );

  const r = v.request;
  append(
    app,
    section(
      'request',
      'Request',
      r
        ? h(
            'div',
            {},
            h('p', { class: 'request-line' }, h('code', {}, t(`${r.method ?? ''} ${r.url ?? ''}`.trim()))),
            r.query.length ? h('div', {}, h('h3', {}, 'Query'), table(r.query)) : null,
            h('h3', {}, 'Headers'),
            h('div', { id: 'headers' }, table(r.headers)),
            r.cookies.length ? h('div', {}, h('h3', {}, 'Cookies'), table(r.cookies)) : null,
            r.data ? h('div', {}, h('h3', {}, 'Body'), h('pre', {}, t(r.data))) : null,
          )
        : h('p', { class: 'muted' }, 'No request in this event.'),
    ),
  );
  append(app, section('user', 'User', v.user ? table(v.user) : h('p', { class: 'muted' }, 'No user in this event.')));
  append(
    app,
    section(
      'contexts',
      'Contexts',
      ...(v.contexts.length
        ? v.contexts.map((c) => h('div', { class: 'context' }, h('h3', {}, t(c.name)), table(c.fields)))
        : [h('p', { class: 'muted' }, 'None.')]),
    ),
  );
  append(
    app,
    section(
      'sdk',
      'SDK',
      v.sdk
        ? h('p', {}, h('code', {}, t(`${v.sdk.name} ${v.sdk.version ?? ''}`.trim())))
        : h('p', { class: 'muted' }, 'Unknown.'),
    ),
  );
}

window.addEventListener('message', (ev: MessageEvent) => {
  const m: unknown = ev.data;
  if (!isDetailsHostToWebview(m)) return;
  if (m.type === 'loading') {
    if (!app.querySelector('section')) {
      clear(app);
      append(app, h('p', { class: 'loading muted' }, t(m.what)));
    }
  } else render(m.view);
});

vscode.postMessage({ type: 'ready' });
