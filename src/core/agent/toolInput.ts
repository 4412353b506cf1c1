/**
 * Checks a tool's input object field by field, for callers whose framework does not validate it
 * against the declared schema (VS Code's agent-mode tools). Each failure is a usage error naming the
 * field and what it accepts; the bad value is quoted, never echoed raw.
 */
import { RcaError } from '../common/errors';
import { quoted } from './resultText';

export class ToolInput {
  private readonly obj: Record<string, unknown>;

  constructor(
    input: unknown,
    private readonly tool: string,
  ) {
    if (input === null || typeof input !== 'object' || Array.isArray(input))
      throw new RcaError('usage', `${tool}: the input must be an object.`);
    this.obj = input as Record<string, unknown>;
  }

  private fail(key: string, wants: string): never {
    const v = this.obj[key];
    const shown = typeof v === 'string' ? quoted(v) : quoted(JSON.stringify(v) ?? String(v));
    throw new RcaError('usage', `${this.tool}: \`${key}\` must be ${wants} (got ${shown}).`);
  }

  /** A string of 1..max characters (trimmed); undefined when absent and not required. */
  string(key: string, max: number, required: true): string;
  string(key: string, max: number, required?: false): string | undefined;
  string(key: string, max: number, required = false): string | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) {
      if (required) throw new RcaError('usage', `${this.tool}: \`${key}\` is required.`);
      return undefined;
    }
    if (typeof v !== 'string' || v.trim() === '' || v.length > max)
      this.fail(key, `a non-empty string of at most ${max} characters`);
    return v.trim();
  }

  int(key: string, min: number, max: number): number | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      this.fail(key, `a whole number from ${min} to ${max}`);
    return v;
  }

  oneOf<T extends string>(key: string, values: readonly T[]): T | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || !values.includes(v as T)) this.fail(key, `one of ${values.join(', ')}`);
    return v as T;
  }

  strings(key: string, maxItems: number, maxLength: number): string[] | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (
      !Array.isArray(v) ||
      v.length > maxItems ||
      v.some((x) => typeof x !== 'string' || x === '' || x.length > maxLength)
    )
      this.fail(key, `a list of at most ${maxItems} non-empty strings of at most ${maxLength} characters`);
    return v as string[];
  }
}
