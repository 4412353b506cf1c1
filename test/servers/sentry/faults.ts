/** The misbehaviour queue: each request takes the first fault whose `match` fits its path, once per `times`. */
import type { Fault, FaultKind } from './types';

const KINDS: readonly FaultKind[] = [
  '429-retry-after',
  '429-reset',
  '429-bare',
  '500',
  '502',
  '503',
  'slow',
  'reset',
  'truncated-json',
  'malformed-json',
  'repeat-cursor',
  'huge-page',
  'redirect',
];

export class FaultQueue {
  private readonly faults: Array<Fault & { left: number }> = [];

  add(f: Fault): void {
    if (!KINDS.includes(f.kind))
      throw new Error(`unknown fault kind ${JSON.stringify(f.kind)}; known: ${KINDS.join(', ')}`);
    const times = f.times ?? 1;
    if (!(times > 0)) throw new Error(`fault ${f.kind}: times must be positive`);
    this.faults.push({ ...f, left: times });
  }

  clear(): void {
    this.faults.length = 0;
  }

  get pending(): number {
    return this.faults.length;
  }

  /** Takes one use of the first matching fault, or returns undefined. */
  take(path: string): Fault | undefined {
    const i = this.faults.findIndex((f) => matches(f.match, path));
    if (i < 0) return undefined;
    const f = this.faults[i]!;
    f.left--;
    if (f.left <= 0) this.faults.splice(i, 1);
    return f;
  }
}

function matches(m: Fault['match'], path: string): boolean {
  if (m === undefined) return true;
  if (typeof m === 'string') return path.includes(m);
  m.lastIndex = 0;
  return m.test(path);
}
