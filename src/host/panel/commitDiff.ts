/**
 * Shows a commit's diff in VS Code's own diff views: one file in a diff editor, the whole commit in the
 * multi-file changes editor (`vscode.changes`). The documents come from the built-in git extension's
 * `git:` URIs (what its Timeline and SCM views open) when git is enabled, else from our own read-only
 * `sentry-rca-commit:` provider (`git show REV:PATH` in a workspace folder). The SHA comes from our own
 * suspects list and is checked again; git gets it as an argument, never through a shell.
 */
import * as vscode from 'vscode';
import { GitHistory, isSafeRevision } from '../../core/history/gitHistory';

interface GitApi {
  toGitUri(uri: vscode.Uri, ref: string): vscode.Uri;
}

const SCHEME = 'sentry-rca-commit';

async function gitApi(): Promise<GitApi | null> {
  if (vscode.workspace.getConfiguration('git').get<boolean>('enabled') === false) return null;
  const ext = vscode.extensions.getExtension<{ getAPI(v: 1): GitApi }>('vscode.git');
  try {
    if (ext && !ext.isActive) await ext.activate();
    return ext?.exports.getAPI(1) ?? null;
  } catch {
    return null;
  }
}

/** `path` (absolute, under `root`) at `ref`: the git extension's URI, or ours. */
function uriAt(api: GitApi | null, root: string, rel: string, ref: string): vscode.Uri {
  const file = vscode.Uri.joinPath(vscode.Uri.file(root), ...rel.split('/'));
  if (api) return api.toGitUri(file, ref);
  return file.with({ scheme: SCHEME, query: JSON.stringify({ root, rel, ref }) });
}

/** Serves `sentry-rca-commit:` documents: a file at a revision, only inside an open workspace folder. */
class CommitContentProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    let q: { root?: unknown; rel?: unknown; ref?: unknown };
    try {
      q = JSON.parse(uri.query) as typeof q;
    } catch {
      throw new Error('not a commit document');
    }
    const { root, rel, ref } = q;
    if (typeof root !== 'string' || typeof rel !== 'string' || typeof ref !== 'string')
      throw new Error('not a commit document');
    if (!(vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.scheme === 'file' && f.uri.fsPath === root))
      throw new Error('only files of an open workspace folder');
    if (
      !isSafeRevision(ref.replace(/~1$/, '')) ||
      rel.split('/').includes('..') ||
      rel.startsWith('-') ||
      rel.startsWith('/')
    )
      throw new Error('refused');
    return new GitHistory(root, 10_000, 16 * 1024 * 1024).run(['show', `${ref}:${rel}`]);
  }
}

let providerUsers = 0;
let provider: vscode.Disposable | undefined;

/** Registers the fallback content provider while anyone needs it (the panel holds the returned Disposable). */
export function useCommitDocuments(): vscode.Disposable {
  if (providerUsers++ === 0)
    provider = vscode.workspace.registerTextDocumentContentProvider(SCHEME, new CommitContentProvider());
  return {
    dispose: () => {
      if (--providerUsers === 0) {
        provider?.dispose();
        provider = undefined;
      }
    },
  };
}

export async function openCommitDiff(
  root: string,
  commit: string,
  onlyPath?: string,
): Promise<{ ok: boolean; message?: string }> {
  if (!/^[0-9a-f]{7,40}$/.test(commit)) return { ok: false, message: 'Not a commit id.' };
  const api = await gitApi();
  const git = new GitHistory(root);
  let sha: string;
  let subject: string;
  let changes: Array<{ status: string; path: string; oldPath: string | null }>;
  try {
    sha = (await git.run(['rev-parse', '--verify', '--quiet', `${commit}^{commit}`])).trim();
    const out = await git.run(['show', '--no-color', '-M', '--name-status', '--format=%s', sha]);
    const [first, ...rest] = out.split('\n');
    subject = first ?? '';
    changes = rest.filter(Boolean).map((l) => {
      const [status, a, b] = l.split('\t');
      return { status: status ?? 'M', path: b ?? a ?? '', oldPath: b ? (a ?? null) : null };
    });
  } catch {
    return { ok: false, message: `Commit ${commit} is not in this workspace's repository.` };
  }
  const parent = `${sha}~1`;
  const at = (p: string) => vscode.Uri.joinPath(vscode.Uri.file(root), ...p.split('/'));
  const gitUri = (p: string, ref: string) => uriAt(api, root, p, ref);
  const short = sha.slice(0, 7);
  const pick = onlyPath ? changes.filter((c) => c.path === onlyPath || c.oldPath === onlyPath) : changes;
  if (pick.length === 1) {
    const c = pick[0]!;
    // An added or deleted file has one side only: show that side.
    if (c.status.startsWith('A') || c.status.startsWith('D')) {
      await vscode.commands.executeCommand('vscode.open', gitUri(c.path, c.status.startsWith('A') ? sha : parent), {
        preview: true,
      });
      return { ok: true };
    }
    await vscode.commands.executeCommand(
      'vscode.diff',
      gitUri(c.oldPath ?? c.path, parent),
      gitUri(c.path, sha),
      `${c.path} (${short}: ${subject})`,
      { preview: true },
    );
    return { ok: true };
  }
  const resources = pick.map((c) => [
    at(c.path),
    c.status.startsWith('A') ? undefined : gitUri(c.oldPath ?? c.path, parent),
    c.status.startsWith('D') ? undefined : gitUri(c.path, sha),
  ]);
  await vscode.commands.executeCommand('vscode.changes', `${short}: ${subject}`, resources);
  return { ok: true };
}
