#!/usr/bin/env node
// Records the data "Sentry RCA: Try the Demo" replays (see src/demo/recording.ts):
//   node scripts/package-demo.mjs --out DIR      (writes DIR/recording.json)
// Runs the sample "orders" service (test/fixtures/sample-app) once with the real @sentry/node SDK
// against a recorder that keeps each envelope as the SDK sent it, and keeps the service's log, its
// sources, and their git history. Run at package time because the .vsix ships no node_modules, so
// the installed extension has no SDK to produce events with.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname;
const { values: args } = parseArgs({ options: { out: { type: 'string' } } });
if (!args.out) {
  console.error('usage: node scripts/package-demo.mjs --out DIR');
  process.exit(1);
}
const SAMPLE = 'test/fixtures/sample-app';
const sampleDir = join(root, SAMPLE);
const RELEASE = 'orders@2.4.0';

/** Accepts the SDK's envelopes the way Sentry does (chunked, maybe gzip) and keeps their bodies. */
function startRecorder(key) {
  const envelopes = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const ok =
        req.method === 'POST' &&
        /^\/api\/1\/envelope\/?(\?|$)/.test(req.url ?? '') &&
        (req.url ?? '').includes(`sentry_key=${key}`);
      if (!ok) {
        res.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const text = body.toString('utf8');
      // Stored as text; an envelope that is not UTF-8 (an attachment) would not survive that.
      if (!Buffer.from(text, 'utf8').equals(body)) {
        res.writeHead(400).end('binary envelope');
        return;
      }
      envelopes.push(text);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: randomBytes(16).toString('hex') }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, envelopes, port: server.address().port })),
  );
}

function runSample(dsn, logFile) {
  return new Promise((resolve, reject) => {
    import('node:child_process').then(({ execFile }) => {
      execFile(
        process.execPath,
        [join(sampleDir, 'main.mjs'), '--dsn', dsn, '--log', logFile, '--release', RELEASE],
        { cwd: sampleDir, timeout: 60_000, encoding: 'utf8' },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`the sample service failed: ${err.message}\n${stderr.slice(-2000)}`));
          else resolve(stdout);
        },
      );
    }, reject);
  });
}

function walk(dir, out = {}) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out[relative(sampleDir, p)] = readFileSync(p, 'utf8');
  }
  return out;
}

/** The repository's commits that touched the sample service, oldest first, with its files at each. */
function history() {
  const git = (...a) => execFileSync('git', a, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  try {
    const commits = git('log', '--reverse', '--format=%H%x09%s', '--', SAMPLE).trim().split('\n').filter(Boolean);
    return commits
      .map((line) => {
        const [hash, subject] = line.split('\t');
        const files = {};
        for (const path of git('ls-tree', '-r', '--name-only', hash, '--', `${SAMPLE}/`)
          .trim()
          .split('\n')
          .filter(Boolean)) {
          files[relative(SAMPLE, path)] = git('show', `${hash}:${path}`);
        }
        return { subject, files };
      })
      .map((c, i, all) => ({
        ...c,
        // The sample's first version is release 2.3.0; the recorded release is its last commit.
        ...(i === 0 && all.length > 1 ? { tag: 'orders@2.3.0' } : {}),
        ...(i === all.length - 1 ? { tag: RELEASE } : {}),
      }));
  } catch (e) {
    console.warn(
      `  no git history for the demo (${e.message.split('\n')[0]}); the diagnosis will show no recent changes`,
    );
    return [];
  }
}

const key = randomBytes(16).toString('hex');
const rec = await startRecorder(key);
const scratch = mkdtempSync(join(tmpdir(), 'sentry-rca-demo-record-'));
try {
  const logFile = join(scratch, 'orders.log');
  const out = await runSample(`http://${key}@127.0.0.1:${rec.port}/1`, logFile);
  const events = rec.envelopes.filter((e) => /^\{"type":"(event|transaction)"/m.test(e)).length;
  if (events === 0) throw new Error(`the sample service sent no events (it printed: ${out.trim().slice(-500)})`);
  const recording = {
    version: 1,
    recordedAt: new Date().toISOString(),
    release: RELEASE,
    project: { slug: 'orders', name: 'Orders', platform: 'node' },
    envelopes: rec.envelopes,
    log: readFileSync(logFile, 'utf8'),
    sources: walk(sampleDir),
    history: history(),
  };
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'recording.json'), JSON.stringify(recording));
  console.log(
    `  demo recording: ${events} events in ${rec.envelopes.length} envelopes, ${recording.log.split('\n').length - 1} log lines, ${Object.keys(recording.sources).length} source files, ${recording.history.length} commits`,
  );
} finally {
  rec.server.close();
  rmSync(scratch, { recursive: true, force: true });
}
