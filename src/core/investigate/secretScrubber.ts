/**
 * Everything the investigation shows or sends passes through here: the known secret values of this
 * session (the Sentry token, the AI key, anything the host hands in) are removed exactly, then the shared
 * shape-based redaction catches the rest (keys in logs, passwords in URLs, bearer headers).
 */
import { redactSecrets } from '../common/redact';

const MARK = '[REDACTED]';

/** Sentry token prefixes (sntryu_ user, sntrys_ org, sntrya_ user-app, sntryi_ integration) that the shared
 *  shapes must catch too; kept here until common/redact.ts covers all four. */
const SENTRY_TOKEN = /\bsntr[yi][usai]?_[A-Za-z0-9+/=_-]{20,}/g;

export class SecretScrubber {
  private readonly known: string[];

  /** Values shorter than 6 characters are ignored: scrubbing them would mangle ordinary text. */
  constructor(knownSecrets: Array<string | undefined | null> = []) {
    this.known = [...new Set(knownSecrets.filter((s): s is string => typeof s === 'string' && s.length >= 6))].sort(
      (a, b) => b.length - a.length,
    );
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.known) if (out.includes(s)) out = out.split(s).join(MARK);
    return redactSecrets(out.replace(SENTRY_TOKEN, MARK));
  }

  /** Scrubs every string inside a JSON-like value (for tool arguments and results). */
  scrubDeep<T>(value: T): T {
    if (typeof value === 'string') return this.scrub(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.scrubDeep(v)) as T;
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.scrubDeep(v);
      return out as T;
    }
    return value;
  }
}

/** Secret values a process knows from its environment (used by the CLI; the host adds SecretStorage values). */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  return ['SENTRY_AUTH_TOKEN', 'OPENAI_API_KEY', 'SENTRY_RCA_OPENAI_KEY'].map((k) => env[k] ?? '').filter(Boolean);
}
