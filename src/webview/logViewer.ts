/**
 * The Logs section: one group per host and source (named once, long paths shortened with the full path
 * on hover), then the lines in a monospace block that wraps at spaces. A row with the date and zone starts
 * each local day; each line shows its local time of day (milliseconds when the line has them), its phase
 * by colour and on hover, the line's own leading timestamp dropped so it is not said twice, and the
 * words a reader looks for highlighted. All text via the DOM.
 */
import type { HostLogsView, LogLineView } from '../shared/protocol';
import { localDateTime, localDay } from '../shared/timeFormat';
import { append, h } from './dom';
import { absoluteEl } from './times';

/**
 * `…/orders.log` for a long log file path (`file:` is the usual kind of source: not said), `docker:…/x/y`
 * for other long sources; the whole of it in `title`.
 */
export function shortPath(full: string): HTMLElement {
  const scheme = /^[a-z][\w+.-]*:/i.exec(full)?.[0] ?? '';
  const rest = full.slice(scheme.length);
  const parts = rest.split('/').filter(Boolean);
  const keep = scheme === 'file:' ? 1 : 2;
  const short =
    full.length > 32 && parts.length > keep
      ? `${scheme === 'file:' ? '' : scheme}…/${parts.slice(-keep).join('/')}`
      : full;
  return h('span', { class: 'path', title: full }, short);
}

/** A leading timestamp the line carries itself (`2026-12-03T07:59:12.228Z`, `[2026-12-03 07:59:12,228]`). */
export const LEADING_TIME = /^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?<frac>[.,]\d+)?(?:Z|[+-]\d\d:?\d\d| ?UTC)?\]?\s+/;

export function renderLogGroups(root: HTMLElement, hosts: HostLogsView[], terms: string[]): void {
  hosts.forEach((host, hi) => {
    const ok = host.status === 'ok' || host.status === 'empty';
    const group = h('div', { class: 'log-group' });
    append(
      group,
      h(
        'div',
        { class: 'log-group-head' },
        h('span', { class: `host-status ${ok ? 'ok' : 'bad'}` }, host.status),
        ' ',
        h('strong', { class: 'host' }, host.host),
        ' ',
        shortPath(host.source),
        ' ',
        h(
          'span',
          { class: 'muted' },
          `${host.totalLines} lines: ${host.counts.before} before, ${host.counts.during} during, ${host.counts.after} after the errors`,
        ),
      ),
    );
    if (host.message) group.appendChild(h('p', { class: ok ? 'muted' : 'error' }, host.message));
    if (host.lines.length) {
      const block = h('div', { class: 'log-viewer', role: 'list', 'aria-label': `Log lines from ${host.host}` });
      // A row with the local date and zone when either changes (a new day, a DST switch); the lines then
      // show only the time of day (all of it, zone included, on hover).
      let day = '';
      host.lines.forEach((l, li) => {
        const d = l.time ? `${localDay(l.time)} (${zoneOf(l.time)})` : '';
        if (d && d !== day) {
          day = d;
          block.appendChild(h('div', { class: 'log-day', role: 'listitem' }, d));
        }
        block.appendChild(logLine(l, `${hi}:${li}`, terms));
      });
      group.appendChild(block);
    }
    root.appendChild(group);
  });
}

/** The local zone's short name at that time (`GMT+1`, `UTC`). */
function zoneOf(iso: string): string {
  const t = localDateTime(iso, { timeOnly: true });
  return t.slice(t.indexOf(' ') + 1);
}

const PHASE_WORDS: Record<LogLineView['phase'], string> = {
  before: 'before the first error',
  during: 'while the errors happened',
  after: 'after the last error',
  unknown: 'no time on this line',
};

function logLine(l: LogLineView, where: string, terms: string[]): HTMLElement {
  let text = l.text;
  let millis = false;
  if (l.time) {
    const lead = LEADING_TIME.exec(text);
    if (lead) {
      millis = !!lead.groups?.frac;
      text = text.slice(lead[0].length);
    }
  }
  const row = h('div', {
    class: `log-line phase-${l.phase}${l.marks.length ? ' marked' : ''}`,
    role: 'listitem',
    'data-log': where,
    ...(l.marks.length ? { title: `Matches: ${l.marks.join(', ')}` } : {}),
  });
  const phase = PHASE_WORDS[l.phase];
  append(
    row,
    h(
      'span',
      { class: 'when' },
      l.time
        ? absoluteEl(l.time, { millis, timeOnly: true, zone: false, note: phase })
        : h('span', { title: phase }, '—'),
      h('span', { class: 'sr-only' }, ` ${phase}`),
    ),
  );
  const body = h('span', { class: 'text' });
  highlight(body, text, terms);
  row.appendChild(body);
  return row;
}

/** Appends `text` with each occurrence of a term wrapped in <mark> (exact, case-sensitive). */
export function highlight(parent: HTMLElement, text: string, terms: string[]): void {
  const used = terms.filter((t) => t.length >= 3 && text.includes(t));
  if (used.length === 0) {
    parent.appendChild(document.createTextNode(text));
    return;
  }
  const re = new RegExp(used.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    append(parent, text.slice(last, at), h('mark', {}, m[0]));
    last = at + m[0].length;
  }
  parent.appendChild(document.createTextNode(text.slice(last)));
}
