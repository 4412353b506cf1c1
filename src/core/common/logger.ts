/** Levelled logger with the shape of vscode.LogOutputChannel's methods; every line carries a component tag. */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

export const nullLogger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Prefixes every line with `[component]` so one output channel can be read by component. */
export function tagged(logger: Logger, component: string): Logger {
  const p = `[${component}] `;
  return {
    trace: (m, ...a) => logger.trace(p + m, ...a),
    debug: (m, ...a) => logger.debug(p + m, ...a),
    info: (m, ...a) => logger.info(p + m, ...a),
    warn: (m, ...a) => logger.warn(p + m, ...a),
    error: (m, ...a) => logger.error(m instanceof Error ? `${p}${m.stack ?? m.message}` : p + m, ...a),
  };
}

/** Logger that writes to a stream (the CLI's stderr), filtered by level. */
export function streamLogger(
  write: (line: string) => void,
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' = 'info',
): Logger {
  const order = ['trace', 'debug', 'info', 'warn', 'error'] as const;
  const min = order.indexOf(level);
  const fmt = (lvl: (typeof order)[number], m: string | Error, args: unknown[]) => {
    if (order.indexOf(lvl) < min) return;
    const text = m instanceof Error ? (m.stack ?? m.message) : m;
    const rest = args
      .map((a) => (a instanceof Error ? (a.stack ?? a.message) : typeof a === 'string' ? a : JSON.stringify(a)))
      .join(' ');
    write(`${new Date().toISOString()} ${lvl.toUpperCase()} ${text}${rest ? ' ' + rest : ''}`);
  };
  return {
    trace: (m, ...a) => fmt('trace', m, a),
    debug: (m, ...a) => fmt('debug', m, a),
    info: (m, ...a) => fmt('info', m, a),
    warn: (m, ...a) => fmt('warn', m, a),
    error: (m, ...a) => fmt('error', m, a),
  };
}
