/**
 * "Try the Demo" below VS Code: the recording made with the real @sentry/node SDK
 * (scripts/package-demo.mjs), its time shift, and the demo process dist/demo.js as the extension
 * starts it (detached, found again by its state file, restarted on the same port when it died).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RcaError } from '../../../src/core/common/errors';
import { DEMO_TOKEN } from '../../../src/demo/constants';
import {
  newestEventMs,
  parseRecording,
  shiftEnvelope,
  shiftLog,
  type DemoRecording,
} from '../../../src/demo/recording';
import { excludeFromGit } from '../../../src/host/demo/gitExclude';
import { demoPaths, ensureDemoServer, isAlive, readState, type DemoPaths } from '../../../src/host/demo/demoServer';
import { parseEnvelope } from '../../servers/sentry/envelope';
import { recordingLogger } from '../../support/recordingLogger';
import { repoRoot } from '../../support/paths';

const root = repoRoot();
const scratch = mkdtempSync(join(tmpdir(), 'sentry-rca-demo-test-'));
const started: number[] = [];
let recordingFile = '';
let rec: DemoRecording;

function killAll(): void {
  for (const pid of started) {
    try {
      process.kill(pid);
    } catch {
      /* gone */
    }
  }
}
process.on('exit', () => {
  killAll();
  rmSync(scratch, { recursive: true, force: true });
});

/** An "installed extension" folder holding only what the .vsix would: dist/demo.js and the recording. */
function installed(name: string): DemoPaths {
  const ext = join(scratch, name, 'ext');
  mkdirSync(join(ext, 'dist', 'demo'), { recursive: true });
  copyFileSync(join(root, 'dist', 'demo.js'), join(ext, 'dist', 'demo.js'));
  copyFileSync(recordingFile, join(ext, 'dist', 'demo', 'recording.json'));
  return demoPaths(ext, join(scratch, name, 'storage'));
}

async function get(url: string): Promise<{ status: number; body: unknown }> {
  const r = await fetch(url, { headers: { authorization: `Bearer ${DEMO_TOKEN}` } });
  return { status: r.status, body: await r.json() };
}

before(() => {
  assert.ok(existsSync(join(root, 'dist', 'demo.js')), 'dist/demo.js is built by `node esbuild.mjs`');
  const out = join(scratch, 'recording');
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'package-demo.mjs'), '--out', out], {
    encoding: 'utf8',
    timeout: 90_000,
  });
  assert.equal(r.status, 0, r.stderr);
  recordingFile = join(out, 'recording.json');
  rec = parseRecording(readFileSync(recordingFile, 'utf8'), recordingFile);
});
after(killAll);

describe('the demo recording', () => {
  test('holds the real SDK envelopes, the service log, its sources and history', () => {
    const events = rec.envelopes.flatMap((b) => parseEnvelope(b).items).filter((i) => i.header.type === 'event');
    assert.ok(events.length >= 5, `events: ${events.length}`);
    const sdk = (parseEnvelope(rec.envelopes[0]!).header.sdk as { name?: string } | undefined)?.name;
    assert.equal(sdk, 'sentry.javascript.node');
    assert.match(rec.log, /WARN pool nearly exhausted/);
    assert.ok(rec.sources['src/routes/checkout.mjs'] && rec.sources['src/db/pool.mjs']);
    assert.ok(
      rec.history.some((c) => /promo codes/.test(c.subject)),
      'the 2.4.0 commit is in the history',
    );
  });

  test('shiftEnvelope moves every event time by the offset and keeps the envelope valid', () => {
    const offset = 3 * 24 * 3600_000 + 1234;
    const body = rec.envelopes.find((b) => parseEnvelope(b).items.some((i) => i.header.type === 'event'))!;
    const before = JSON.parse(
      parseEnvelope(body)
        .items.find((i) => i.header.type === 'event')!
        .payload.toString('utf8'),
    ) as { timestamp: number; breadcrumbs: Array<{ timestamp: number }>; exception: unknown };
    const shifted = parseEnvelope(shiftEnvelope(body, offset));
    const item = shifted.items.find((i) => i.header.type === 'event')!;
    assert.equal(item.header.length, item.payload.length, "the item length is the payload's byte length");
    const after = JSON.parse(item.payload.toString('utf8')) as typeof before;
    assert.ok(Math.abs(after.timestamp - before.timestamp - offset / 1000) < 1e-6);
    assert.ok(before.breadcrumbs.length > 0);
    before.breadcrumbs.forEach((c, i) =>
      assert.ok(Math.abs(after.breadcrumbs[i]!.timestamp - c.timestamp - offset / 1000) < 1e-6),
    );
    assert.deepEqual(after.exception, before.exception, 'everything but times is untouched');
    assert.equal(Date.parse(shifted.header.sent_at!) - Date.parse(parseEnvelope(body).header.sent_at!), offset);
  });

  test('shiftLog moves the timestamp that starts each line, nothing else', () => {
    const text =
      '2026-11-25T14:20:01.234Z WARN pool nearly exhausted (9/10 in use) at=2026-11-25T14:20:01.234Z\n  continuation line\n';
    assert.equal(
      shiftLog(text, 60_000),
      '2026-11-25T14:21:01.234Z WARN pool nearly exhausted (9/10 in use) at=2026-11-25T14:20:01.234Z\n  continuation line\n',
    );
  });

  test('newestEventMs is the latest event time', () => {
    const newest = newestEventMs(rec)!;
    const logTimes = [...rec.log.matchAll(/^(\S+Z) /gm)].map((m) => Date.parse(m[1]!));
    assert.ok(
      newest >= Math.min(...logTimes) && newest <= Math.max(...logTimes) + 5000,
      'within the run the log covers',
    );
  });

  test('a damaged recording is refused with the command that rebuilds it', () => {
    assert.throws(
      () => parseRecording('{"version": 99}', 'x.json'),
      /not a demo recording of version 1; rebuild it with: node scripts\/package-demo.mjs/,
    );
    assert.throws(() => parseRecording('{', 'x.json'), /x\.json is not valid JSON/);
  });
});

describe('the demo process', () => {
  test('starts detached, serves the replayed issues as fresh, and is found again by its state file', async () => {
    const paths = installed('a');
    const log = recordingLogger();
    const state = await ensureDemoServer(paths, log);
    started.push(state.pid);
    assert.equal(state.token, DEMO_TOKEN);
    assert.ok(state.issues >= 2);
    const issues = await get(`${state.url}/api/0/organizations/${state.org}/issues/`);
    assert.equal(issues.status, 200);
    const list = issues.body as Array<{ title: string; lastSeen: string }>;
    assert.ok(list.some((i) => /PoolExhaustedError/.test(i.title)));
    for (const i of list) {
      const age = Date.now() - Date.parse(i.lastSeen);
      assert.ok(age > 0 && age < 10 * 60_000, `lastSeen ${i.lastSeen} is a few minutes old`);
    }
    assert.match(readFileSync(paths.serviceLog, 'utf8'), /WARN pool nearly exhausted/);
    assert.match(log.lines.join('\n'), new RegExp(`demo Sentry server at ${state.url.replace(/\./g, '\\.')}`));

    const again = await ensureDemoServer(paths, log);
    assert.equal(again.pid, state.pid, 'a running server is reused');
  });

  test('a server that died is restarted on the same port, so the workspace settings stay valid', async () => {
    const paths = installed('b');
    const first = await ensureDemoServer(paths, recordingLogger());
    started.push(first.pid);
    process.kill(first.pid, 'SIGKILL');
    for (let i = 0; i < 50 && (await isAlive(first)); i++) await new Promise((r) => setTimeout(r, 100));
    const second = await ensureDemoServer(paths, recordingLogger());
    started.push(second.pid);
    assert.notEqual(second.pid, first.pid);
    assert.equal(second.url, first.url);
  });

  test('SIGTERM stops it and removes its state file', async () => {
    const paths = installed('c');
    const state = await ensureDemoServer(paths, recordingLogger());
    started.push(state.pid);
    process.kill(state.pid, 'SIGTERM');
    for (let i = 0; i < 50 && existsSync(paths.state); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(readState(paths), null);
    assert.equal(await isAlive(state), false);
  });

  test('a build without the demo data says how to get it', async () => {
    const paths = installed('d');
    rmSync(paths.recording);
    await assert.rejects(ensureDemoServer(paths, recordingLogger()), (e: unknown) => {
      assert.ok(e instanceof RcaError);
      assert.equal(e.kind, 'usage');
      assert.match(e.message, /The demo is not part of this build: the recorded demo events is missing/);
      assert.match(e.hint ?? '', /npm run package/);
      return true;
    });
  });
});

/** `dist/demo.js workspace` as "Try the Demo" runs it: the sample service's sources with their history. */
function writeDemoWorkspace(name: string): string {
  const ws = join(scratch, name);
  execFileSync(process.execPath, [
    join(root, 'dist', 'demo.js'),
    'workspace',
    '--recording',
    recordingFile,
    '--into',
    ws,
  ]);
  return ws;
}

describe('the demo workspace', () => {
  test('holds the sources as a git repository whose last commit is the buggy release, a day old', () => {
    const ws = writeDemoWorkspace('ws');
    assert.equal(
      readFileSync(join(ws, 'src', 'routes', 'checkout.mjs'), 'utf8'),
      rec.sources['src/routes/checkout.mjs'],
    );
    const log = execFileSync('git', ['log', '--format=%ct %s'], { cwd: ws, encoding: 'utf8' }).trim().split('\n');
    const [lastTime, ...lastSubject] = log[0]!.split(' ');
    assert.match(lastSubject.join(' '), /promo codes|current sources/);
    const ageHours = (Date.now() / 1000 - Number(lastTime)) / 3600;
    assert.ok(ageHours > 20 && ageHours < 30, `last commit ${ageHours.toFixed(1)} h old`);
    assert.equal(
      execFileSync('git', ['status', '--porcelain'], { cwd: ws, encoding: 'utf8' }),
      '',
      'nothing left uncommitted',
    );
  });

  test("the extension's own files in the demo folder leave Source Control clean (.git/info/exclude)", () => {
    const ws = writeDemoWorkspace('ws-clean');
    // What the extension writes there: the demo settings and the marker (demoFeature.ts).
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    writeFileSync(join(ws, '.vscode', 'settings.json'), '{"sentryRCA.organization": "demo"}\n');
    writeFileSync(join(ws, '.vscode', 'sentry-rca-demo.json'), '{"demo": 1}\n');
    const status = () => execFileSync('git', ['status', '--porcelain', '-uall'], { cwd: ws, encoding: 'utf8' });
    assert.equal(status().trim().split('\n').length, 2, 'the two files show as changes without the exclusion');
    assert.equal(excludeFromGit(ws, '/.vscode/'), true);
    assert.equal(status(), '', 'Source Control shows no change');
    assert.equal(excludeFromGit(ws, '/.vscode/'), true);
    const exclude = readFileSync(join(ws, '.git', 'info', 'exclude'), 'utf8');
    assert.equal(exclude.split('\n').filter((l) => l === '/.vscode/').length, 1, 'written once, however often it runs');
    // The sources themselves are still tracked: a change to one shows.
    writeFileSync(join(ws, 'src', 'routes', 'checkout.mjs'), '// edited\n');
    assert.match(status(), /src\/routes\/checkout\.mjs/);
    // Without git (no .git folder) there is nothing to keep clean.
    const plain = join(scratch, 'ws-plain');
    mkdirSync(plain, { recursive: true });
    assert.equal(excludeFromGit(plain, '/.vscode/'), false);
    assert.equal(existsSync(join(plain, '.git')), false);
  });

  test('with no AI, the diagnosis names the 2.4.0 commit as the top suspect and cites the early return in checkout.mjs', async () => {
    const ws = writeDemoWorkspace('ws-diagnose');
    assert.deepEqual(execFileSync('git', ['tag', '--list'], { cwd: ws, encoding: 'utf8' }).trim().split('\n').sort(), [
      'orders@2.3.0',
      'orders@2.4.0',
    ]);
    const state = await ensureDemoServer(installed('diagnose'), recordingLogger());
    started.push(state.pid);
    const store = join(scratch, 'diagnose-store');
    const env = {
      ...process.env,
      SENTRY_AUTH_TOKEN: state.token,
      SENTRY_URL: state.url,
      SENTRY_ORG: state.org,
      OPENAI_API_KEY: '',
    };
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env, timeout: 60_000 });
    assert.equal(cli('sync', '--store', store).status, 0);
    const pool = (
      JSON.parse(cli('issues', '--store', store, '--json').stdout) as Array<{ shortId: string; title: string }>
    ).find((i) => /PoolExhausted/.test(i.title))!;
    const r = cli('diagnose', pool.shortId, '--store', store, '--workspace', ws, '--ai', 'none', '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as {
      release: { version: string; resolvedBy: string; previousVersion: string };
      suspects: Array<{ summary: string; cites: Array<{ path: string; line: number; text: string }>; why: string[] }>;
      hypotheses: Array<{ kind: string; title: string; evidence: string[] }>;
      report: string;
    };
    assert.deepEqual(
      [j.release.version, j.release.resolvedBy, j.release.previousVersion],
      ['orders@2.4.0', 'tag', 'orders@2.3.0'],
    );
    assert.match(j.suspects[0]!.summary, /orders 2\.4\.0: apply promo codes at checkout/);
    const returnLine =
      readFileSync(join(ws, 'src', 'routes', 'checkout.mjs'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('return { status: 422')) + 1;
    assert.ok(
      j.suspects[0]!.cites.some((c) => c.path === 'src/routes/checkout.mjs' && c.line === returnLine),
      JSON.stringify(j.suspects[0]),
    );
    assert.equal(j.hypotheses[0]!.kind, 'code-change');
    assert.match(j.hypotheses[0]!.title, /promo codes/);
    assert.ok(
      j.hypotheses[0]!.evidence.some(
        (x) => x.includes(`src/routes/checkout.mjs:${returnLine}`) && /leaves before conn\.release\(\)/.test(x),
      ),
    );
    // The early return is quoted once: not again as a separate citation of the same line.
    assert.equal(
      j.hypotheses[0]!.evidence.filter((x) => x.includes(`src/routes/checkout.mjs:${returnLine}`)).length,
      1,
      j.hypotheses[0]!.evidence.join('\n'),
    );
    assert.match(j.report, /## Release and suspect commits/);
  });

  test('a recording that names a file outside the workspace is refused', () => {
    const evil = join(scratch, 'evil.json');
    writeFileSync(evil, JSON.stringify({ ...rec, history: [], sources: { '../escaped.txt': 'x' } }));
    const r = spawnSync(
      process.execPath,
      [join(root, 'dist', 'demo.js'), 'workspace', '--recording', evil, '--into', join(scratch, 'ws-evil')],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /names a file outside the workspace: \.\.\/escaped\.txt/);
    assert.equal(existsSync(join(scratch, 'escaped.txt')), false);
  });
});
