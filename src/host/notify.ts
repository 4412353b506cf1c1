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
export function reportError(
  logger: Logger,
  context: string,
  e: unknown,
  opts: {
    /** The whole message (after "Sentry RCA: "), when `context: error` would not read well. */
    message?: string;
    /** One more button, e.g. "Retry" running Sync Now. */
    action?: { label: string; command: string };
  } = {},
): void {
  if (isAbortError(e)) {
    logger.info(`${context}: cancelled`);
    return;
  }
  logger.error(`${context}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  const actions = [fixFor(e), opts.action].filter((a): a is { label: string; command: string } => !!a);
  const buttons = [...actions.map((a) => a.label), SHOW_LOG];
  const message = opts.message ?? `${context}: ${errorMessage(e)}`;
  void vscode.window.showErrorMessage(`Sentry RCA: ${message}`, ...buttons).then((pick) => {
    if (pick === SHOW_LOG) void vscode.commands.executeCommand(Commands.showLog);
    const chosen = actions.find((a) => a.label === pick);
    if (chosen) void vscode.commands.executeCommand(chosen.command);
  });
}
