import * as vscode from 'vscode';
import { errorMessage, RcaError } from '../../core/common/errors';
import type { Logger } from '../../core/common/logger';
import type { Config } from '../config';
import { tokenCheckFailure } from '../failureMessages';
import { Commands } from '../ids';
import type { SyncService, TokenCheckResult } from '../syncService';
import type { TokenStore } from '../tokenStore';

export interface TokenCommandDeps {
  config: Config;
  tokens: TokenStore;
  sync: Pick<SyncService, 'checkToken'>;
  logger: Logger;
  /** Told what the check found about write scopes (triage actions on or off), once the token is stored. */
  onWriteAccess?: (access: { canWrite: boolean | null; reason: string | null; userId: string | null }) => void;
}

/** " Triage actions (resolve, archive, assign, notes): …" for the token messages. */
function writeAccessText(check: { canWrite?: boolean; writeMessage?: string }): string {
  if (check.canWrite === undefined) return '';
  return check.canWrite
    ? ' Triage actions (resolve, archive, assign, notes) are available.'
    : ` Triage actions are off: ${check.writeMessage ?? 'the token lacks event:write.'}`;
}

/** What Set Auth Token did; returned to callers such as tests and the welcome view. */
export interface SetTokenResult {
  stored: boolean;
  message: string;
}

const ORG_SLUG = /^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$/i;

/**
 * "Set Auth Token": asks for the organization when none is set, then for the token in a password
 * box; validates it with one API call and names missing scopes before storing it in SecretStorage.
 * An argument (a token string) skips the input box, for scripted use.
 */
export function setAuthToken(deps: TokenCommandDeps) {
  return async (arg?: unknown): Promise<SetTokenResult> => {
    const { config, tokens, logger } = deps;
    if (!config.settings.organization) {
      const org = await vscode.window.showInputBox({
        title: 'Sentry RCA: Organization',
        prompt: 'Your Sentry organization slug (the name in https://sentry.io/organizations/<slug>/)',
        ignoreFocusOut: true,
        validateInput: (v) => (ORG_SLUG.test(v.trim()) ? undefined : 'Letters, digits, "-" and "_" only.'),
      });
      if (!org) return { stored: false, message: 'Cancelled: no organization given.' };
      await config.update('organization', org.trim());
    }
    const given = typeof arg === 'string' ? arg : undefined;
    const token = (
      given ??
      (await vscode.window.showInputBox({
        title: 'Sentry RCA: Auth Token',
        prompt: `A Sentry user auth token with org:read, project:read and event:read, for ${config.settings.baseUrl}`,
        placeHolder: 'sntryu_…',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) =>
          !v.trim() ? 'Paste a token.' : /\s/.test(v.trim()) ? 'A token has no spaces.' : undefined,
      }))
    )?.trim();
    if (!token) return { stored: false, message: 'Cancelled: no token given.' };

    let check: TokenCheckResult;
    try {
      check = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Sentry RCA: checking the token…', cancellable: true },
        (_p, ct) => {
          const ac = new AbortController();
          ct.onCancellationRequested(() => ac.abort());
          return deps.sync.checkToken(token, ac.signal);
        },
      );
    } catch (e) {
      // Cancelled, or Restricted Mode (which already said so, with its Trust action): nothing is stored.
      if (e instanceof RcaError && e.kind === 'cancelled') return { stored: false, message: errorMessage(e) };
      const { rejected, message } = tokenCheckFailure(e, config.settings.baseUrl);
      logger.warn(`[token] ${message}`);
      if (rejected) {
        void vscode.window.showErrorMessage(`Sentry RCA: ${message}`);
        return { stored: false, message };
      }
      // Offline or a server hiccup says nothing about the token: let the user keep it anyway.
      const keep =
        given !== undefined
          ? undefined
          : await vscode.window.showWarningMessage(`Sentry RCA: ${message}`, 'Save Anyway');
      if (keep !== 'Save Anyway') return { stored: false, message };
      await tokens.set(token);
      return { stored: true, message: `${message} The token was saved unchecked.` };
    }

    if (!check.ok && check.missingScopes.length === 3) {
      logger.warn(`[token] rejected: ${check.message}`);
      void vscode.window.showErrorMessage(`Sentry RCA: ${check.message}`);
      return { stored: false, message: check.message };
    }
    await tokens.set(token);
    deps.onWriteAccess?.({
      canWrite: check.canWrite ?? null,
      reason: check.canWrite === false ? (check.writeMessage ?? null) : null,
      userId: check.userId ?? null,
    });
    const write = writeAccessText(check);
    if (!check.ok) {
      logger.warn(`[token] saved, but ${check.message}${write}`);
      void vscode.window.showWarningMessage(`Sentry RCA: token saved, but ${check.message}${write}`);
      return { stored: true, message: `${check.message}${write}` };
    }
    logger.info(
      `[token] saved (scopes ok; write ${check.canWrite === undefined ? 'unknown' : check.canWrite ? 'yes' : 'no'})`,
    );
    void vscode.window.showInformationMessage(`Sentry RCA: token saved. Syncing…${write}`);
    return { stored: true, message: `${check.message}${write}` };
  };
}

export function clearAuthToken(deps: Pick<TokenCommandDeps, 'tokens' | 'logger'>) {
  return async (): Promise<void> => {
    await deps.tokens.clear();
    deps.logger.info('[token] cleared');
    void vscode.window
      .showInformationMessage(
        'Sentry RCA: auth token cleared. Synced data stays until the next sync.',
        'Set Auth Token',
      )
      .then((pick) => {
        if (pick) void vscode.commands.executeCommand(Commands.setAuthToken);
      });
  };
}
