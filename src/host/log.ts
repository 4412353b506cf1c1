import * as vscode from 'vscode';
import type { Logger } from '../core/common/logger';
import { redactSecrets } from '../core/common/redact';
import { LOG_CHANNEL_NAME } from './ids';

/**
 * The one "Sentry RCA" LogOutputChannel. Every line passes a scrubber first: the stored token is
 * replaced wherever it appears (an error message echoing a URL or header must not leak it), and
 * well-known secret shapes are redacted too.
 */
export class LogChannel implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private secrets: string[] = [];
  /** The last lines as written (after scrubbing), for the test API and "what did it log" checks. */
  readonly tail: string[] = [];

  constructor() {
    this.channel = vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
  }

  /** Strings that must never appear in the log (the current token). */
  setSecrets(secrets: Array<string | undefined>): void {
    this.secrets = secrets.filter((s): s is string => !!s && s.length >= 4);
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('[REDACTED]');
    return redactSecrets(out);
  }

  private keep(level: string, message: string, args: unknown[]): void {
    this.tail.push(
      `${level} ${message}${args.length ? ' ' + args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') : ''}`,
    );
    if (this.tail.length > 500) this.tail.shift();
  }

  private args(args: unknown[]): unknown[] {
    return args.map((a) =>
      typeof a === 'string' ? this.scrub(a) : a instanceof Error ? this.scrub(a.stack ?? a.message) : a,
    );
  }

  trace(message: string, ...args: unknown[]): void {
    this.write('trace', message, args);
  }
  debug(message: string, ...args: unknown[]): void {
    this.write('debug', message, args);
  }
  info(message: string, ...args: unknown[]): void {
    this.write('info', message, args);
  }
  warn(message: string, ...args: unknown[]): void {
    this.write('warn', message, args);
  }
  error(message: string | Error, ...args: unknown[]): void {
    this.write('error', message instanceof Error ? (message.stack ?? message.message) : message, args);
  }

  private write(level: 'trace' | 'debug' | 'info' | 'warn' | 'error', message: string, args: unknown[]): void {
    const m = this.scrub(message);
    const a = this.args(args);
    this.keep(level, m, a);
    this.channel[level](m, ...a);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
