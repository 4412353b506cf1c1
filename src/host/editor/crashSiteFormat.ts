/**
 * The words the editor shows on a crashing line: the CodeLens title, the hover and the Problems
 * entry. Plain data (no VS Code API) so the wording is unit-tested; Sentry text is escaped in the
 * hover, which is trusted for our own command links only.
 */
import type { CrashSite } from '../../core/frames/crashSites';
import { compactCount, escapeMarkdown, relativeTime } from '../tree/issueTreeFormat';

export { compactCount };

/** Lens titles are cut here: a lens wider than the editor is unreadable. */
const MAX_TITLE = 90;

function clip(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/** `⚠ TypeError: x is undefined · 1.2k events · 3h ago`. */
export function lensTitle(site: CrashSite, now: number): string {
  const events = `${compactCount(site.count)} event${site.count === 1 ? '' : 's'}`;
  return `⚠ ${clip(site.title, MAX_TITLE)} · ${events} · ${relativeTime(site.lastSeen, now)}`;
}

/** The lens for several issues crashing on one line: the busiest is named, the rest counted. */
export function groupedLensTitle(sites: readonly CrashSite[], now: number): string {
  const [top, ...rest] = [...sites].sort((a, b) => b.count - a.count);
  if (!top) return '';
  const base = lensTitle(top, now);
  return rest.length ? `${base} · +${rest.length} more issue${rest.length === 1 ? '' : 's'}` : base;
}

/** Links the hover offers per issue (`command:` URIs built by the host). */
export interface HoverLinks {
  openInSentry: (site: CrashSite) => string;
  diagnose: (site: CrashSite) => string;
}

/** Hover markdown for the issues crashing on one line, busiest first. */
export function hoverMarkdown(sites: readonly CrashSite[], now: number, links: HoverLinks): string {
  return [...sites]
    .sort((a, b) => b.count - a.count)
    .map((s) => {
      const lines = [
        `**$(warning) ${escapeMarkdown(s.shortId)}** ${escapeMarkdown(clip(s.title, 300))}`,
        `${escapeMarkdown(s.level)} · ${s.count.toLocaleString('en-US')} event${s.count === 1 ? '' : 's'} · last seen ${escapeMarkdown(relativeTime(s.lastSeen, now))}`,
      ];
      if (s.lineStatus === 'moved' && s.moved)
        lines.push(`Crashed at line ${s.moved.from} in the release; the line moved here since.`);
      if (s.lineStatus === 'changed') lines.push('This line changed since the release that crashed.');
      lines.push(`[Open in Sentry](${links.openInSentry(s)}) · [Diagnose](${links.diagnose(s)})`);
      return lines.join('  \n');
    })
    .join('\n\n---\n\n');
}

/** The Problems-panel message for one crash site. */
export function problemMessage(site: CrashSite, now: number): string {
  return `${site.shortId}: ${clip(site.title, 200)} (${site.count.toLocaleString('en-US')} event${site.count === 1 ? '' : 's'}, last seen ${relativeTime(site.lastSeen, now)})`;
}
