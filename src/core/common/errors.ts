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
  return (
    e instanceof Error &&
    (e.name === 'AbortError' || e.name === 'CanceledError' || (e instanceof RcaError && e.kind === 'cancelled'))
  );
}

export function errorMessage(e: unknown): string {
  if (e instanceof RcaError) return e.display;
  if (e instanceof Error) return e.message;
  return String(e);
}

type UnexpectedErrorHandler = (e: unknown, context: string) => void;

// Until a composition root installs its logger (the App's log channel, the CLI's stderr logger).
let unexpectedErrorHandler: UnexpectedErrorHandler = (e, context) => console.error(`sentry-rca: ${context}:`, e);

/**
 * Where errors go that must not stop the code that caught them (a throwing event listener, a failing
 * dispose): nowhere silent. Returns a function that puts the previous handler back.
 */
export function setUnexpectedErrorHandler(handler: UnexpectedErrorHandler): () => void {
  const previous = unexpectedErrorHandler;
  unexpectedErrorHandler = handler;
  return () => {
    if (unexpectedErrorHandler === handler) unexpectedErrorHandler = previous;
  };
}

/** Reports an error that was caught so that the rest keeps working; see `setUnexpectedErrorHandler`. */
export function onUnexpectedError(e: unknown, context: string): void {
  try {
    unexpectedErrorHandler(e, context);
  } catch {
    // The handler itself failed (a disposed log channel): there is nowhere left to report to.
  }
}
