/**
 * What a frame's tooltip and its "open" feedback say about where the frame is in the local code, as
 * plain text and markdown (no VS Code API), so the wording is unit-tested. Every piece of text from
 * Sentry or the file system is escaped: the tooltip is trusted for our own command links only.
 */
import type { FrameMapping, MappedFrame } from '../../core/frames/frameMapper';
import type { UnmappedCode } from '../../core/frames/framePath';
import { escapeMarkdown } from '../tree/issueTreeFormat';

/** Reasons a path mapping can fix; the others (native code, URLs with no source, no folder open) it cannot. */
const MAPPABLE: ReadonlySet<UnmappedCode> = new Set<UnmappedCode>([
  'no-match',
  'ambiguous',
  'mapping-target-missing',
  'excluded-dir',
  'library-frame',
  'url',
]);

export function canAddMapping(m: FrameMapping): boolean {
  return !m.ok && MAPPABLE.has(m.code);
}

/** `src/db/pool.mjs:42:11` relative to its workspace folder (absolute when a mapping points outside). */
export function localLocation(m: MappedFrame, sep = '/'): string {
  let path = m.path;
  if (m.root && path.startsWith(m.root + sep)) path = path.slice(m.root.length + 1);
  return `${path.split(sep).join('/')}:${m.line}:${m.column}`;
}

/** One sentence on a line that moved or changed since the release, or '' when it is where it was. */
export function lineNote(m: MappedFrame): string {
  if (m.lineStatus === 'moved' && m.moved)
    return `The crashing line moved from line ${m.moved.from} to line ${m.moved.to} since the release.`;
  if (m.lineStatus === 'changed')
    return 'The local line differs from the crashing line and was not found nearby: the code changed since the release.';
  return '';
}

/**
 * Markdown appended to a frame's tooltip. `addMappingLink` is the `command:` URI of "Add Path
 * Mapping…" for this frame (built by the host, which knows the command id and its arguments).
 */
export function frameNote(m: FrameMapping, addMappingLink?: string, sep = '/'): string {
  if (m.ok) {
    const note = lineNote(m);
    return `**Opens** \`${localLocation(m, sep).replace(/`/g, "'")}\`${note ? `  \n${escapeMarkdown(note)}` : ''}`;
  }
  const parts = [`**Not mapped to a local file:** ${escapeMarkdown(m.reason)}`];
  if (m.candidates?.length) {
    const shown = m.candidates.slice(0, 5).map((c) => `- \`${c.replace(/`/g, "'")}\``);
    if (m.candidates.length > 5) shown.push(`- … and ${m.candidates.length - 5} more`);
    parts.push(`Candidates:\n${shown.join('\n')}`);
  }
  if (addMappingLink && canAddMapping(m)) parts.push(`[Add Path Mapping…](${addMappingLink})`);
  return parts.join('\n\n');
}

/** A `command:` URI with JSON arguments, as VS Code's markdown expects. */
export function commandUri(command: string, args: readonly unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}
