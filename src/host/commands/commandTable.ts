/**
 * The one place commands are registered (rust-analyzer's `createCommands()` / `updateCommands` in
 * editors/code/src/ctx.ts is the model). The table has an entry for every id in `ids.ts` — the type
 * makes a missing one a compile error — and registers them all at activation behind one error edge.
 * Commands of a feature loaded after activation are registered as stubs: until the feature provides
 * its handler a call waits for it to load, and when it failed to load the call says why, instead of
 * "command not found" while the command's menus already show.
 *
 * VS Code is reached only through the injected `registerCommand` and `reportError`, so the table is
 * tested in plain Node.
 */
import { RcaError } from '../../core/common/errors';
import { DisposableBase, toDisposable, type Disposable } from '../../core/common/lifecycle';
import type { CommandId } from '../ids';

// Handlers take what VS Code passes (tree rows, ids, URIs); each one checks its own arguments.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandHandler = (...args: any[]) => unknown;

/** A feature whose modules load after activation. */
export interface LazyFeature {
  /** In words, for the message when it could not load: "clickable frames". */
  readonly name: string;
  /** Resolves once the feature has loaded and provided its handlers; rejects with why it could not. */
  readonly loaded: Promise<void>;
}

export type CommandEntry =
  /** Runs `run`; `title` names the command in error messages. */
  | { readonly title: string; readonly run: CommandHandler }
  /** Provided by `feature` through `CommandTable.provide` once it has loaded. */
  | { readonly title: string; readonly feature: LazyFeature };

export interface CommandTableHost {
  /** `vscode.commands.registerCommand`. */
  registerCommand(id: string, handler: (...args: unknown[]) => unknown): Disposable;
  /** The error edge (`reportError` in host/notify.ts): logs the whole error, shows a short message. */
  reportError(context: string, e: unknown): void;
}

export class CommandTable extends DisposableBase {
  private readonly provided = new Map<string, CommandHandler>();

  constructor(
    private readonly entries: Readonly<Record<CommandId, CommandEntry>>,
    host: CommandTableHost,
  ) {
    super();
    for (const [id, entry] of Object.entries(entries) as Array<[CommandId, CommandEntry]>) {
      // Handlers return their result to callers (tests, other commands) and report errors at the edge.
      this.register(
        host.registerCommand(id, async (...args: unknown[]) => {
          try {
            const handler = await this.handler(id, entry);
            return await handler(...args);
          } catch (e) {
            host.reportError(entry.title, e);
            return undefined;
          }
        }),
      );
    }
  }

  /** The ids this table registered (all of `Commands`). */
  get ids(): CommandId[] {
    return Object.keys(this.entries) as CommandId[];
  }

  /** Commands of `feature` that it has not provided (after it loaded, a bug: the command can only fail). */
  unprovided(feature: LazyFeature): CommandId[] {
    return (Object.entries(this.entries) as Array<[CommandId, CommandEntry]>)
      .filter(([id, e]) => 'feature' in e && e.feature === feature && !this.provided.has(id))
      .map(([id]) => id);
  }

  /**
   * A lazily loaded feature's handler for one of its commands. Disposing the result (the feature is
   * disposed) puts the stub back.
   */
  provide(id: CommandId, handler: CommandHandler): Disposable {
    const entry = this.entries[id];
    if (!entry || !('feature' in entry))
      throw new Error(`${id} is not a command a feature provides; give it a \`run\` in the command table.`);
    this.provided.set(id, handler);
    return toDisposable(() => {
      if (this.provided.get(id) === handler) this.provided.delete(id);
    });
  }

  private async handler(id: CommandId, entry: CommandEntry): Promise<CommandHandler> {
    if ('run' in entry) return entry.run;
    const ready = this.provided.get(id);
    if (ready) return ready;
    try {
      await entry.feature.loaded;
    } catch (e) {
      throw new RcaError(
        'internal',
        `not available: ${entry.feature.name} could not be loaded (${e instanceof Error ? e.message : String(e)}).`,
        'The log has the details; reloading the window tries again.',
        { cause: e },
      );
    }
    const handler = this.provided.get(id);
    if (!handler)
      throw new RcaError(
        'internal',
        `not available: ${entry.feature.name} is not running (the extension is shutting down, or the feature did not register it).`,
      );
    return handler;
  }
}
