import type * as vscode from 'vscode';
import { Emitter, type Event } from '../core/common/emitter';
import { DisposableBase } from '../core/common/lifecycle';
import { SECRET_TOKEN_KEY } from './ids';

/**
 * The Sentry auth token in SecretStorage, and nowhere else. Read at each sync, so a rotated token
 * takes effect without a reload; changes made in another window arrive through SecretStorage's event.
 */
export class TokenStore extends DisposableBase {
  private readonly changed = this.register(new Emitter<void>());
  readonly onDidChange: Event<void> = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    super();
    this.register(
      secrets.onDidChange((e) => {
        if (e.key === SECRET_TOKEN_KEY) this.changed.fire();
      }),
    );
  }

  async get(): Promise<string | undefined> {
    const t = await this.secrets.get(SECRET_TOKEN_KEY);
    return t?.trim() || undefined;
  }

  async set(token: string): Promise<void> {
    await this.secrets.store(SECRET_TOKEN_KEY, token.trim());
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_TOKEN_KEY);
  }
}
