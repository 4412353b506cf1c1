/**
 * Restricted Mode (an untrusted workspace): the stored issues, the tree, clickable frames and saved
 * diagnoses work; everything that sends a secret, reaches a server or runs something — syncing with
 * Sentry, server logs over SSH, the AI, git in the repository — is off, with one message that says so
 * and offers to trust the folder. Granting trust turns them on without a reload.
 */
import * as vscode from 'vscode';
import { Emitter, type Event } from '../../core/common/emitter';
import { RcaError } from '../../core/common/errors';
import { DisposableBase } from '../../core/common/lifecycle';
import type { Logger } from '../../core/common/logger';

export const RESTRICTED_MESSAGE =
  'Sentry RCA is in Restricted Mode: this workspace is not trusted, so syncing with Sentry, server logs over SSH, git history and AI diagnoses are off. Stored issues, frames and saved diagnoses still work.';
export const TRUST_ACTION = 'Trust…';

export class RestrictedMode extends DisposableBase {
  private readonly granted = this.register(new Emitter<void>());
  /** The user trusted the workspace: start what Restricted Mode held back. */
  readonly onDidGrant: Event<void> = this.granted.event;
  /** How often the message was shown (tests read it through the test API). */
  shown = 0;
  private showing: Thenable<unknown> | undefined;

  constructor(private readonly log: Logger) {
    super();
    this.register(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.log.info('[trust] the workspace is now trusted: syncing, SSH logs and AI are on');
        this.granted.fire();
      }),
    );
  }

  get active(): boolean {
    return !vscode.workspace.isTrusted;
  }

  /** Shows the one message (not again while it is open); its button opens the trust editor. */
  explain(): void {
    this.shown++;
    if (this.showing) return;
    this.showing = vscode.window.showWarningMessage(RESTRICTED_MESSAGE, TRUST_ACTION).then((pick) => {
      this.showing = undefined;
      if (pick === TRUST_ACTION) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  }

  /** Throws (after the message) when `what` may not run in Restricted Mode. The error is a cancellation,
   *  so the edges that catch it add no second message. */
  check(what: string): void {
    if (!this.active) return;
    this.log.info(`[trust] ${what}: off in Restricted Mode`);
    this.explain();
    throw new RcaError('cancelled', `${what} is off in Restricted Mode.`);
  }
}
