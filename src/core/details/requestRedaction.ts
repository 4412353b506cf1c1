/**
 * Redaction of an event's HTTP request before it is shown: credentials never reach the screen, even
 * when the SDK and Sentry's server-side scrubbing let them through (an older SDK, a `beforeSend` that
 * rewrites the request, a project with data scrubbing off). Names decide first (Authorization, Cookie,
 * Set-Cookie, X-Api-Key, …: the whole value; every cookie value; query parameters named like tokens),
 * then `redactSecrets` catches token shapes anywhere else. Values Sentry already filtered stay as sent.
 */
import { redactSecrets } from '../common/redact';

export const REDACTED = '[REDACTED]';

/** Headers whose whole value is a credential. */
const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
  'x-sentry-auth',
  'x-csrf-token',
  'x-xsrf-token',
  'x-amz-security-token',
]);

/** Header or parameter names that say the value is a secret. */
const SECRET_NAME =
  /(token|secret|passw(or)?d|passwd|pwd|api[_-]?key|apikey|access[_-]?key|auth|session|sessid|signature|sig$|jwt|credential|private[_-]?key|client[_-]?secret|code_verifier)/i;

const ALREADY_FILTERED = /^\[(Filtered|REDACTED)\]$/;

export function isSecretHeader(name: string): boolean {
  const n = name.trim().toLowerCase();
  return SECRET_HEADERS.has(n) || SECRET_NAME.test(n);
}

export function isSecretParam(name: string): boolean {
  return SECRET_NAME.test(name.trim());
}

function keep(value: string): string {
  return ALREADY_FILTERED.test(value) ? value : redactSecrets(value);
}

export function redactHeaders(headers: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  return headers.map(([k, v]) => [k, isSecretHeader(k) && !ALREADY_FILTERED.test(v) ? REDACTED : keep(v)]);
}

/** Every cookie value: cookies are how sessions authenticate, and their names say little. */
export function redactCookies(cookies: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  return cookies.map(([k, v]) => [k, ALREADY_FILTERED.test(v) ? v : REDACTED]);
}

export function redactQuery(query: ReadonlyArray<readonly [string, string]>): Array<[string, string]> {
  return query.map(([k, v]) => [k, isSecretParam(k) && !ALREADY_FILTERED.test(v) ? REDACTED : keep(v)]);
}

/** A URL with its password and secret query parameters replaced; unparsable text through `redactSecrets`. */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return redactSecrets(url);
  }
  if (u.password) u.password = 'REDACTED';
  const params = [...u.searchParams];
  if (params.some(([k, v]) => isSecretParam(k) && !ALREADY_FILTERED.test(v))) {
    // Rebuilt by hand: URLSearchParams would percent-encode the brackets of the marker.
    const query = params
      .map(
        ([k, v]) =>
          `${encodeURIComponent(k)}=${isSecretParam(k) && !ALREADY_FILTERED.test(v) ? REDACTED : encodeURIComponent(v)}`,
      )
      .join('&');
    u.search = '';
    return redactSecrets(`${u.toString().replace(/\?$/, '')}?${query}`);
  }
  return redactSecrets(u.toString());
}
