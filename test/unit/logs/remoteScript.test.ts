// The server-side script, run locally (no SSH) under dash with GNU tools and under BusyBox sh with only
// BusyBox applets (what an Alpine server has): same window, same markers.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildRemoteScript, type ScriptParams } from '../../../src/core/logs/remoteScript';
import { parseScriptOutput } from '../../../src/core/logs/sshLogFetcher';
import { GAP_LINE } from '../../../src/core/logs/lineFilter';
import { describeNeeding, missingCommand } from '../../support/needs';

const dir = mkdtempSync(join(tmpdir(), 'sentry-rca-script-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const day = (d: number, h = 0) => Date.UTC(2026, 10, d, h);
function lines(from: number, to: number, step: number, tag: string): string {
  const out: string[] = [];
  for (let t = from; t <= to; t += step) out.push(`${new Date(t).toISOString()} ${tag} line`);
  return out.join('\n') + '\n';
}
writeFileSync(join(dir, 'svc.log.2.gz'), gzipSync(lines(day(23), day(24) - 60_000, 60_000, 'gz')));
utimesSync(join(dir, 'svc.log.2.gz'), new Date(day(24)), new Date(day(24)));
writeFileSync(join(dir, 'svc.log.1'), lines(day(24), day(25) - 1000, 1000, 'one'));
utimesSync(join(dir, 'svc.log.1'), new Date(day(25)), new Date(day(25)));
writeFileSync(join(dir, 'svc.log'), lines(day(25), day(25, 6), 1000, 'live'));

const noBusybox = missingCommand('busybox', ['true'], 'Debian: busybox');
const bbBin = join(dir, 'bb');
if (!noBusybox) {
  mkdirSync(bbBin);
  for (const applet of [
    'sh',
    'awk',
    'tail',
    'head',
    'sort',
    'uniq',
    'date',
    'stat',
    'wc',
    'gzip',
    'cat',
    'printf',
    'echo',
    'kill',
    'test',
    '[',
    'sleep',
    'grep',
    'touch',
  ])
    symlinkSync('/bin/busybox', join(bbBin, applet));
}

// Both variants are always registered; the BusyBox one skips (locally) or fails (CI) without BusyBox.
const shells: Array<{ name: string; cmd: string; env: NodeJS.ProcessEnv; missing: string | null }> = [
  { name: 'dash + GNU tools', cmd: 'sh', env: { PATH: '/usr/bin:/bin', TZ: 'UTC' }, missing: null },
  { name: 'BusyBox sh + applets only', cmd: join(bbBin, 'sh'), env: { PATH: bbBin, TZ: 'UTC' }, missing: noBusybox },
];

/** Runs the script as sshd would: its own process group (the watchdog signals the group), stdin kept
 *  open until the script is done (closing it means "the client went away"). */
async function run(
  shell: (typeof shells)[number],
  p: Omit<ScriptParams, 'capBytes' | 'maxLineBytes' | 'grep'> & Partial<ScriptParams>,
) {
  const rs = buildRemoteScript({ capBytes: 1 << 20, maxLineBytes: 4096, grep: [], ...p });
  const child = spawn(shell.cmd, ['-s'], { env: shell.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  child.stdin.write(rs.script);
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 20_000);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  child.stdin.destroy();
  assert.equal(code, 0, err);
  return parseScriptOutput(Buffer.concat(out), rs.nonce);
}

for (const shell of shells) {
  describeNeeding(`remote script under ${shell.name}`, shell.missing, {}, () => {
    test('window across a rotation: .1 then live, the old .gz never opened', async () => {
      const o = await run(shell, {
        source: { kind: 'file', path: join(dir, 'svc.log') },
        sinceMs: day(25) - 30_000,
        untilMs: day(25) + 29_000,
        focusMs: day(25),
      });
      assert.equal(o.done, true);
      assert.deepEqual(o.files, [join(dir, 'svc.log.1'), join(dir, 'svc.log')]);
      assert.equal(o.lines.length, 60);
      assert.equal(o.lines[0], '2026-11-24T23:59:30.000Z one line');
      assert.equal(o.lines.at(-1), '2026-11-25T00:00:29.000Z live line');
    });

    test('inside the gzip', async () => {
      const o = await run(shell, {
        source: { kind: 'file', path: join(dir, 'svc.log') },
        sinceMs: day(23, 12),
        untilMs: day(23, 12) + 4 * 60_000,
        focusMs: day(23, 12),
      });
      assert.deepEqual(
        o.lines,
        Array.from({ length: 5 }, (_, i) => `${new Date(day(23, 12) + i * 60_000).toISOString()} gz line`),
      );
    });

    test('byte cap centred on the focus, with cut markers', async () => {
      // 35-byte lines: 3500 bytes are 50 lines before the focus and 50 from it on.
      const o = await run(shell, {
        source: { kind: 'file', path: join(dir, 'svc.log') },
        sinceMs: day(25, 1),
        untilMs: day(25, 3),
        focusMs: day(25, 2),
        capBytes: 3500,
      });
      assert.equal(o.gaps, 2);
      assert.equal(o.lines.length, 102);
      assert.equal(o.lines[0], GAP_LINE);
      assert.equal(o.lines[51], '2026-11-25T02:00:00.000Z live line');
      assert.equal(o.lines.at(-1), GAP_LINE);
    });

    test('grep matches far from the focus survive the cap, with gaps around them', async () => {
      const o = await run(shell, {
        source: { kind: 'file', path: join(dir, 'svc.log') },
        sinceMs: day(25, 1),
        untilMs: day(25, 3),
        focusMs: day(25, 2),
        capBytes: 3500,
        grep: ['01:10:00.000Z', '02:50:00.000Z LIVE'],
      });
      const hits = o.lines.filter((l) => l.includes('01:10:00.000Z') || l.includes('02:50:00.000Z'));
      assert.deepEqual(hits, ['2026-11-25T01:10:00.000Z live line', '2026-11-25T02:50:00.000Z live line']);
      assert.deepEqual(o.lines.slice(0, 3), [GAP_LINE, '2026-11-25T01:10:00.000Z live line', GAP_LINE]);
      assert.deepEqual(o.lines.slice(-3), [GAP_LINE, '2026-11-25T02:50:00.000Z live line', GAP_LINE]);
      assert.equal(o.gaps, 4);
    });

    test('no such file; hostile grep terms in a template stay data', async () => {
      assert.equal(
        (
          await run(shell, {
            source: { kind: 'file', path: join(dir, 'nope-*.log') },
            sinceMs: day(25),
            untilMs: day(25, 1),
            focusMs: day(25),
          })
        ).noFile,
        true,
      );
      const marker = join(dir, 'pwned');
      const o = await run(shell, {
        source: { kind: 'command', template: `grep -F -e {grep} ${join(dir, 'svc.log')} || true` },
        sinceMs: day(25),
        untilMs: day(25, 1),
        focusMs: day(25),
        grep: [`$(touch ${marker})`, `\`touch ${marker}\``, `'; touch ${marker}; '`],
      });
      assert.equal(o.exitCode, 0);
      assert.equal(existsSync(marker), false);
    });

    test('times without a zone use the server offset at the window, DST included', async () => {
      writeFileSync(
        join(dir, 'local.log'),
        ['2026-07-01 11:59:59 before', '2026-07-01 12:00:00 summer noon local', '2026-07-01 12:00:01 after'].join(
          '\n',
        ) + '\n',
      );
      const berlin = { ...shell, env: { ...shell.env, TZ: 'Europe/Berlin' } };
      const o = await run(berlin, {
        source: { kind: 'file', path: join(dir, 'local.log') },
        sinceMs: Date.UTC(2026, 6, 1, 10),
        untilMs: Date.UTC(2026, 6, 1, 10),
        focusMs: Date.UTC(2026, 6, 1, 10),
      });
      assert.equal(o.tzOffsetMinutes, 120);
      assert.deepEqual(o.lines, ['2026-07-01 12:00:00 summer noon local']);
    });

    test('closing stdin (the client went away) stops the remote work', async () => {
      const rs = buildRemoteScript({
        source: { kind: 'command', template: `sleep 30; touch ${join(dir, 'still-ran')}` },
        sinceMs: day(25),
        untilMs: day(25, 1),
        focusMs: day(25),
        capBytes: 1 << 20,
        maxLineBytes: 4096,
        grep: [],
      });
      const child = spawn(shell.cmd, ['-s'], { env: shell.env, detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
      const closed = once(child, 'close');
      child.stdin.write(rs.script);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(child.exitCode, null, 'still running before stdin closes');
      const t0 = Date.now();
      child.stdin.end();
      await closed;
      assert.ok(Date.now() - t0 < 5000, 'the shell ended soon after stdin closed');
      // Zombies do not count: in a container nobody may reap the orphans, on a server init does.
      // Signalled processes take a moment to go on a loaded machine, hence the short poll.
      const running = () =>
        spawnSync('ps', ['-e', '-o', 'pid=,pgid=,stat=,args='])
          .stdout.toString()
          .split('\n')
          .filter((l) => {
            const f = l.trim().split(/\s+/);
            return f[1] === String(child.pid) && !f[2]?.startsWith('Z');
          });
      let alive = running();
      for (let i = 0; i < 40 && alive.length; i++) {
        await new Promise((r) => setTimeout(r, 50));
        alive = running();
      }
      assert.deepEqual(alive, [], 'nothing of the process group is left running');
    });
  });
}
