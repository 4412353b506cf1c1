/**
 * Version skew for the CodeLens: for a crash site with a release, asks git (through core/history)
 * whether the crashing line changed since that release, per workspace folder, and remembers the answer
 * for a minute so scrolling and re-rendering lenses does not run git again.
 */
import * as vscode from 'vscode';
import { relative, sep } from 'node:path';
import type { Logger } from '../../core/common/logger';
import { errorMessage } from '../../core/common/errors';
import type { CrashSite } from '../../core/frames/crashSites';
import { GitHistory } from '../../core/history/gitHistory';
import { skewAtLine } from '../../core/history/skew';

const TTL_MS = 60_000;

export class SkewLens {
  private readonly cache = new Map<string, { at: number; text: Promise<string | null> }>();
  private readonly repos = new Map<string, GitHistory>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** `changed after orders@3.1.0 by a1b2c3d — not deployed yet?`, or null. */
  text(site: CrashSite): Promise<string | null> {
    if (!site.release || !site.eventLine) return Promise.resolve(null);
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(site.path));
    if (!folder || folder.uri.scheme !== 'file') return Promise.resolve(null);
    const root = folder.uri.fsPath;
    const rel = relative(root, site.path).split(sep).join('/');
    const key = `${root}\0${site.release}\0${rel}\0${site.eventLine}`;
    const hit = this.cache.get(key);
    if (hit && this.now() - hit.at < TTL_MS) return hit.text;
    let git = this.repos.get(root);
    if (!git) {
      git = new GitHistory(root);
      this.repos.set(root, git);
    }
    const text = skewAtLine(git, site.release, rel, site.eventLine).catch((e: unknown) => {
      this.logger.debug(`skew of ${rel}:${site.eventLine}: ${errorMessage(e)}`);
      return null;
    });
    this.cache.set(key, { at: this.now(), text });
    return text;
  }

  /** Forget answers (a commit, a checkout or a save may have changed them). */
  clear(): void {
    this.cache.clear();
  }
}
