/**
 * Benchmark: a 7-minute window out of a 1 GB log file on a real sshd.
 *   - SshLogFetcher: server-side bisection + awk, only the window crosses the wire.
 *     Targets: wall time ≤ 2 s, bytes transferred ≤ 2 MB.
 *   - Baseline: download the whole file over SFTP (same sshd, same connection code) and filter locally.
 * Prints both, and the ratios. The 1 GB file is generated once under .bench/ (gitignored).
 */
import { createWriteStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { SshLogFetcher } from '../../src/core/logs';
import { SshConnector } from '../../src/core/logs/sshConnector';
import { parseLogTime } from '../../src/core/logs/timestamps';
import { generateKey, SshdServer, tempDir } from '../servers/sshd/sshdServer';

const GB = 1024 ** 3;
const dir = resolve('.bench', 'ssh-logs');
const file = join(dir, 'app-1g.log');
// 1 GB over 7 days is ~1.7 KB/s: a typical busy service's log that rotates weekly.
const START = Date.UTC(2026, 10, 16);
const SPAN_MS = 7 * 86_400_000;

async function generate(): Promise<void> {
  if (existsSync(file) && statSync(file).size >= GB) return;
  mkdirSync(dir, { recursive: true });
  console.log(`generating ${file} (1 GiB, once)…`);
  const t0 = Date.now();
  const out = createWriteStream(file);
  const lineApprox = 132;
  const lines = Math.ceil(GB / lineApprox);
  const step = SPAN_MS / lines;
  const levels = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];
  let written = 0;
  let i = 0;
  while (written < GB) {
    const parts: string[] = [];
    for (let k = 0; k < 20_000 && written < GB; k++, i++) {
      const ms = START + Math.floor(i * step);
      const s = `${new Date(ms).toISOString()} ${levels[i % levels.length]} api[${1000 + (i % 8)}]: GET /api/orders/${i % 100_000} status=${i % 97 === 0 ? 500 : 200} took=${i % 250}ms req=${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}\n`;
      parts.push(s);
      written += s.length;
    }
    if (!out.write(parts.join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  console.log(`generated ${(written / GB).toFixed(2)} GiB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function fmtBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(2)} MiB` : `${(n / 1024).toFixed(1)} KiB`;
}

async function main(): Promise<void> {
  await generate();
  const home = tempDir('sentry-rca-bench-');
  mkdirSync(join(home, '.ssh'));
  const user = generateKey(join(home, '.ssh'), 'id_bench');
  const sshd = await SshdServer.start({ authorizedKeys: [user.publicLine] });
  try {
    writeFileSync(join(home, '.ssh', 'known_hosts'), sshd.knownHostsLine() + '\n');
    writeFileSync(
      join(home, '.ssh', 'config'),
      `Host bench\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ~/.ssh/id_bench\n`,
    );
    const config = join(home, '.ssh', 'config');
    delete process.env.SSH_AUTH_SOCK;

    // A 7-minute window around an event in the middle of day 4.
    const event = START + 3.5 * 86_400_000;
    const window = {
      since: new Date(event - 5 * 60_000),
      until: new Date(event + 2 * 60_000),
      around: [new Date(event)],
    };
    const request = { host: 'bench', source: { kind: 'file' as const, path: file } };

    const runs: Array<{ ms: number; bytes: number; lines: number }> = [];
    for (let i = 0; i < 5; i++) {
      // A fresh fetcher each time: the timing includes connecting and authenticating.
      const f = new SshLogFetcher({ sshConfigPath: config, home });
      const t0 = performance.now();
      const [r] = await f.fetch([request], window, { maxLines: 100_000, maxBytes: 2 * 1024 * 1024 });
      const ms = performance.now() - t0;
      f.dispose();
      if (r!.status !== 'ok') throw new Error(`fetch failed: ${r!.status} ${r!.message}`);
      runs.push({ ms, bytes: r!.bytes, lines: r!.lines.filter((l) => !l.marker).length });
      if (r!.truncated) console.log('note: the window was truncated by the cap');
    }
    const sorted = [...runs].sort((a, b) => a.ms - b.ms);
    const median = sorted[Math.floor(sorted.length / 2)]!;

    // The same window with grep terms (matches are marked, and kept first when a cap cuts).
    const grepRuns: number[] = [];
    let grepBytes = 0;
    let grepMatched = 0;
    for (let i = 0; i < 3; i++) {
      const f = new SshLogFetcher({ sshConfigPath: config, home });
      const t0 = performance.now();
      const [r] = await f.fetch(
        [request],
        { ...window, grep: ['status=500', 'req=deadbeef'] },
        { maxLines: 100_000, maxBytes: 2 * 1024 * 1024 },
      );
      grepRuns.push(performance.now() - t0);
      f.dispose();
      grepBytes = r!.bytes;
      grepMatched = r!.lines.filter((l) => l.matched).length;
    }
    grepRuns.sort((a, b) => a - b);

    // Baseline: the whole file over SFTP, filtered locally with the same timestamp rules.
    const conn = new SshConnector({ sshConfigPath: config, home });
    const t0 = performance.now();
    const sftp = await conn.sftp('bench');
    let bytes = 0;
    let inWindow = 0;
    let rest = '';
    const since = window.since.getTime();
    const until = window.until.getTime();
    const ctx = { tzOffsetMinutes: 0, refMs: until };
    await new Promise<void>((resolveP, reject) => {
      const s = sftp.createReadStream(file, { highWaterMark: 256 * 1024 });
      s.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        const text = rest + chunk.toString('latin1');
        const lines = text.split('\n');
        rest = lines.pop()!;
        for (const l of lines) {
          // Cheap prefix check first, as a hand-written local filter would do.
          const ms = parseLogTime(l.slice(0, 30), ctx);
          if (ms !== undefined && ms >= since && ms <= until) inWindow++;
        }
      });
      s.on('end', () => resolveP());
      s.on('error', reject);
    });
    const baseMs = performance.now() - t0;
    conn.dispose();

    console.log(
      `file: ${fmtBytes(statSync(file).size)}, window: 7 min (${window.since.toISOString()} .. ${window.until.toISOString()})`,
    );
    console.log(
      `SshLogFetcher (server-side window), 5 runs incl. connect: median ${median.ms.toFixed(0)} ms [${runs.map((r) => r.ms.toFixed(0)).join(', ')}], ` +
        `${fmtBytes(median.bytes)} transferred, ${median.lines} lines   (targets: ≤ 2000 ms, ≤ 2 MiB)`,
    );
    console.log(
      `  with 2 grep terms, 3 runs: median ${grepRuns[1]!.toFixed(0)} ms, ${fmtBytes(grepBytes)} transferred, ${grepMatched} lines matched`,
    );
    console.log(
      `baseline (SFTP download + local filter): ${baseMs.toFixed(0)} ms, ${fmtBytes(bytes)} transferred, ${inWindow} lines`,
    );
    console.log(`ratio: ${(baseMs / median.ms).toFixed(1)}x faster, ${(bytes / median.bytes).toFixed(0)}x fewer bytes`);
    console.log(
      `time target ${median.ms <= 2000 ? 'met' : 'MISSED'}; bytes target ${median.bytes <= 2 * 1024 * 1024 ? 'met' : 'MISSED'}; ` +
        `line count ${median.lines === inWindow ? 'matches the baseline' : `DIFFERS from the baseline (${median.lines} vs ${inWindow})`}`,
    );
  } finally {
    await sshd.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
