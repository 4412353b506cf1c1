/** The events-over-time bar chart in the panel header, as SVG built with the DOM (no markup strings). */
const SVG = 'http://www.w3.org/2000/svg';

export function trendChart(points: Array<[number, number]>, label: string, width = 360, height = 56): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('role', 'img');
  svg.setAttribute('class', 'trend-chart');
  const max = Math.max(1, ...points.map(([, n]) => n));
  const title = document.createElementNS(SVG, 'title');
  title.textContent = `${label}: ${points.map(([, n]) => n).join(', ')} (max ${max})`;
  svg.appendChild(title);
  const n = Math.max(1, points.length);
  const gap = 2;
  const bw = Math.max(1, (width - gap * (n - 1)) / n);
  points.forEach(([t, count], i) => {
    const h = count === 0 ? 1 : Math.max(2, Math.round((count / max) * (height - 4)));
    const r = document.createElementNS(SVG, 'rect');
    r.setAttribute('x', (i * (bw + gap)).toFixed(1));
    r.setAttribute('y', String(height - h));
    r.setAttribute('width', bw.toFixed(1));
    r.setAttribute('height', String(h));
    r.setAttribute('class', count === 0 ? 'bar empty' : 'bar');
    const tip = document.createElementNS(SVG, 'title');
    tip.textContent = `${new Date(t * 1000).toISOString().replace('T', ' ').slice(0, 16)} UTC: ${count}`;
    r.appendChild(tip);
    svg.appendChild(r);
  });
  return svg;
}
