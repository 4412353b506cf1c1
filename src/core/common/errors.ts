/** Errors the user can act on. `kind` drives the CLI exit code and the host's message. */
export type ErrorKind = 'usage' | 'auth' | 'remote' | 'network' | 'store' | 'cancelled' | 'internal';

export class RcaError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** What the user can do about it, shown after the message. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RcaError';
  }

  /** Message plus hint, for one-line display. */
  get display(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || e.name === 'CanceledError' || (e instanceof RcaError && e.kind === 'cancelled'));
}

export function errorMessage(e: unknown): string {
  if (e instanceof RcaError) return e.display;
  if (e instanceof Error) return e.message;
  return String(e);
}
