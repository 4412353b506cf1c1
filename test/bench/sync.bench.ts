// Sync and store benchmarks (issues 2 and 12). Not a test: it prints figures and ratios to floors and
// baselines measured in the same run.
//   1. First sync of 5,000 issues × 5 events through a 20 requests/s, 5-concurrent rate limit with
//      40 ms latency: time until all issues are in the store and shown by the tree model (vs the
//      listing floor: list pages ÷ 20 req/s), time until all events are in (vs requests ÷ 20 req/s),
//      requests lost to 429s.
//   2. The CLI killed (SIGKILL) at 50% of the events, then a resumed sync: its requests vs the work
//      left in the store (issues without events).
//   3. Incremental sync with no change, and with 50 changed issues.
//   4. Store of 10k issues × 10 events: size on disk, load time, and what progressive commits cost:
//      200 journal commits of 50 issues each (a 10k-issue first sync) vs re-encoding the store at each commit.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SentryClient } from '../../src/core/sentry/sentryClient';
import { IssueStore, STORE_FILE } from '../../src/core/store/issueStore';
import { eventsDue } from '../../src/core/store/model';
import { encode } from '../../src/core/store/storeCodec';
import { SyncEngine } from '../../src/core/sync/syncEngine';
import { IssueTreeModel } from '../../src/host/tree/issueTreeModel';
import { repoRoot } from '../support/paths';
import { startSentryProcess, type SentryProcess } from '../support/sentryProcess';

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const MB = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;
const RATE = 20;
const EVENTS = 5;
const serverArgs = (issues: number) => [
  '--synthetic',
  String(issues),
  '--events-per-issue',
  String(EVENTS),
  '--projects',
  '4',
  '--latency',
  '40',
  '--rate-limit',
  `${RATE}/5`,
  '--seed',
  '42',
];

/**
 * Time from the start of a first sync until every issue is in the store and grouped by the tree model
 * (what the view renders), on a fresh store; the sync is cancelled right after (it keeps that commit).
 */
async function timeToShown(sentry: SentryProcess, issues: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'rca-bench-shown-'));
  try {
    const store = await IssueStore.open(dir);
    const tree = new IssueTreeModel(store);
    const client = new SentryClient({ baseUrl: sentry.url, token: sentry.token, org: sentry.org });
    const engine = new SyncEngine(
      { client, store, baseUrl: sentry.url },
      { minLevel: 'debug', eventsPerIssue: EVENTS, concurrency: 5, eagerEventIssues: 0 },
    );
    const stop = new AbortController();
    let shownMs = 0;
    const t0 = performance.now();
    store.onDidChange(() => {
      if (!shownMs && tree.visibleCount() === issues) {
        shownMs = performance.now() - t0;
        stop.abort();
      }
    });
    await engine.run({ signal: stop.signal }).catch(() => undefined);
    store.dispose();
    // Let the rate limiter's window pass before the next measurement.
    await new Promise((r) => setTimeout(r, 1100));
    return shownMs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function syncBench(): Promise<void> {
  const issues = Number(process.env.BENCH_ISSUES ?? 5000);
  const sentry = await startSentryProcess(serverArgs(issues));
  const dir = mkdtempSync(join(tmpdir(), 'rca-bench-sync-'));
  try {
    const shown: number[] = [];
    for (let i = 0; i < 3; i++) shown.push(await timeToShown(sentry, issues));
    await sentry.control('reset-requests');
    const store = await IssueStore.open(dir);
    const tree = new IssueTreeModel(store);
    const client = new SentryClient({ baseUrl: sentry.url, token: sentry.token, org: sentry.org });
    const engine = new SyncEngine(
      { client, store, baseUrl: sentry.url },
      { minLevel: 'debug', eventsPerIssue: EVENTS, concurrency: 5, eagerEventIssues: 0 },
    );
    let lastLine = 0;
    let t0 = 0;
    let shownMs = 0;
    const sub = store.onDidChange(() => {
      if (!shownMs && tree.visibleCount() === issues) shownMs = performance.now() - t0;
    });
    t0 = performance.now();
    const first = await engine.run({
      onProgress: (p) => {
        if (process.stderr.isTTY && Date.now() - lastLine > 500) {
          lastLine = Date.now();
          process.stderr.write(`\r  ${p.issuesWithEvents}/${p.issuesTotal} issues with events   `);
        }
      },
    });
    const allMs = performance.now() - t0;
    sub.dispose();
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
    shown.push(shownMs);
    const medianShown = [...shown].sort((a, b) => a - b)[Math.floor(shown.length / 2)]!;
    const pages = Math.ceil(issues / 100);
    const listFloorMs = (pages / RATE) * 1000;
    const floorMs = (first.requests / RATE) * 1000;
    console.log(`first sync: ${store.issues().length} issues × ${EVENTS} events, ${first.requests} requests`);
    console.log(
      `  all issues in the store and shown: ${fmt(medianShown)} (median of ${shown.length}: ${shown.map((x) => (x / 1000).toFixed(2)).join(', ')} s); listing floor ${fmt(listFloorMs)} (${pages} list pages ÷ ${RATE} req/s); ratio ${(medianShown / listFloorMs).toFixed(3)} (target ≤ 1.15)`,
    );
    console.log(
      `  all events in: ${fmt(allMs)}; floor ${fmt(floorMs)} (requests ÷ ${RATE} req/s); ratio ${(allMs / floorMs).toFixed(3)} (target ≤ 1.15)`,
    );
    const log = (await (await fetch(`${sentry.url}/__control/requests`)).json()) as Array<{ fault?: string }>;
    const why = log
      .filter((r) => r.fault === 'rate-limit' || r.fault === 'concurrency-limit')
      .map((r) => r.fault)
      .join(', ');
    console.log(
      `  requests answered 429: ${first.rateLimited} (target 0)${why ? ` [${why}]` : ''}; retries ${first.retries}`,
    );

    const quiet = await engine.run();
    console.log(`incremental, no change: ${quiet.requests} requests (target ≤ 2), ${fmt(quiet.durationMs)}`);

    await sentry.control('touch', { n: 50, newEvents: 2 });
    const changed = await engine.run();
    console.log(
      `incremental, 50 changed issues: ${changed.requests} requests, ${changed.issuesUpdated} updated, ${changed.eventsAdded} events added, ${fmt(changed.durationMs)}`,
    );
    store.dispose();
  } finally {
    await sentry.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  await killAndResumeBench(issues);
}

/** The CLI killed with SIGKILL once half the issues have events, then a resumed sync. */
async function killAndResumeBench(issues: number): Promise<void> {
  const cli = join(repoRoot(), 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run node esbuild.mjs');
  const sentry: SentryProcess = await startSentryProcess(serverArgs(issues));
  const dir = mkdtempSync(join(tmpdir(), 'rca-bench-kill-'));
  try {
    const env = {
      PATH: process.env.PATH,
      SENTRY_AUTH_TOKEN: sentry.token,
      SENTRY_URL: sentry.url,
      SENTRY_ORG: sentry.org,
    };
    const child = spawn(
      process.execPath,
      [cli, 'sync', '--store', dir, '--min-level', 'debug', '--eager-event-issues', '0'],
      { env, stdio: 'ignore' },
    );
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    const file = join(dir, STORE_FILE);
    while (child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 500));
      if (!existsSync(file)) continue;
      const peek = await IssueStore.open(dir);
      const withEvents = peek.issues().filter((i) => peek.events(i.id).length > 0).length;
      peek.dispose();
      if (withEvents >= issues / 2) {
        child.kill('SIGKILL');
        break;
      }
    }
    const how = await exited;
    const killed = await IssueStore.open(dir);
    const remaining = killed.issues().filter((i) => eventsDue(i, killed.events(i.id).length)).length;
    console.log(
      `kill -9 at 50%: ${how === 'SIGKILL' ? 'killed' : `not killed (${String(how)})`}; store readable with ${killed.issues().length} issues, ${killed.issues().length - remaining} with events, ${remaining} left`,
    );
    await sentry.control('reset-requests');
    const client = new SentryClient({ baseUrl: sentry.url, token: sentry.token, org: sentry.org });
    const t = performance.now();
    const resumed = await new SyncEngine(
      { client, store: killed, baseUrl: sentry.url },
      { minLevel: 'debug', eventsPerIssue: EVENTS, concurrency: 5, eagerEventIssues: 0 },
    ).run();
    const served = ((await (await fetch(`${sentry.url}/__control/requests`)).json()) as unknown[]).length;
    console.log(
      `  resumed (${resumed.kind}): ${resumed.requests} requests (server saw ${served}) for ${remaining} issues left; ratio ${(resumed.requests / remaining).toFixed(4)} (target ≤ 1.02); ${fmt(performance.now() - t)}`,
    );
    killed.dispose();
  } finally {
    await sentry.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function storeBench(): Promise<void> {
  const sentry = await startSentryProcess([
    '--synthetic',
    '10000',
    '--events-per-issue',
    '10',
    '--projects',
    '5',
    '--seed',
    '7',
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'rca-bench-store-'));
  try {
    const store = await IssueStore.open(dir);
    const client = new SentryClient({ baseUrl: sentry.url, token: sentry.token, org: sentry.org });
    await new SyncEngine(
      { client, store, baseUrl: sentry.url },
      { minLevel: 'debug', eventsPerIssue: 10, concurrency: 8, eagerEventIssues: 0 },
    ).run();
    const file = join(dir, STORE_FILE);
    const size = statSync(file).size;
    const events = store.issues().reduce((n, i) => n + store.events(i.id).length, 0);
    const flat = Buffer.byteLength(JSON.stringify(store.data));
    console.log(`store: ${store.issues().length} issues, ${events} events`);
    console.log(
      `  size on disk ${MB(size)} (target ≤ 60 MB); the same data as plain JSON ${MB(flat)}; ratio ${(flat / size).toFixed(2)}×`,
    );
    store.dispose();

    const times: number[] = [];
    const parses: number[] = [];
    for (let i = 0; i < 5; i++) {
      (globalThis as { gc?: () => void }).gc?.();
      let t = performance.now();
      JSON.parse(await readFile(file, 'utf8'));
      parses.push(performance.now() - t);
      (globalThis as { gc?: () => void }).gc?.();
      t = performance.now();
      const s = await IssueStore.open(dir);
      times.push(performance.now() - t);
      s.dispose();
    }
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    console.log(
      `  load ${median(times).toFixed(0)} ms median of 5 (target ≤ 500 ms); baseline readFile+JSON.parse ${median(parses).toFixed(0)} ms; ratio ${(median(times) / median(parses)).toFixed(2)}×`,
    );
    await commitBench(dir);
  } finally {
    await sentry.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A 10k-issue first sync commits the listing, then 200 batches of 50 issues' events. Each commit
 * appends the batch to the journal; a snapshot is written only when the journal outgrows the last one
 * (geometric, so the bytes written stay proportional to the store). Baseline: encoding the whole store
 * again at each commit (what a commit cost before the journal and the codec's cache).
 */
async function commitBench(source: string): Promise<void> {
  const from = await IssueStore.open(source);
  const dir = mkdtempSync(join(tmpdir(), 'rca-bench-commits-'));
  try {
    const store = await IssueStore.open(dir);
    await store.update((d) => {
      d.projects = from.projects();
      d.issues = from.issues();
    });
    const ids = from.issues().map((i) => i.id);
    const costs: number[] = [];
    for (let k = 0; k < ids.length; k += 50) {
      const batch = ids.slice(k, k + 50).map((id) => [id, from.events(id)] as const);
      const t = performance.now();
      await store.commitEvents(
        new Map(batch.map(([id, events]) => [id, { events, lastSeen: from.issue(id)!.lastSeen }])),
      );
      costs.push(performance.now() - t);
    }
    const total = costs.reduce((a, b) => a + b, 0);
    const sizes = store.fileSizes;
    const last = costs.slice(-10).reduce((a, b) => a + b, 0) / 10;
    (globalThis as { gc?: () => void }).gc?.();
    const t = performance.now();
    JSON.stringify(encode(store.data));
    const full = performance.now() - t;
    const maxCost = Math.max(...costs);
    console.log(
      `progressive commits (journal), 10k issues in ${costs.length} batches of 50: total ${fmt(total)}; first ${costs[0]!.toFixed(0)} ms, last 10 ${last.toFixed(0)} ms each, slowest ${maxCost.toFixed(0)} ms (a snapshot); snapshot ${MB(sizes.snapshot)}, journal ${MB(sizes.journal)}`,
    );
    console.log(
      `  re-encoding the full store per commit instead: ${full.toFixed(0)} ms each; ratio last commit / re-encode ${(last / full).toFixed(2)}`,
    );
    console.log(
      `  share of a 2 s commit interval at 10k issues: ${((last / 2000) * 100).toFixed(1)}% (the sync's own floor there is ${fmt((10_000 / RATE) * 1000)})`,
    );
    store.dispose();
  } finally {
    from.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const which = process.env.BENCH_ONLY;
  if (!which || which === 'store') await storeBench();
  if (!which || which === 'sync') await syncBench();
  if (which === 'kill') await killAndResumeBench(Number(process.env.BENCH_ISSUES ?? 5000));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
