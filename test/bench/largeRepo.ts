/**
 * A large repository for the history benchmark, made with `git fast-import` (seconds, not the hours
 * 50,000 `git commit`s would take) and cached under .bench/: 20,000 files in 200 service folders,
 * 50,000 commits touching one to three files each, a release tag `shop@1.N.0` every 500 commits, and
 * an incident: in the last release's range one commit writes the crash line of `src/svc042/f017.mjs`,
 * and after the release tag a few commits change that line again (version skew).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const LARGE = {
  files: 20_000,
  commits: 50_000,
  tagEvery: 500,
  crashFile: 'src/svc042/f017.mjs',
  crashLine: 11,
} as const;
const VERSION = 'v2';

function fileText(folder: number, file: number, rev: number, crash = false): string {
  const lines = [
    `// service ${folder} module ${file} (rev ${rev})`,
    `import { helper${file % 7} } from '../lib/helpers.mjs';`,
    '',
  ];
  lines.push(`export function handle${file}(ctx) {`, '  const conn = ctx.pool.acquire();', '  try {');
  for (let i = 0; i < 4; i++) lines.push(`    ctx.log.debug('step ${i} of ${file}');`);
  lines.push(
    crash
      ? `    return ctx.order.shipping.address; // rev ${rev}`
      : `    return helper${file % 7}(ctx.order); // rev ${rev}`,
  );
  lines.push('  } finally {', '    conn.release();', '  }', '}', '');
  return lines.join('\n');
}

/** The repository (built once, then reused from .bench/); `release` is the last tag before the skew commits. */
export async function largeRepo(
  root: string,
): Promise<{ dir: string; release: string; previous: string; causeSubject: string; built: boolean; buildMs: number }> {
  const dir = join(root, '.bench', `history-repo-${VERSION}`);
  // The last release is tagged 500 commits before the end, so the commits after it are the skew.
  const releaseCommit = LARGE.commits - LARGE.tagEvery;
  const tagName = (c: number) => `shop@1.${c / LARGE.tagEvery - 1}.0`;
  const meta = {
    release: tagName(releaseCommit),
    previous: tagName(releaseCommit - LARGE.tagEvery),
    causeSubject: 'svc042: ship to the shipping address',
  };
  if (existsSync(join(dir, '.git', 'refs', 'tags')) && existsSync(join(dir, 'src', 'svc042', 'f017.mjs')))
    return { dir, ...meta, built: false, buildMs: 0 };
  const t0 = performance.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  const fi = spawn('nice', ['git', 'fast-import', '--quiet', '--done'], {
    cwd: dir,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const done = new Promise<void>((res, rej) =>
    fi.on('exit', (c) => (c === 0 ? res() : rej(new Error(`git fast-import exited ${c}`)))),
  );
  let buf = '';
  const flush = async () => {
    if (!fi.stdin.write(buf)) await new Promise((r) => fi.stdin.once('drain', r));
    buf = '';
  };
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const start = Date.UTC(2026, 0, 1) / 1000;
  const folders = LARGE.files / 100;
  const path = (f: number, n: number) => `src/svc${String(f).padStart(3, '0')}/f${String(n).padStart(3, '0')}.mjs`;
  let rng = 42;
  const rand = (n: number) => {
    rng = (rng * 1103515245 + 12345) % 2 ** 31;
    return rng % n;
  };
  for (let c = 1; c <= LARGE.commits; c++) {
    const when = start + c * 600;
    let subject: string;
    const changes: string[] = [];
    if (c === 1) {
      subject = 'import the shop';
      for (let f = 0; f < folders; f++)
        for (let n = 0; n < 100; n++) changes.push(`M 100644 inline ${path(f, n)}\n${data(fileText(f, n, 0))}`);
      changes.push(`M 100644 inline src/lib/helpers.mjs\n${data('export const helper0 = (o) => o;\n')}`);
    } else if (c === releaseCommit - 40) {
      subject = meta.causeSubject;
      changes.push(`M 100644 inline ${LARGE.crashFile}\n${data(fileText(42, 17, c, true))}`);
    } else if (c > releaseCommit && c % 97 === 0) {
      subject = 'svc042: guard digital orders';
      changes.push(`M 100644 inline ${LARGE.crashFile}\n${data(fileText(42, 17, c))}`);
    } else {
      const f = rand(folders);
      subject = `svc${String(f).padStart(3, '0')}: change ${c}`;
      for (let k = 0, m = 1 + rand(3); k < m; k++) {
        const n = rand(100);
        changes.push(`M 100644 inline ${path(f, n)}\n${data(fileText(f, n, c))}`);
      }
      if (c % 50 === 0) changes.push(`M 100644 inline README.md\n${data(`# shop\nrevision ${c}\n`)}`);
    }
    buf += `commit refs/heads/main\nmark :${c}\nauthor Dev ${c % 13} <dev${c % 13}@example.com> ${when} +0000\ncommitter CI <ci@example.com> ${when} +0000\n${data(subject)}${c > 1 ? `from :${c - 1}\n` : ''}${changes.join('')}\n`;
    if (c % LARGE.tagEvery === 0 && c <= releaseCommit) buf += `reset refs/tags/${tagName(c)}\nfrom :${c}\n\n`;
    if (buf.length > 1 << 20) await flush();
  }
  buf += 'done\n';
  await flush();
  fi.stdin.end();
  await done;
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir });
  return { dir, ...meta, built: true, buildMs: performance.now() - t0 };
}
