/**
 * Plugs stack frames into the editor: the shared WorkspaceFrames mapper, clickable frames in the tree
 * ("Open Frame", the tooltip saying where a frame opens or why it does not, "Add Path Mapping…"),
 * and the crash sites shown on the crashing lines (CodeLens, hover, optional Problems entries).
 */
import type * as vscode from 'vscode';
import { DisposableBase } from '../../core/common/lifecycle';
import { tagged, type Logger } from '../../core/common/logger';
import { CrashSiteEditor } from '../editor/crashSiteEditor';
import { CrashSiteIndex, type CrashSiteStore } from '../editor/crashSiteIndex';
import type { CommandTable } from '../commands/commandTable';
import { Commands } from '../ids';
import type { FrameDetails } from '../tree/nodes/frameNode';
import { FrameOpener } from './frameCommands';
import { frameLinkArgs } from './frameTarget';
import { commandUri, frameNote } from './frameNote';
import { WorkspaceFrames, type FrameSettings } from './workspaceFrames';

/** What the feature needs from the App (the App satisfies it). */
export interface FramesHost {
  context: Pick<vscode.ExtensionContext, 'workspaceState'>;
  log: Logger;
  /** Path mappings for the mapper, CodeLens and Problems switches for the editor. */
  config: FrameSettings;
  store: CrashSiteStore;
  issues: {
    provider: { frameDetails: FrameDetails | undefined; refresh(): void };
    view?: { readonly selection: readonly unknown[] };
  };
  /** The App's command table: Open Frame and Add Path Mapping are stubs there until this feature provides them. */
  commands: Pick<CommandTable, 'provide'>;
}

export class FramesFeature extends DisposableBase {
  readonly frames: WorkspaceFrames;
  readonly opener: FrameOpener;
  readonly crashSites: CrashSiteIndex;
  readonly editor: CrashSiteEditor;

  constructor(host: FramesHost) {
    super();
    const log = tagged(host.log, 'frames');
    this.frames = this.register(new WorkspaceFrames(host.context.workspaceState, host.log, host.config));
    this.opener = this.register(new FrameOpener(this.frames));
    this.crashSites = this.register(new CrashSiteIndex(host.store, this.frames, log));
    this.editor = this.register(new CrashSiteEditor(this.crashSites, log, host.config));
    // A context-menu invocation can arrive without its row when the tree was refreshed under the menu
    // (a sync or a saved diagnosis replaces the rows); the selected frame row is what the user meant.
    const orSelected = (arg: unknown) =>
      arg ?? host.issues.view?.selection.find((n) => !!n && typeof n === 'object' && 'frame' in n);
    this.register(host.commands.provide(Commands.openFrame, (arg?: unknown) => this.opener.open(orSelected(arg))));
    this.register(
      host.commands.provide(Commands.addPathMapping, (arg?: unknown) => this.opener.addPathMapping(orSelected(arg))),
    );
    const provider = host.issues.provider;
    provider.frameDetails = this.frameDetails;
    // Frame tooltips are resolved once per row; new mappings must reach rows already shown (after the
    // WorkspaceFrames listener, registered first, has applied them).
    this.register(
      host.config.onDidChange((c) => {
        if (c.changed.includes('pathMappings')) provider.refresh();
      }),
    );
    this.register({
      dispose: () => {
        if (provider.frameDetails === this.frameDetails) provider.frameDetails = undefined;
      },
    });
  }

  /** Markdown for a frame's tooltip: where it opens, or why not with an "Add Path Mapping…" link. */
  readonly frameDetails: FrameDetails = async (frame, project) => {
    const m = await this.frames.map(frame, project);
    return frameNote(
      m,
      commandUri(Commands.addPathMapping, [frameLinkArgs({ frame, project })]),
      process.platform === 'win32' ? '\\' : '/',
    );
  };
}
