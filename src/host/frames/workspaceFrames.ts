/**
 * The window's one FrameMapper over one WorkspaceFileIndex, shared by the tree (clickable frames),
 * the editor (crash sites) and the investigation panel. Nothing is indexed until a frame is first
 * mapped: activation must stay cheap, and many sessions never look at a frame.
 *
 * Kept current by a file watcher; rebuilt when workspace folders or `files.exclude` change; the
 * user's `sentryRCA.pathMappings` are re-read on change; prefixes the mapper learns are kept in
 * workspace state so the next session maps a project's frames by prefix straight away.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../../core/common/errors';
import { Emitter, type Event } from '../../core/common/emitter';
import { DisposableBase } from '../../core/common/lifecycle';
import { tagged, type Logger } from '../../core/common/logger';
import { FrameMapper, type FrameMapping } from '../../core/frames/frameMapper';
import type { PathMapping } from '../../core/frames/pathMappings';
import { WorkspaceFileIndex, type WorkspaceRoot } from '../../core/frames/workspaceFileIndex';
import type { StoredFrame } from '../../core/store/model';
import type { Config } from '../config';
import { CONFIG_SECTION, StateKeys } from '../ids';
import { SettingKeys } from '../settings';

/** The settings the frames read: the App's Config. */
export type FrameSettings = Pick<Config, 'settings' | 'pathMappingErrors' | 'onDidChange'>;

/** Learned prefixes are written this long after the last mapping, not after every frame. */
const SAVE_DELAY_MS = 2_000;

/** The narrow view of the mapper other features need (the investigation panel takes this). */
export interface FrameMapperSource {
  /** The shared mapper, built on first call; undefined when no local folder is open. */
  mapper(): Promise<FrameMapper | undefined>;
}

interface Built {
  index: WorkspaceFileIndex;
  mapper: FrameMapper;
  watcher: vscode.FileSystemWatcher;
}

export class WorkspaceFrames extends DisposableBase implements FrameMapperSource {
  private readonly logger: Logger;
  private building: Promise<Built | undefined> | undefined;
  private built: Built | undefined;
  /** Increases on every rebuild, so a build that finishes after a newer one started is discarded. */
  private generation = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSaved = '';
  /** Mapping problems already shown, so a reload does not show the same warning again. */
  private readonly shownWarnings = new Set<string>();
  private readonly changed = this.register(new Emitter<void>());
  /** Mapped results may differ now: views showing frames or crash sites should map again. */
  readonly onDidChange: Event<void> = this.changed.event;
  private readonly filesChanged = this.register(new Emitter<readonly string[]>());
  /** Indexed files whose content changed or that were removed (crash lines there may have moved). */
  readonly onDidChangeFiles: Event<readonly string[]> = this.filesChanged.event;

  constructor(
    private readonly state: vscode.Memento,
    logger: Logger,
    private readonly config: FrameSettings,
  ) {
    super();
    this.logger = tagged(logger, 'frames');
    this.lastSaved = JSON.stringify(state.get(StateKeys.learnedPrefixes) ?? []);
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.invalidate('workspace folders changed')));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('files.exclude')) this.invalidate('files.exclude changed');
      }),
    );
    this.register(
      config.onDidChange((c) => {
        if (c.changed.includes('pathMappings')) this.applyMappings();
      }),
    );
    this.register({
      dispose: () => {
        this.saveLearnedNow();
        this.drop();
      },
    });
  }

  /** The mapper, building the index on first use. Concurrent callers share one build. */
  mapper(): Promise<FrameMapper | undefined> {
    if (this.built) return Promise.resolve(this.built.mapper);
    if (!this.building) {
      // Nothing to index yet; a folder opened later fires onDidChangeWorkspaceFolders and the next call builds.
      if (WorkspaceFrames.roots().length === 0) return Promise.resolve(undefined);
      this.building = this.build();
    }
    return this.building.then((b) => b?.mapper);
  }

  /** Maps a frame, or says why not (including "no folder open"). Schedules saving learned prefixes. */
  async map(frame: StoredFrame, project: string | undefined): Promise<FrameMapping> {
    const mapper = await this.mapper();
    if (!mapper)
      return {
        ok: false,
        code: 'no-workspace',
        reason: "No local folder is open: open the project's folder to jump to its source.",
      };
    const m = await mapper.map(frame, project);
    this.scheduleSave();
    return m;
  }

  /** A path mapping that would make this frame map, from its path prefix (for "Add Path Mapping…"). */
  async suggestMapping(frame: StoredFrame, project: string | undefined): Promise<PathMapping | undefined> {
    return (await this.mapper())?.suggestMapping(frame, project);
  }

  /** The open local folders as the index knows them. */
  static roots(): WorkspaceRoot[] {
    return (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file')
      .map((f) => ({ name: f.name, path: f.uri.fsPath }));
  }

  private async build(): Promise<Built | undefined> {
    const generation = this.generation;
    const roots = WorkspaceFrames.roots();
    // The watcher starts before the walk, so files created while it runs are not missed.
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    const buffered: Array<() => void> = [];
    let target: WorkspaceFileIndex | undefined;
    const forward = (op: 'add' | 'remove' | 'changed') => (u: vscode.Uri) => {
      if (target) target[op](u.fsPath);
      else buffered.push(() => target?.[op](u.fsPath));
    };
    const subs = [
      watcher.onDidCreate(forward('add')),
      watcher.onDidDelete(forward('remove')),
      watcher.onDidChange(forward('changed')),
    ];
    try {
      const index = await WorkspaceFileIndex.build(roots, {
        exclude: enabledExcludes(),
        logger: this.logger,
        deletedFiles: 'background',
      });
      const mapper = new FrameMapper(index, { mappings: this.config.settings.pathMappings, logger: this.logger });
      if (this.isDisposed || generation !== this.generation) {
        subs.forEach((s) => s.dispose());
        watcher.dispose();
        mapper.dispose();
        index.dispose();
        return this.isDisposed ? undefined : this.mapper().then(() => this.built);
      }
      target = index;
      for (const replay of buffered.splice(0)) replay();
      const built: Built = { index, mapper, watcher };
      this.built = built;
      this.builtSubs = [
        ...subs,
        mapper.onDidChange(() => this.changed.fire()),
        index.onDidChange((e) => {
          if (e.changed.length || e.removed.length) this.filesChanged.fire([...e.changed, ...e.removed]);
        }),
      ];
      const restored = mapper.importLearned(this.state.get(StateKeys.learnedPrefixes));
      if (restored) this.logger.info(`restored ${restored} learned path prefix(es) from the last session`);
      this.warnOnce([...index.warnings, ...this.config.pathMappingErrors, ...mapper.checkMappings()]);
      return built;
    } catch (e) {
      subs.forEach((s) => s.dispose());
      watcher.dispose();
      this.building = undefined;
      this.logger.error(`indexing the workspace failed: ${errorMessage(e)}`);
      throw e;
    }
  }

  private builtSubs: vscode.Disposable[] = [];

  private applyMappings(): void {
    const mapper = this.built?.mapper;
    if (!mapper) return; // read when the mapper is built
    const mappings = this.config.settings.pathMappings;
    mapper.setMappings(mappings);
    this.logger.info(`path mappings re-read: ${mappings.length} in use`);
    this.warnOnce([...this.config.pathMappingErrors, ...mapper.checkMappings()]);
  }

  private invalidate(why: string): void {
    if (!this.built && !this.building) return;
    this.logger.info(`${why}: the file index is rebuilt on next use`);
    this.saveLearnedNow();
    this.drop();
    this.changed.fire();
  }

  private drop(): void {
    this.generation++;
    this.building = undefined;
    const b = this.built;
    this.built = undefined;
    this.builtSubs.splice(0).forEach((s) => s.dispose());
    if (b) {
      b.watcher.dispose();
      b.mapper.dispose();
      b.index.dispose();
    }
  }

  private warnOnce(messages: string[]): void {
    const fresh = messages.filter((m) => !this.shownWarnings.has(m));
    if (fresh.length === 0) return;
    for (const m of fresh) {
      this.shownWarnings.add(m);
      this.logger.warn(m);
    }
    void vscode.window
      .showWarningMessage(
        `Sentry RCA: ${fresh[0]}${fresh.length > 1 ? ` (and ${fresh.length - 1} more in the log)` : ''}`,
        'Open Settings',
      )
      .then((pick) => {
        if (pick)
          void vscode.commands.executeCommand(
            'workbench.action.openSettings',
            `${CONFIG_SECTION}.${SettingKeys.pathMappings}`,
          );
      });
  }

  private scheduleSave(): void {
    if (this.saveTimer || this.isDisposed) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saveLearnedNow();
    }, SAVE_DELAY_MS);
  }

  private saveLearnedNow(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    const mapper = this.built?.mapper;
    if (!mapper) return;
    const learned = mapper.exportLearned();
    const json = JSON.stringify(learned);
    if (json === this.lastSaved) return;
    this.lastSaved = json;
    this.state
      .update(StateKeys.learnedPrefixes, learned)
      .then(undefined, (e: unknown) => this.logger.warn(`saving learned prefixes failed: ${errorMessage(e)}`));
  }
}

/**
 * The `files.exclude` globs that are switched on. Entries with a `when` clause (`{ "when": "$(basename).ts" }`)
 * are left out: they hide a file only beside a sibling, and treating them as plain globs would drop
 * every `.js` file of a project that hides compiled output that way.
 */
function enabledExcludes(): string[] {
  const raw = vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('exclude') ?? {};
  return Object.entries(raw)
    .filter(([, v]) => v === true)
    .map(([k]) => k);
}
