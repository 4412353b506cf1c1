import * as vscode from 'vscode';
import { errorMessage, isAbortError } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import { Commands } from './ids';

const SHOW_LOG = 'Show Log';

/**
 * The edge handler: logs the whole error (stack included) and shows one short message whose
 * "Show Log" button opens the channel. Cancellation is not an error and shows nothing.
 */
export function reportError(logger: Logger, context: string, e: unknown): void {
  if (isAbortError(e)) {
    logger.info(`${context}: cancelled`);
    return;
  }
  logger.error(`${context}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  void vscode.window.showErrorMessage(`Sentry RCA: ${context}: ${errorMessage(e)}`, SHOW_LOG).then((pick) => {
    if (pick === SHOW_LOG) void vscode.commands.executeCommand(Commands.showLog);
  });
}

/** Wraps a command handler so a throw becomes a logged error with a short message, never an unhandled rejection. */
export function guarded<A extends unknown[]>(logger: Logger, context: string, fn: (...args: A) => unknown): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      reportError(logger, context, e);
    }
  };
}
