import { RcaError } from '../core/common/errors';

/** Exit codes of the CLI contract (DESIGN.md). */
export const EXIT = { ok: 0, usage: 1, remote: 2, partial: 3 } as const;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stderr is a terminal: progress lines are drawn there. */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  columns: number;
}

export function exitCodeFor(e: unknown): number {
  if (e instanceof RcaError) {
    if (e.kind === 'usage') return EXIT.usage;
    if (e.kind === 'cancelled') return EXIT.partial;
    return EXIT.remote;
  }
  return EXIT.remote;
}

/** A single progress line redrawn in place on a TTY; silent otherwise (logs and pipes stay clean). */
export class ProgressLine {
  private last = '';
  constructor(private readonly io: CliIo) {}

  update(text: string): void {
    if (!this.io.isTTY || text === this.last) return;
    this.last = text;
    const width = Math.max(20, this.io.columns - 1);
    this.io.err(`\r\x1b[2K${text.length > width ? text.slice(0, width - 1) + '…' : text}`);
  }

  done(): void {
    if (this.io.isTTY && this.last) this.io.err('\r\x1b[2K');
    this.last = '';
  }
}

export { relativeTime } from '../shared/timeFormat';

/** Removes terminal control characters from text that came from Sentry before printing it. */
export function printable(s: string): string {
  return s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, ' ');
}
