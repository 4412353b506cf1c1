/**
 * Crash sites of the stored issues, by local file and line: the adapter between the issue store and
 * the frame mapper that the CodeLens, hover and Problems entries read. No VS Code API, so it runs
 * in unit tests over a real store shape and a real FrameMapper.
 *
 * Computed on first request, not when the store changes: the mapping reads files to check lines,
 * and nobody may be looking at an editor. A store or mapper change drops the result and tells the
 * views, which ask again for what they show.
 */
import { errorMessage } from '../../core/common/errors';
import { Emitter, type Event } from '../../core/common/emitter';
import { DisposableBase } from '../../core/common/lifecycle';
import type { Logger } from '../../core/common/logger';
import { collectCrashSites, crashFrame, type CrashSite } from '../../core/frames/crashSites';
import type { FrameMapper } from '../../core/frames/frameMapper';
import type { StoredEvent, StoredIssue } from '../../core/store/model';

export interface CrashSiteStore {
  issues(): StoredIssue[];
  events(issueId: string): StoredEvent[];
  onDidChange: Event<void>;
}

export interface CrashSiteMappers {
  mapper(): Promise<FrameMapper | undefined>;
  /** Mapped results may differ (files added or removed, mappings changed, index rebuilt). */
  onDidChange: Event<void>;
  /** Files whose content changed or that were removed: a crash line there may have moved. */
  onDidChangeFiles?: Event<readonly string[]>;
}

/** Issues that still need attention: resolved and ignored ones do not mark the code. */
export function isOpenIssue(issue: StoredIssue): boolean {
  return issue.status !== 'resolved' && issue.status !== 'ignored';
}

/**
 * Each open issue with its newest stored event (what collectCrashSites maps), ordered by the crash
 * frame's path: the mapper keeps the text of a few hundred files for its line checks, and visiting
 * the issues file by file reads each file once instead of once per issue on a large store.
 */
export function crashSiteItems(
  store: Pick<CrashSiteStore, 'issues' | 'events'>,
): Array<{ issue: StoredIssue; event: StoredEvent | undefined }> {
  const items = store
    .issues()
    .filter(isOpenIssue)
    .map((issue) => {
      const event = store.events(issue.id)[0];
      const frame = event && crashFrame(event);
      return { issue, event, key: frame ? (frame.absPath ?? frame.filename ?? '') : '' };
    });
  items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return items.map(({ issue, event }) => ({ issue, event }));
}

/** Sites of one file by 1-based line, each line's busiest issue first. */
export function sitesByLine(sites: readonly CrashSite[]): Map<number, CrashSite[]> {
  const out = new Map<number, CrashSite[]>();
  for (const s of sites) {
    const list = out.get(s.line);
    if (list) list.push(s);
    else out.set(s.line, [s]);
  }
  for (const list of out.values()) list.sort((a, b) => b.count - a.count);
  return out;
}

/** Path key: Windows paths compare case-insensitively (a drive letter may come in either case). */
export function pathKey(path: string, platform: string = process.platform): string {
  return platform === 'win32' ? path.toLowerCase() : path;
}

/** Where an issue's newest event crashed locally (null: it did not map), kept while that event stays the newest. */
interface Located {
  eventId: string;
  at: Pick<CrashSite, 'path' | 'line' | 'column' | 'lineStatus' | 'moved'> | null;
}

export class CrashSiteIndex extends DisposableBase {
  private computing: Promise<Map<string, CrashSite[]>> | undefined;
  /**
   * Mapped crash locations by issue id. A sync changes counts and times but rarely the newest event,
   * so after a store change only issues with a new newest event are mapped again (mapping checks the
   * line against the file, a read per file). Cleared when the mapper's results may differ.
   */
  private readonly located = new Map<string, Located>();
  /** Bumped when `located` is cleared, so a computation that started before does not refill it. */
  private generation = 0;
  private readonly changed = this.register(new Emitter<void>());
  /** The sites may differ now; views should ask again. */
  readonly onDidChange: Event<void> = this.changed.event;

  constructor(
    private readonly store: CrashSiteStore,
    private readonly frames: CrashSiteMappers,
    private readonly logger: Logger,
  ) {
    super();
    this.register(store.onDidChange(() => this.invalidate()));
    this.register(
      frames.onDidChange(() => {
        this.located.clear();
        this.generation++;
        this.invalidate();
      }),
    );
    if (frames.onDidChangeFiles) {
      this.register(
        frames.onDidChangeFiles((paths) => {
          const touched = new Set(paths.map((p) => pathKey(p)));
          let dropped = false;
          for (const [id, l] of this.located) {
            if (l.at && touched.has(pathKey(l.at.path))) {
              this.located.delete(id);
              dropped = true;
            }
          }
          if (dropped) this.invalidate();
        }),
      );
    }
  }

  /** Every file with crash sites, by path key. */
  all(): Promise<Map<string, CrashSite[]>> {
    this.computing ??= this.compute();
    return this.computing;
  }

  /** The crash sites in one file (absolute path), ordered by line. */
  async sitesIn(path: string): Promise<readonly CrashSite[]> {
    return (await this.all()).get(pathKey(path)) ?? [];
  }

  private async compute(): Promise<Map<string, CrashSite[]>> {
    const started = performance.now();
    const generation = this.generation;
    try {
      const items = crashSiteItems(this.store);
      // No synced issue, no crash site: opening a file must not index the workspace for nothing.
      if (!items.some((i) => i.event)) return new Map();
      const mapper = await this.frames.mapper();
      if (!mapper) return new Map();
      const fresh = items.filter(({ issue, event }) => this.located.get(issue.id)?.eventId !== (event?.id ?? ''));
      const found = new Map<string, CrashSite>();
      for (const sites of (await collectCrashSites(fresh, mapper)).values())
        for (const s of sites) found.set(s.issueId, s);
      if (generation === this.generation) {
        for (const { issue, event } of fresh) {
          const s = found.get(issue.id);
          this.located.set(issue.id, {
            eventId: event?.id ?? '',
            at: s
              ? {
                  path: s.path,
                  line: s.line,
                  column: s.column,
                  lineStatus: s.lineStatus,
                  ...(s.moved ? { moved: s.moved } : {}),
                }
              : null,
          });
        }
        if (this.located.size > items.length) {
          const present = new Set(items.map((i) => i.issue.id));
          for (const id of this.located.keys()) if (!present.has(id)) this.located.delete(id);
        }
      }
      const out = new Map<string, CrashSite[]>();
      let n = 0;
      for (const { issue, event } of items) {
        const at = found.get(issue.id) ?? this.located.get(issue.id)?.at;
        if (!at || !event) continue;
        const site: CrashSite = {
          issueId: issue.id,
          shortId: issue.shortId,
          title: issue.title,
          level: issue.level,
          count: issue.count,
          lastSeen: issue.lastSeen,
          eventId: event.id,
          path: at.path,
          line: at.line,
          column: at.column,
          lineStatus: at.lineStatus,
          ...(at.moved ? { moved: at.moved } : {}),
          release: event.release ?? issue.firstRelease,
          eventLine: crashFrame(event)?.lineNo ?? null,
        };
        const key = pathKey(at.path);
        const list = out.get(key);
        if (list) list.push(site);
        else out.set(key, [site]);
        n++;
      }
      for (const list of out.values()) list.sort((a, b) => a.line - b.line || b.count - a.count);
      this.logger.debug(
        `crash sites: ${n} of ${items.length} issues in ${out.size} files, ${fresh.length} mapped now (${Math.round(performance.now() - started)} ms)`,
      );
      return out;
    } catch (e) {
      // A failed computation must not stick: the next request tries again.
      this.computing = undefined;
      this.logger.warn(`crash sites could not be computed: ${errorMessage(e)}`);
      return new Map();
    }
  }

  private invalidate(): void {
    this.computing = undefined;
    this.changed.fire();
  }
}
