import * as vscode from 'vscode';
import { errorMessage, isAbortError, RcaError } from '../core/common/errors';
import type { Logger } from '../core/common/logger';
import { Commands } from './ids';

const SHOW_LOG = 'Show Log';

/** The button that fixes the error, when there is one: a rejected token, a wrong setting. */
function fixFor(e: unknown): { label: string; command: string } | undefined {
  if (!(e instanceof RcaError)) return undefined;
  if (e.kind === 'auth') return { label: 'Set Auth Token', command: Commands.setAuthToken };
  if (e.kind === 'usage') return { label: 'Open Settings', command: Commands.openSettings };
  return undefined;
}

/**
 * The edge handler: logs the whole error (stack included) and shows one short message whose
 * "Show Log" button opens the channel (plus the fix, when the error has one). Cancellation is not an
 * error and shows nothing.
 */
export function reportError(logger: Logger, context: string, e: unknown): void {
  if (isAbortError(e)) {
    logger.info(`${context}: cancelled`);
    return;
  }
  logger.error(`${context}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  const fix = fixFor(e);
  const buttons = fix ? [fix.label, SHOW_LOG] : [SHOW_LOG];
  void vscode.window.showErrorMessage(`Sentry RCA: ${context}: ${errorMessage(e)}`, ...buttons).then((pick) => {
    if (pick === SHOW_LOG) void vscode.commands.executeCommand(Commands.showLog);
    else if (fix && pick === fix.label) void vscode.commands.executeCommand(fix.command);
  });
}
