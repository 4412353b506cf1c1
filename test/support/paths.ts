import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, found from a bundled test file in out/test/… or a source file in test/…. */
export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'esbuild.mjs'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

/** Real-shaped Sentry payloads (copied from shared/sentry-fixtures; each has a .source.txt). */
export function sentryFixture(name: string): string {
  return join(repoRoot(), 'test', 'fixtures', 'sentry-api', name);
}
