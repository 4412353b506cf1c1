/**
 * MCP tool results: the shared result text (core/agent/resultText.ts: redacted, capped) in the
 * protocol's `content` shape, and errors as MCP tool errors (`isError`).
 */
import { capJson, capText, errorText, MAX_RESULT_CHARS } from '../core/agent/resultText';

export interface ToolText {
  [key: string]: unknown;
  content: Array<{ type: 'text'; text: string }>;
  isError?: boolean;
}

export function jsonResult(value: unknown, max = MAX_RESULT_CHARS): ToolText {
  return { content: [{ type: 'text', text: capJson(value, max) }] };
}

export function textResult(text: string, max = MAX_RESULT_CHARS): ToolText {
  return { content: [{ type: 'text', text: capText(text, max) }] };
}

export function errorResult(e: unknown): ToolText {
  return { content: [{ type: 'text', text: errorText(e) }], isError: true };
}
