import { RcaError } from '../common/errors';

/**
 * POSIX shell quoting. Every value that reaches a remote command goes through `shQuote`; values that
 * must stay unquoted (a glob that the remote shell expands) go through a strict allow-list instead.
 */

/** Single-quotes `value` for POSIX sh: nothing inside is expanded, newlines included. */
export function shQuote(value: string): string {
  if (value.includes('\0'))
    throw new RcaError(
      'usage',
      'A value for a remote command contains a NUL byte.',
      'Remove it; NUL cannot be passed to a shell.',
    );
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Characters a remote file path or glob may contain. No spaces, quotes, `$`, backticks, `;`, `|`, `&`,
 *  redirections or braces: a path made only of these cannot do anything but name files. */
const PATH_GLOB = /^\/[A-Za-z0-9._\-/*?[\]@+,=:%]+$/;

export function validateRemotePath(path: string): string {
  if (!PATH_GLOB.test(path) || path.includes('/../') || path.endsWith('/..')) {
    throw new RcaError(
      'usage',
      `Log file path ${JSON.stringify(truncateForMessage(path))} is not allowed.`,
      'Give an absolute path or glob made of letters, digits and . _ - / * ? [ ] @ + , = : % (no spaces, quotes, $, ;, |, `, .. segments), e.g. file:/var/log/app/*.log.',
    );
  }
  return path;
}

/** systemd unit names: the characters systemd itself allows, plus `*` for unit globs. */
export function validateUnit(unit: string): string {
  if (!/^[A-Za-z0-9:_.@\\*-]{1,256}$/.test(unit) || unit.startsWith('-')) {
    throw new RcaError(
      'usage',
      `systemd unit ${JSON.stringify(truncateForMessage(unit))} is not a valid unit name.`,
      'Use a unit such as journald:app.service.',
    );
  }
  return unit;
}

/** Docker container names/ids: the pattern Docker enforces for names (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`). */
export function validateContainer(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/.test(name)) {
    throw new RcaError(
      'usage',
      `Docker container ${JSON.stringify(truncateForMessage(name))} is not a valid container name or id.`,
      'Use a name such as docker:api (letters, digits, _ . -).',
    );
  }
  return name;
}

/** SSH host aliases as they appear in ~/.ssh/config (never a user@host string with options). */
export function validateHostAlias(host: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(host)) {
    throw new RcaError(
      'usage',
      `SSH host ${JSON.stringify(truncateForMessage(host))} is not a valid host alias.`,
      'Use an alias from your ssh config (letters, digits, . _ -), e.g. web1.',
    );
  }
  return host;
}

export function truncateForMessage(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
