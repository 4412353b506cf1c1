/**
 * Secret redaction for any text that leaves the machine it came from: server log lines shown in the
 * panel, evidence sent to a model. Generic on purpose: it knows secret *shapes*, not our data model.
 * False positives are accepted (a redacted harmless value costs little; a leaked token costs a lot).
 */

const MARK = '[REDACTED]';

/** Whole PEM private-key blocks (an unterminated block is redacted to the end of the text). */
const PRIVATE_KEY =
  /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----|$)/g;

/** HTTP headers whose whole value is a credential. */
const HEADER =
  /\b((?:proxy-)?authorization|x-api-key|api-key|x-auth-token|x-sentry-auth|cookie|set-cookie)(["']?\s*[:=]\s*["']?)([^\r\n"']+)/gi;

/** Words in a name that say its value is a secret. */
const SECRET_NAME = String.raw`(?:passw(?:or)?d|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|session[_-]?id|credentials?)`;

/** `name=value`, `name: value`, `"name": "value"` where the name says it holds a secret. */
const KEY_VALUE = new RegExp(
  String.raw`\b([A-Za-z0-9_.-]*${SECRET_NAME}[A-Za-z0-9_.-]*)(["']?\s*[:=]\s*)("[^"\r\n]*"|'[^'\r\n]*'|[^\s,;&"'}\]]+)`,
  'gi',
);
const SECRET_KEY = new RegExp(SECRET_NAME, 'i');

/** Credentials embedded in URLs: scheme://user:password@host. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi;

/** Token shapes of well-known providers, recognisable without a label. */
const SHAPES: RegExp[] = [
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, // AWS access key id
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{40,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g, // GitLab
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, // Slack
  /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}\b/g, // Stripe
  /\bsk-(?:proj-|ant-|svcacct-)?[A-Za-z0-9_-]{20,}\b/g, // OpenAI / Anthropic style
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API key
  /\bsntry[suai]?_[A-Za-z0-9+/=_-]{20,}/g, // Sentry auth tokens (org, user, user-app, integration)
  /\bnpm_[A-Za-z0-9]{36}\b/g, // npm
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, // JWT
];

/** Returns `text` with credentials replaced by `[REDACTED]`; everything else is left as it was. */
export function redactSecrets(text: string): string {
  let out = text.replace(PRIVATE_KEY, `-----BEGIN $1PRIVATE KEY$2----- ${MARK}`);
  out = out.replace(HEADER, (_m, name: string, sep: string) => `${name}${sep}${MARK}`);
  out = out.replace(KEY_VALUE, (m, name: string, sep: string, value: string) => {
    if (value.replace(/^["']/, '').startsWith('[REDACTED')) return m;
    const q = value.startsWith('"') ? '"' : value.startsWith("'") ? "'" : '';
    return `${name}${sep}${q}${MARK}${q}`;
  });
  out = out.replace(URL_PASSWORD, `$1${MARK}$3`);
  for (const re of SHAPES) out = out.replace(re, MARK);
  return out;
}

/**
 * A JSON-shaped value with its secrets redacted: every string through `redactSecrets`, and the string
 * or number value of a key whose name says it holds a secret replaced whole. Structure stays intact,
 * so the result still serialises to valid JSON (redacting the serialised text could break it).
 */
export function redactValue(value: unknown, key?: string): unknown {
  if (typeof value === 'string') return key && SECRET_KEY.test(key) ? MARK : redactSecrets(value);
  if (typeof value === 'number') return key && SECRET_KEY.test(key) ? MARK : value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k)]));
  return value;
}
