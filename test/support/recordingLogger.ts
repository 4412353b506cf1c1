import type { Logger } from '../../src/core/common/logger';

/** A logger that keeps every line, so tests can assert what was (and was not) logged. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (m: unknown, ...a: unknown[]) => {
    lines.push([m, ...a].map((x) => (x instanceof Error ? x.stack : String(x))).join(' '));
  };
  return { lines, trace: rec, debug: rec, info: rec, warn: rec, error: rec };
}
