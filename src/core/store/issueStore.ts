import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, PrivateTextFile } from './privateJsonFile';
import { Emitter, type Event } from '../common/emitter';
import { RcaError } from '../common/errors';
import type { Disposable } from '../common/lifecycle';
import { nullLogger, type Logger } from '../common/logger';
import { CURRENT_SCHEMA_VERSION, migrate, migrations as defaultMigrations, type Migration } from './migrations';
import type { StoreData, StoredEvent, StoredIssue, StoredProject, StoreMeta } from './model';
import { copyEvents, StoreCodec, type DiskData } from './storeCodec';

export const STORE_FILE = 'sentry-rca.json';
/** Event commits appended since the last snapshot (see IssueStore.commitEvents). */
export const JOURNAL_FILE = 'sentry-rca.journal';

export function emptyStore(): StoreData {
  return {
    schemaVersion: CURRENT_SCHEMA_VERSION,
    app: 'sentry-rca',
    meta: {
      baseUrl: null,
      org: null,
      regionUrl: null,
      filterKey: null,
      lastSuccessfulSync: null,
      lastFullSync: null,
      lastSync: null,
    },
    projects: [],
    issues: [],
    events: {},
    investigations: {},
  };
}

export interface StoreRecovery {
  /** Where the unreadable file was moved to. */
  movedTo: string;
  reason: string;
}

export interface IssueStoreOptions {
  logger?: Logger;
  /** Migration table, injectable for tests of the hook. */
  migrations?: Record<number, Migration>;
  schemaVersion?: number;
}

/**
 * The synced Sentry data, as one lowdb JSON file in a directory the caller owns (the extension's
 * workspace storage, the CLI's --store). Whole-store writes go through an atomic replace (temp file
 * + rename), so a crash or kill mid-write leaves the previous store readable. An unreadable or
 * foreign file is never overwritten: it is moved aside and reported through `recovery`.
 */
export class IssueStore implements Disposable {
  private readonly changed = new Emitter<void>();
  readonly onDidChange: Event<void> = this.changed.event;
  private issueIndex = new Map<string, StoredIssue>();

  private constructor(
    readonly file: string,
    private readonly db: PrivateTextFile,
    private readonly codec: StoreCodec,
    private current: StoreData,
    private readonly logger: Logger,
    private readonly options: IssueStoreOptions,
    /** Set when the file on disk could not be used and was moved aside. */
    readonly recovery: StoreRecovery | undefined,
  ) {
    this.reindex();
  }

  static async open(dir: string, options: IssueStoreOptions = {}): Promise<IssueStore> {
    const logger = options.logger ?? nullLogger;
    try {
      // Only a folder created here gets 0700; an existing one (the user's choice) keeps its mode.
      await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    } catch (e) {
      throw new RcaError('store', `Cannot create the store directory ${dir}: ${(e as Error).message}`, undefined, {
        cause: e,
      });
    }
    const file = join(dir, STORE_FILE);
    // Written 0600 through a temp file and a rename: a kill mid-write keeps the old file.
    const db = new PrivateTextFile(file);
    const codec = new StoreCodec();
    const { data, recovery, migrated, journal } = await IssueStore.load(file, db, codec, options, logger);
    const store = new IssueStore(file, db, codec, data, logger, options, recovery);
    store.journalId = journal.id;
    store.journalBytes = journal.bytes;
    store.snapshotBytes = journal.snapshotBytes;
    if (migrated) await store.replace(data);
    return store;
  }

  private static async load(
    file: string,
    db: PrivateTextFile,
    codec: StoreCodec,
    options: IssueStoreOptions,
    logger: Logger,
  ): Promise<{ data: StoreData; recovery?: StoreRecovery; migrated: boolean; journal: JournalState }> {
    const { data, recovery, migrated, journalId, snapshotBytes } = await IssueStore.loadSnapshot(
      file,
      db,
      codec,
      options,
      logger,
    );
    const journal: JournalState = { id: journalId, bytes: 0, snapshotBytes };
    if (journalId && !recovery) {
      let text = '';
      try {
        text = await readFile(journalFileOf(file), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
          throw new RcaError(
            'store',
            `Cannot read the store journal ${journalFileOf(file)}: ${(e as Error).message}`,
            undefined,
            { cause: e },
          );
      }
      if (text && codec.applyJournal(data, journalId, text) > 0) journal.bytes = Buffer.byteLength(text);
      // A journal of another snapshot, or none: the next commit starts a fresh one after a snapshot.
      if (text && journal.bytes === 0) journal.id = undefined;
    }
    return { data: validate(data), recovery, migrated, journal };
  }

  private static async loadSnapshot(
    file: string,
    db: PrivateTextFile,
    codec: StoreCodec,
    options: IssueStoreOptions,
    logger: Logger,
  ): Promise<{
    data: StoreData;
    recovery?: StoreRecovery;
    migrated: boolean;
    journalId?: string;
    snapshotBytes: number;
  }> {
    const target = options.schemaVersion ?? CURRENT_SCHEMA_VERSION;
    let raw: unknown;
    let snapshotBytes = 0;
    try {
      const text = await db.read();
      snapshotBytes = text?.length ?? 0;
      raw = text === null ? null : JSON.parse(text);
    } catch (e) {
      if (e instanceof SyntaxError)
        return {
          data: emptyStore(),
          recovery: await moveAside(file, `it is not valid JSON (${e.message})`, logger),
          migrated: false,
          snapshotBytes: 0,
        };
      throw new RcaError('store', `Cannot read the store ${file}: ${(e as Error).message}`, undefined, { cause: e });
    }
    if (raw === null || raw === undefined) return { data: emptyStore(), migrated: false, snapshotBytes: 0 };
    if (typeof raw !== 'object' || Array.isArray(raw) || (raw as { app?: unknown }).app !== 'sentry-rca') {
      return {
        data: emptyStore(),
        recovery: await moveAside(file, 'it is not a sentry-rca store', logger),
        migrated: false,
        snapshotBytes: 0,
      };
    }
    const obj = raw as Record<string, unknown>;
    const version = typeof obj.schemaVersion === 'number' ? obj.schemaVersion : 0;
    if (version > target) {
      throw new RcaError(
        'store',
        `The store ${file} was written by a newer sentry-rca (schema ${version}; this version reads ${target}).`,
        'Update sentry-rca, or point --store at another directory.',
      );
    }
    let migrated = false;
    let upgraded = obj;
    if (version < target) {
      try {
        upgraded = migrate(obj, version, target, options.migrations ?? defaultMigrations);
        migrated = true;
        logger.info(`[store] migrated ${file} from schema ${version} to ${target}`);
      } catch (e) {
        return {
          data: emptyStore(),
          recovery: await moveAside(
            file,
            `it could not be migrated from schema ${version} (${(e as Error).message})`,
            logger,
          ),
          migrated: false,
          snapshotBytes: 0,
        };
      }
    }
    try {
      const journalId = typeof upgraded.journalId === 'string' ? upgraded.journalId : undefined;
      return { data: validate(codec.decode(upgraded as unknown as DiskData)), migrated, journalId, snapshotBytes };
    } catch (e) {
      return {
        data: emptyStore(),
        recovery: await moveAside(file, `its content is damaged (${(e as Error).message})`, logger),
        migrated: false,
        snapshotBytes: 0,
      };
    }
  }

  /** Re-reads the file (another process, such as the CLI, may have written it). */
  async reload(): Promise<void> {
    const { data, journal } = await IssueStore.load(this.file, this.db, this.codec, this.options, this.logger);
    this.current = data;
    this.journalId = journal.id;
    this.journalBytes = journal.bytes;
    this.snapshotBytes = journal.snapshotBytes;
    this.reindex();
    this.changed.fire();
  }

  get data(): Readonly<StoreData> {
    return this.current;
  }

  meta(): StoreMeta {
    return this.current.meta;
  }

  projects(): StoredProject[] {
    return this.current.projects;
  }

  issues(): StoredIssue[] {
    return this.current.issues;
  }

  issue(id: string): StoredIssue | undefined {
    return this.issueIndex.get(id);
  }

  /** By numeric id or by short id (`SHOP-12`, any case). */
  findIssue(idOrShortId: string): StoredIssue | undefined {
    const direct = this.issueIndex.get(idOrShortId);
    if (direct) return direct;
    const upper = idOrShortId.toUpperCase();
    return this.current.issues.find((i) => i.shortId.toUpperCase() === upper);
  }

  /** Stored events of an issue, newest first. */
  events(issueId: string): StoredEvent[] {
    return this.current.events[issueId] ?? [];
  }

  latestEvent(issueId: string): StoredEvent | undefined {
    return this.events(issueId)[0];
  }

  investigations(issueId: string): unknown[] {
    return this.current.investigations[issueId] ?? [];
  }

  /** Replaces the whole store with one atomic write, then notifies listeners. */
  replace(next: StoreData): Promise<void> {
    return this.serialized(() => this.write(next));
  }

  /**
   * Applies a change to a copy of the top-level data and writes it atomically. Changes are applied one
   * after the other, each to the data the previous one wrote, so a sync committing events and a panel
   * saving an investigation at the same time both keep their change.
   */
  update(mutate: (draft: StoreData) => void): Promise<void> {
    return this.serialized(async () => {
      const draft: StoreData = {
        ...this.current,
        meta: { ...this.current.meta },
        projects: [...this.current.projects],
        issues: [...this.current.issues],
        events: copyEvents(this.current.events),
        investigations: { ...this.current.investigations },
      };
      mutate(draft);
      await this.write(draft);
    });
  }

  private queue: Promise<void> = Promise.resolve();

  private serialized(fn: () => Promise<void>): Promise<void> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Commits fetched events: each issue's list replaced and marked current for the lastSeen it was
   * fetched at. Appended to the journal as one line (the cost of the batch, not of the store), unless
   * the journal has grown past the snapshot: then a new snapshot is written and the journal emptied,
   * so the bytes written over a whole sync stay proportional to the store (geometric compaction).
   */
  commitEvents(items: ReadonlyMap<string, { events: StoredEvent[]; lastSeen: string }>): Promise<void> {
    return this.serialized(async () => {
      const cur = this.current;
      const index = new Map(cur.issues.map((i, n) => [i.id, n]));
      const issues = [...cur.issues];
      const events = copyEvents(cur.events);
      const kept = new Map<string, { events: StoredEvent[]; lastSeen: string }>();
      for (const [id, item] of items) {
        const n = index.get(id);
        if (n === undefined) continue;
        events[id] = item.events;
        issues[n] = { ...issues[n]!, eventsLastSeen: item.lastSeen };
        kept.set(id, item);
      }
      const next: StoreData = { ...cur, issues, events };
      if (kept.size === 0) return;
      if (this.journalId === undefined) return this.write(next);
      const line = `\n${this.codec.journalLine(this.journalId, kept)}`;
      const bytes = Buffer.byteLength(line);
      if (this.journalBytes + bytes > this.snapshotBytes) return this.write(next);
      try {
        // One line per commit; a kill mid-append leaves a torn last line, which the next load skips.
        await appendFile(journalFileOf(this.file), line, { encoding: 'utf8', mode: PRIVATE_FILE_MODE });
      } catch (e) {
        throw new RcaError(
          'store',
          `Cannot write the store journal ${journalFileOf(this.file)}: ${(e as Error).message}`,
          'Check the disk space and permissions of the store directory.',
          { cause: e },
        );
      }
      this.journalBytes += bytes;
      this.current = next;
      this.reindex();
      this.changed.fire();
    });
  }

  /** Bytes of the last snapshot and of the journal since (for the benchmark and tests). */
  get fileSizes(): { snapshot: number; journal: number } {
    return { snapshot: this.snapshotBytes, journal: this.journalBytes };
  }

  private journalId: string | undefined;
  private journalBytes = 0;
  private snapshotBytes = 0;

  /** A full snapshot (atomic replace), then the journal it absorbed is removed. */
  private async write(next: StoreData): Promise<void> {
    const journalId = randomBytes(6).toString('hex');
    const text = this.codec.serialize(next, journalId);
    try {
      await this.db.write(text);
      // A kill before this line leaves a journal of the previous snapshot, which the next load ignores.
      await rm(journalFileOf(this.file), { force: true });
    } catch (e) {
      throw new RcaError(
        'store',
        `Cannot write the store ${this.file}: ${(e as Error).message}`,
        'Check the disk space and permissions of the store directory.',
        { cause: e },
      );
    }
    this.journalId = journalId;
    this.journalBytes = 0;
    this.snapshotBytes = text.length;
    this.current = next;
    this.reindex();
    this.changed.fire();
  }

  private reindex(): void {
    this.issueIndex = new Map(this.current.issues.map((i) => [i.id, i]));
  }

  dispose(): void {
    this.changed.dispose();
  }
}

interface JournalState {
  /** The snapshot's journal id; undefined when the next commit must write a snapshot first. */
  id: string | undefined;
  bytes: number;
  snapshotBytes: number;
}

function journalFileOf(storeFile: string): string {
  return join(dirname(storeFile), JOURNAL_FILE);
}

async function moveAside(file: string, reason: string, logger: Logger): Promise<StoreRecovery> {
  const movedTo = `${file}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  try {
    await stat(file);
    await rename(file, movedTo);
  } catch (e) {
    throw new RcaError(
      'store',
      `The store ${file} cannot be used because ${reason}, and moving it aside failed: ${(e as Error).message}`,
      'Move or delete the file by hand.',
      { cause: e },
    );
  }
  logger.warn(
    `[store] ${file} could not be used because ${reason}; it was moved to ${movedTo} and a new store was started`,
  );
  return { movedTo, reason };
}

/** Cheap structural check so a hand-edited or half-migrated file fails loudly here, not in the UI. */
function validate(data: StoreData): StoreData {
  if (!data.meta || typeof data.meta !== 'object') throw new Error('missing meta');
  if (!Array.isArray(data.projects)) throw new Error('projects is not a list');
  if (!Array.isArray(data.issues)) throw new Error('issues is not a list');
  if (!data.events || typeof data.events !== 'object') throw new Error('events is not an object');
  for (const i of data.issues) {
    if (typeof i?.id !== 'string' || typeof i.title !== 'string') throw new Error('an issue has no id or title');
  }
  data.investigations ??= {};
  return data;
}
