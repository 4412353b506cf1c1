/**
 * The events-over-time bar chart in the panel header, as SVG built with the DOM (no markup strings):
 * a count axis (0 and the maximum), the first and last bucket's local time under it, and each bar's
 * local time and count on hover. Drawn only when there is a shape to see (several non-empty buckets).
 */
import { localDateTime } from '../shared/timeFormat';

const SVG = 'http://www.w3.org/2000/svg';
/** Fewer non-empty buckets than this say nothing a sentence doesn't. */
export const MIN_BUCKETS = 3;

export function worthCharting(points: Array<[number, number]>): boolean {
  return points.filter(([, n]) => n > 0).length >= MIN_BUCKETS;
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>, text?: string) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export function trendChart(
  points: Array<[number, number]>,
  label: string,
  opts: { width?: number; height?: number; bucket?: string } = {},
): SVGSVGElement {
  const width = opts.width ?? 260;
  const plotH = opts.height ?? 36;
  const left = 26;
  const bottom = 14;
  const height = plotH + bottom + 2;
  const svg = el('svg', {
    viewBox: `0 0 ${width} ${height}`,
    width: String(width),
    height: String(height),
    role: 'img',
    class: 'trend-chart',
    'aria-label': label,
  });
  const max = Math.max(1, ...points.map(([, n]) => n));
  svg.appendChild(el('title', {}, `${label}: ${points.map(([, n]) => n).join(', ')} (max ${max})`));
  // Count axis: the maximum at the top, 0 at the base line.
  svg.appendChild(el('text', { x: String(left - 4), y: '9', 'text-anchor': 'end', class: 'axis' }, String(max)));
  svg.appendChild(el('text', { x: String(left - 4), y: String(plotH), 'text-anchor': 'end', class: 'axis' }, '0'));
  svg.appendChild(
    el('line', {
      x1: String(left),
      x2: String(width),
      y1: String(plotH + 0.5),
      y2: String(plotH + 0.5),
      class: 'base',
    }),
  );
  const n = Math.max(1, points.length);
  const gap = 2;
  const plotW = width - left;
  const bw = Math.max(1, (plotW - gap * (n - 1)) / n);
  points.forEach(([t, count], i) => {
    const h = count === 0 ? 1 : Math.max(2, Math.round((count / max) * (plotH - 4)));
    const r = el('rect', {
      x: (left + i * (bw + gap)).toFixed(1),
      y: String(plotH - h),
      width: bw.toFixed(1),
      height: String(h),
      class: count === 0 ? 'bar empty' : 'bar',
    });
    r.appendChild(
      el(
        'title',
        {},
        `${localDateTime(t * 1000, { seconds: false })}${opts.bucket ? ` (${opts.bucket})` : ''}: ${count} event${count === 1 ? '' : 's'}`,
      ),
    );
    svg.appendChild(r);
  });
  const first = points[0];
  const last = points.at(-1);
  if (first && last) {
    const y = String(plotH + bottom);
    svg.appendChild(
      el(
        'text',
        { x: String(left), y, class: 'axis' },
        localDateTime(first[0] * 1000, { seconds: false, zone: false }),
      ),
    );
    svg.appendChild(
      el(
        'text',
        { x: String(width), y, 'text-anchor': 'end', class: 'axis' },
        localDateTime(last[0] * 1000, { seconds: false }),
      ),
    );
  }
  return svg;
}
