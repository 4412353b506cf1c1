/**
 * Times in the panel, all through the shared formatter: a relative time with the local time on hover,
 * or the absolute local time with its zone where precision matters. ISO timestamps inside rendered
 * markdown (the report, the evidence bullets, the model's answer) are rewritten the same way.
 */
import { localDateTime, relativeTime, timeTooltip, toEpochMs } from '../shared/timeFormat';
import { h } from './dom';

/** `12 min ago`, local date and time (with zone) on hover. */
export function relativeEl(iso: string, now = Date.now()): HTMLElement {
  if (!Number.isFinite(toEpochMs(iso))) return h('span', {}, iso);
  return h('time', { datetime: iso, title: timeTooltip(iso, now) }, relativeTime(iso, now));
}

/**
 * `2026-12-03 08:59:12 GMT+1` (milliseconds when asked; only `08:59:12` under a heading that names the
 * date and zone), the relative time and the full local time on hover, `note` (what the time is) before them.
 */
export function absoluteEl(
  iso: string,
  opts: { millis?: boolean; timeOnly?: boolean; zone?: boolean; note?: string } = {},
  now = Date.now(),
): HTMLElement {
  if (!Number.isFinite(toEpochMs(iso))) return h('span', {}, iso);
  const millis = opts.millis ?? false;
  return h(
    'time',
    {
      datetime: iso,
      title: `${opts.note ? `${opts.note} · ` : ''}${relativeTime(iso, now)} · ${localDateTime(iso, { millis })}`,
    },
    localDateTime(iso, { millis, timeOnly: opts.timeOnly ?? false, zone: opts.zone ?? true }),
  );
}

const ISO = /\b\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)\b/g;

/**
 * Replaces ISO timestamps in the text of `root` (outside code, which quotes logs verbatim) with the local
 * time and zone, the relative time on hover. Built with the DOM: text stays text.
 */
export function localizeTimes(root: Node, now = Date.now()): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const p = (n as Text).parentElement;
    if (p?.closest('code, pre, time')) continue;
    if (ISO.test((n as Text).data)) nodes.push(n as Text);
    ISO.lastIndex = 0;
  }
  for (const node of nodes) {
    const text = node.data;
    const frag = document.createDocumentFragment();
    let last = 0;
    for (const m of text.matchAll(ISO)) {
      const at = m.index ?? 0;
      frag.appendChild(document.createTextNode(text.slice(last, at)));
      frag.appendChild(absoluteEl(m[0], { millis: /\.\d/.test(m[0]) }, now));
      last = at + m[0].length;
    }
    frag.appendChild(document.createTextNode(text.slice(last)));
    node.replaceWith(frag);
  }
}
