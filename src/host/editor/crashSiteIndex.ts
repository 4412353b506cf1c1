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
import { collectCrashSites, type CrashSite } from '../../core/frames/crashSites';
import type { FrameMapper } from '../../core/frames/frameMapper';
import type { StoredEvent, StoredIssue } from '../../core/store/model';

export interface CrashSiteStore {
  issues(): StoredIssue[];
  events(issueId: string): StoredEvent[];
  onDidChange: Event<void>;
}

export interface CrashSiteMappers {
  mapper(): Promise<FrameMapper | undefined>;
  onDidChange: Event<void>;
}

/** Issues that still need attention: resolved and ignored ones do not mark the code. */
export function isOpenIssue(issue: StoredIssue): boolean {
  return issue.status !== 'resolved' && issue.status !== 'ignored';
}

/** Each open issue with its newest stored event (what collectCrashSites maps). */
export function crashSiteItems(store: Pick<CrashSiteStore, 'issues' | 'events'>): Array<{ issue: StoredIssue; event: StoredEvent | undefined }> {
  return store.issues().filter(isOpenIssue).map((issue) => ({ issue, event: store.events(issue.id)[0] }));
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

export class CrashSiteIndex extends DisposableBase {
  private computing: Promise<Map<string, CrashSite[]>> | undefined;
  private readonly changed = this.register(new Emitter<void>());
  /** The sites may differ now; views should ask again. */
  readonly onDidChange: Event<void> = this.changed.event;

  constructor(private readonly store: CrashSiteStore, private readonly frames: CrashSiteMappers, private readonly logger: Logger) {
    super();
    this.register(store.onDidChange(() => this.invalidate()));
    this.register(frames.onDidChange(() => this.invalidate()));
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
    try {
      const mapper = await this.frames.mapper();
      if (!mapper) return new Map();
      const items = crashSiteItems(this.store);
      const byPath = await collectCrashSites(items, mapper);
      const out = new Map<string, CrashSite[]>();
      let n = 0;
      for (const [path, sites] of byPath) {
        out.set(pathKey(path), sites);
        n += sites.length;
      }
      this.logger.debug(`crash sites: ${n} of ${items.length} issues in ${out.size} files (${Math.round(performance.now() - started)} ms)`);
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
