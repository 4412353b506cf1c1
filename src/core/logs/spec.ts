import { RcaError } from '../common/errors';
import { placeholderContexts, unsafePlaceholderMessage } from './templateQuoting';
import {
  truncateForMessage,
  validateContainer,
  validateHostAlias,
  validateRemotePath,
  validateUnit,
} from './shellQuote';

/** Where a host's logs come from. Every field is validated by `parseLogSource` before it is used. */
export type LogSourceSpec =
  | { kind: 'file'; path: string /* absolute path or glob; rotated `.1`/`.gz` siblings are read too */ }
  | { kind: 'journald'; unit: string }
  | { kind: 'docker'; container: string }
  | { kind: 'command'; template: string /* placeholders {since} {until} {sinceEpoch} {untilEpoch} {grep} only */ };

/** {since}/{until}: ISO 8601 UTC; {sinceEpoch}/{untilEpoch}: whole seconds; {grep}: an ERE matching any
 *  grep term literally (empty when there are none, which grep reads as "every line"). */
export const TEMPLATE_PLACEHOLDERS = ['since', 'until', 'sinceEpoch', 'untilEpoch', 'grep'] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];

const SPEC_HELP =
  'Use file:/var/log/app/*.log, journald:app.service, docker:CONTAINER or cmd:TEMPLATE (placeholders {since} {until} {sinceEpoch} {untilEpoch} {grep}).';

/** Parses the source half of `HOST=SPEC` (also used for settings values). */
export function parseLogSource(spec: string): LogSourceSpec {
  const m = /^([a-z]+):([\s\S]*)$/.exec(spec.trim());
  if (!m)
    throw new RcaError(
      'usage',
      `Log source ${JSON.stringify(truncateForMessage(spec))} has no kind prefix.`,
      SPEC_HELP,
    );
  const [, kind, rest] = m as unknown as [string, string, string];
  switch (kind) {
    case 'file':
      return { kind: 'file', path: validateRemotePath(rest) };
    case 'journal':
    case 'journald':
      return { kind: 'journald', unit: validateUnit(rest) };
    case 'docker':
      return { kind: 'docker', container: validateContainer(rest) };
    case 'cmd':
    case 'command':
      validateTemplate(rest);
      return { kind: 'command', template: rest };
    default:
      throw new RcaError('usage', `Unknown log source kind "${truncateForMessage(kind, 20)}".`, SPEC_HELP);
  }
}

/** Parses the CLI's `--logs HOST=SPEC`, e.g. `web1=file:/var/log/app/*.log`. */
export function parseLogSpec(spec: string): { host: string; source: LogSourceSpec } {
  const eq = spec.indexOf('=');
  if (eq <= 0)
    throw new RcaError(
      'usage',
      `--logs ${JSON.stringify(truncateForMessage(spec))} is not HOST=SPEC.`,
      `Write it as web1=file:/var/log/app/*.log. ${SPEC_HELP}`,
    );
  return { host: validateHostAlias(spec.slice(0, eq).trim()), source: parseLogSource(spec.slice(eq + 1)) };
}

/** The inverse of `parseLogSource`, for messages and settings. */
export function formatLogSource(s: LogSourceSpec): string {
  switch (s.kind) {
    case 'file':
      return `file:${s.path}`;
    case 'journald':
      return `journald:${s.unit}`;
    case 'docker':
      return `docker:${s.container}`;
    case 'command':
      return `cmd:${s.template}`;
  }
}

/** A template is literal text plus `{name}` placeholders; `{{` and `}}` are literal braces. Any other
 *  `{word}` is an error, so a typo never silently becomes part of the command. */
export function validateTemplate(template: string): void {
  if (!template.trim())
    throw new RcaError(
      'usage',
      'The command template is empty.',
      'Give a command such as cmd:tail -n 5000 /var/log/app.log.',
    );
  if (template.length > 4096)
    throw new RcaError(
      'usage',
      'The command template is longer than 4096 characters.',
      'Put long logic in a script on the server and call it.',
    );
  if (template.includes('\0')) throw new RcaError('usage', 'The command template contains a NUL byte.');
  for (const part of tokenizeTemplate(template)) {
    if (part.kind === 'placeholder' && !(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(part.name)) {
      throw new RcaError(
        'usage',
        `Unknown placeholder {${truncateForMessage(part.name, 30)}} in the command template.`,
        'Only {since}, {until}, {sinceEpoch}, {untilEpoch} and {grep} exist; write {{ and }} for literal braces.',
      );
    }
  }
  const unsafe = placeholderContexts(tokenizeTemplate(template)).find((u) => u.context !== 'plain');
  if (unsafe) {
    const { message, hint } = unsafePlaceholderMessage(unsafe);
    throw new RcaError('usage', message, hint);
  }
}

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'placeholder'; name: string };

export function tokenizeTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    const next = template[i + 1];
    if ((c === '{' && next === '{') || (c === '}' && next === '}')) {
      text += c;
      i++;
      continue;
    }
    if (c === '{') {
      const m = /^\{([A-Za-z][A-Za-z0-9_]*)\}/.exec(template.slice(i));
      if (m) {
        if (text) parts.push({ kind: 'text', text });
        text = '';
        parts.push({ kind: 'placeholder', name: m[1]! });
        i += m[0].length - 1;
        continue;
      }
    }
    text += c;
  }
  if (text) parts.push({ kind: 'text', text });
  return parts;
}
