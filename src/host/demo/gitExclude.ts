/**
 * Keeps files the extension writes into the demo workspace (its settings, the demo marker) out of the
 * demo repository's Source Control: a pattern in the repository's own `.git/info/exclude`, which is
 * local to that clone and never committed. No `vscode` import.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Adds `pattern` (gitignore syntax, e.g. `/.vscode/`) to `repo/.git/info/exclude` unless it is there.
 * Returns false when `repo` is not a git repository with a `.git` folder (the demo without git installed).
 */
export function excludeFromGit(repo: string, pattern: string): boolean {
  const gitDir = join(repo, '.git');
  if (!existsSync(gitDir) || !statSync(gitDir).isDirectory()) return false;
  const file = join(gitDir, 'info', 'exclude');
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    mkdirSync(join(gitDir, 'info'), { recursive: true });
  }
  if (text.split(/\r?\n/).some((l) => l.trim() === pattern)) return true;
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  appendFileSync(
    file,
    `${sep}# Written by Sentry RCA's demo: its settings and marker are not part of the sample service\n${pattern}\n`,
  );
  return true;
}
