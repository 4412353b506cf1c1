/**
 * dist/demo.js: the process behind "Sentry RCA: Try the Demo". It holds the test Sentry server
 * (test/servers/sentry, bundled in) so the extension host never loads that code.
 *
 *   node dist/demo.js serve --recording FILE --state FILE [--port N] [--log-file FILE] [--idle-minutes N]
 *       Replays the recorded SDK envelopes into a local Sentry stand-in (org "demo", the demo token),
 *       writes the service's log with the same time shift, then writes FILE (JSON: pid, url, org,
 *       token, issues, logFile, ssh) once it answers. With --log-file and /usr/sbin/sshd installed it
 *       also starts a loopback sshd as the host orders-api-1 serving that log (see demoSshd.ts), and
 *       stops it when it exits. Exits on SIGTERM, or after N idle minutes without an API request
 *       (default 60), so a demo left behind does not run for ever.
 *   node dist/demo.js workspace --recording FILE --into DIR
 *       Writes the sample service's sources into DIR, as a git repository with their history when
 *       git is installed (so a diagnosis can show the change that introduced the bug).
 * Prints one line and exits 1 on bad input.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { SentryServerImpl } from '../../test/servers/sentry/server';
import { DEMO_ORG, DEMO_SERVER_HARDENING, DEMO_TOKEN, type DemoState } from './constants';
import { SSHD_PATH, startDemoSshd, type DemoSshd } from './demoSshd';
import { newestEventMs, parseRecording, shiftEnvelope, shiftLog, type DemoRecording } from './recording';

function readRecording(file: string): DemoRecording {
  if (!existsSync(file))
    throw new Error(
      `no demo recording at ${file}; build it with: node scripts/package-demo.mjs --out ${dirname(file)}`,
    );
  return parseRecording(readFileSync(file, 'utf8'), file);
}

function writeAtomic(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

async function listen(port: number): Promise<SentryServerImpl> {
  // No control routes, no recorded headers, loopback Host values only: this server runs on users' machines.
  const make = (p: number) =>
    new SentryServerImpl({ port: p, host: '127.0.0.1', org: DEMO_ORG, token: DEMO_TOKEN, ...DEMO_SERVER_HARDENING });
  const server = make(port);
  try {
    await server.listen();
    return server;
  } catch (e) {
    // The previous port (kept so workspace settings stay valid) may be taken by now; any port will do.
    if (port === 0 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    await server.close();
    const other = make(0);
    await other.listen();
    return other;
  }
}

async function serve(a: {
  recording: string;
  state: string;
  port: number;
  logFile?: string;
  idleMinutes: number;
}): Promise<void> {
  const rec = readRecording(a.recording);
  const newest = newestEventMs(rec);
  // The newest recorded event lands two minutes ago, and everything else keeps its distance from it.
  const offsetMs = newest === null ? 0 : Date.now() - 2 * 60_000 - newest;
  const server = await listen(a.port);
  const project = server.addProject(rec.project);
  for (const body of rec.envelopes) server.ingestEnvelope(project.id, shiftEnvelope(body, offsetMs));
  if (a.logFile) writeAtomic(a.logFile, shiftLog(rec.log, offsetMs));
  server.resetRequests();

  let sshd: DemoSshd | null = null;
  let sshNote: string | null = null;
  if (!a.logFile) sshNote = 'No service log was written (--log-file), so the demo has no SSH host.';
  else if (!existsSync(SSHD_PATH)) {
    sshNote = `OpenSSH server is not installed (${SSHD_PATH}), so the demo diagnosis runs without server logs; install openssh-server and run "Try the Demo" again to see the log of orders-api-1 fetched over SSH.`;
  } else {
    try {
      sshd = await startDemoSshd(join(dirname(a.state), 'ssh'), a.logFile);
      process.stdout.write(`sshd for orders-api-1 on 127.0.0.1:${sshd.port}, ssh config ${sshd.configFile}\n`);
    } catch (e) {
      sshNote = `The demo's local sshd did not start, so the diagnosis runs without server logs: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  if (sshNote) process.stdout.write(`${sshNote}\n`);

  const stop = () => {
    rmSync(a.state, { force: true });
    void Promise.all([server.close(), sshd?.stop()]).then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  let seen = 0;
  let idleSince = Date.now();
  setInterval(() => {
    if (server.requests.length !== seen) {
      seen = server.requests.length;
      idleSince = Date.now();
    }
    if (Date.now() - idleSince > a.idleMinutes * 60_000) stop();
  }, 30_000).unref();

  const d = server.describe();
  const state: DemoState = {
    pid: process.pid,
    url: d.url,
    org: d.org,
    token: DEMO_TOKEN,
    issues: d.issues,
    logFile: a.logFile ?? null,
    ssh: sshd ? { configFile: sshd.configFile, logSources: [sshd.logSource] } : null,
    sshNote,
    startedAt: new Date().toISOString(),
  };
  writeAtomic(a.state, JSON.stringify(state, null, 2));
  process.stdout.write(`${JSON.stringify(state)}\n`);
}

/** Writes files under `dir`, refusing paths that would leave it (the recording is data, not trusted code). */
function writeFiles(dir: string, files: Record<string, string>): void {
  const base = resolve(dir) + sep;
  for (const [rel, text] of Object.entries(files)) {
    const p = resolve(dir, rel);
    if (!p.startsWith(base)) throw new Error(`the demo recording names a file outside the workspace: ${rel}`);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
}

function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function workspace(a: { recording: string; into: string }): void {
  const rec = readRecording(a.recording);
  mkdirSync(a.into, { recursive: true });
  if (rec.history.length > 0 && hasGit() && !existsSync(join(a.into, '.git'))) {
    // The release with the bug (the last commit) went out yesterday, just before the errors; the
    // service's earlier history is months old, as it would be, so it does not read as a recent change.
    const git = (args: string[], date?: string) =>
      execFileSync('git', args, {
        cwd: a.into,
        stdio: 'ignore',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'Orders Team',
          GIT_AUTHOR_EMAIL: 'orders-team@example.com',
          GIT_COMMITTER_NAME: 'Orders Team',
          GIT_COMMITTER_EMAIL: 'orders-team@example.com',
          ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
        },
      });
    git(['init', '-q', '-b', 'main']);
    rec.history.forEach((c, i) => {
      const last = i === rec.history.length - 1;
      const date = new Date(Date.now() - (last ? 26 * 3600_000 : (90 - i) * 24 * 3600_000)).toISOString();
      writeFiles(a.into, c.files);
      git(['add', '-A']);
      git(['commit', '-q', '--allow-empty', '-m', c.subject], date);
      // Release tags as the team's CI would set them, so the diagnosis can find the release range.
      if (c.tag && /^[A-Za-z0-9][A-Za-z0-9@._-]{0,80}$/.test(c.tag)) git(['tag', c.tag]);
    });
    writeFiles(a.into, rec.sources);
    git(['add', '-A']);
    try {
      git(['diff', '--cached', '--quiet']);
    } catch {
      git(['commit', '-q', '-m', 'orders: current sources']);
    }
  } else {
    writeFiles(a.into, rec.sources);
  }
  process.stdout.write(
    `${JSON.stringify({ workspace: a.into, files: Object.keys(rec.sources).length, commits: rec.history.length })}\n`,
  );
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  const { values: v } = parseArgs({
    args: rest,
    options: {
      recording: { type: 'string' },
      state: { type: 'string' },
      into: { type: 'string' },
      port: { type: 'string', default: '0' },
      'log-file': { type: 'string' },
      'idle-minutes': { type: 'string', default: '60' },
    },
  });
  if (!v.recording) throw new Error('--recording FILE is required');
  if (mode === 'serve') {
    if (!v.state) throw new Error('serve needs --state FILE');
    const port = Number(v.port);
    const idleMinutes = Number(v['idle-minutes']);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${v.port}`);
    if (!(idleMinutes > 0)) throw new Error(`--idle-minutes must be positive, got ${v['idle-minutes']}`);
    await serve({ recording: v.recording, state: v.state, port, logFile: v['log-file'], idleMinutes });
  } else if (mode === 'workspace') {
    if (!v.into) throw new Error('workspace needs --into DIR');
    workspace({ recording: v.recording, into: v.into });
  } else {
    throw new Error(
      'usage: demo.js serve --recording FILE --state FILE [--port N] [--log-file FILE] | demo.js workspace --recording FILE --into DIR',
    );
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`sentry-rca demo: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
