/**
 * What every tool result for an agent goes through before it leaves the process — the MCP server's
 * and VS Code's agent-mode tools alike: secrets redacted (Sentry data and server logs may carry
 * tokens), a hard size cap with a note saying so (agents have small context windows), and errors as
 * text the agent and the user can act on.
 */
import { RcaError, errorMessage } from '../common/errors';
import { redactSecrets, redactValue } from '../common/redact';
import { truncateForMessage } from '../logs/shellQuote';

/** Upper bound of one tool result's text (about 15k tokens). */
export const MAX_RESULT_CHARS = 60_000;

/** Redacts, then cuts at `max` characters with a note saying how to ask for less. */
export function capText(text: string, max = MAX_RESULT_CHARS): string {
  return cut(redactSecrets(text), max);
}

function cut(clean: string, max: number): string {
  if (clean.length <= max) return clean;
  const note = `\n… [cut: ${clean.length - max} more characters; ask for less (a smaller limit, one host, a grep term)]`;
  return clean.slice(0, max - note.length) + note;
}

/** JSON text: redacted value by value (so it stays valid JSON), compact when indenting would not fit, then capped. */
export function capJson(value: unknown, max = MAX_RESULT_CHARS): string {
  const clean = redactValue(value);
  const pretty = JSON.stringify(clean, null, 2);
  return cut(pretty.length <= max ? pretty : JSON.stringify(clean), max);
}

/** A failure as one line of text: `Error: …` for bad input, `Error (kind): …` otherwise; redacted and capped. */
export function errorText(e: unknown): string {
  const kind = e instanceof RcaError ? e.kind : 'internal';
  return capText(`${kind === 'usage' ? 'Error' : `Error (${kind})`}: ${errorMessage(e)}`, 4000);
}

/** A user-supplied string quoted for an error message: JSON escapes control characters, long input is cut. */
export function quoted(s: string): string {
  return JSON.stringify(truncateForMessage(s));
}
