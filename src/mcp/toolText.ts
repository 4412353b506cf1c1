/**
 * What every MCP tool result goes through before it leaves the process: secrets redacted (Sentry data
 * and server logs may carry tokens), a hard size cap (agents have small context windows), and errors
 * turned into MCP tool errors with text the agent and the user can act on.
 */
import { RcaError, errorMessage } from '../core/common/errors';
import { redactSecrets, redactValue } from '../core/common/redact';
import { truncateForMessage } from '../core/logs/shellQuote';

/** Upper bound of one tool result's text (about 15k tokens). */
export const MAX_RESULT_CHARS = 60_000;

export interface ToolText {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  isError?: boolean;
}

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
export function jsonResult(value: unknown, max = MAX_RESULT_CHARS): ToolText {
  const clean = redactValue(value);
  const pretty = JSON.stringify(clean, null, 2);
  return { content: [{ type: 'text', text: cut(pretty.length <= max ? pretty : JSON.stringify(clean), max) }] };
}

export function textResult(text: string, max = MAX_RESULT_CHARS): ToolText {
  return { content: [{ type: 'text', text: capText(text, max) }] };
}

export function errorResult(e: unknown): ToolText {
  const kind = e instanceof RcaError ? e.kind : 'internal';
  return {
    content: [
      { type: 'text', text: capText(`${kind === 'usage' ? 'Error' : `Error (${kind})`}: ${errorMessage(e)}`, 4000) },
    ],
    isError: true,
  };
}

/** A user-supplied string quoted for an error message: JSON escapes control characters, long input is cut. */
export function quoted(s: string): string {
  return JSON.stringify(truncateForMessage(s));
}
