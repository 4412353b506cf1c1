// Sync and store benchmarks (issue 2). Not a test: it prints figures and ratios to baselines measured
// in the same run.
//   1. First sync of 5,000 issues × 5 events through a 20 requests/s, 5-concurrent rate limit with
//      40 ms latency: wall time vs the floor (requests ÷ 20 req/s), requests lost to 429s.
//   2. Incremental sync with no change, and with 50 changed issues.
//   3. Store of 10k issues × 10 events: size on disk (vs the same data without stack sharing) and
//      load time (vs a bare JSON.parse of the same file).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SentryClient } from '../../src/core/sentry/sentryClient';
import { IssueStore, STORE_FILE } from '../../src/core/store/issueStore';
import { SyncEngine } from '../../src/core/sync/syncEngine';
import { startSentryProcess } from '../support/sentryProcess';

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const MB = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`;

async function syncBench(): Promise<void> {
  const issues = Number(process.env.BENCH_ISSUES ?? 5000);
  const sentry = await startSentryProcess(['--synthetic', String(issues), '--events-per-issue', '5', '--projects', '4', '--latency', '40', '--rate-limit', '20/5', '--seed', '42']);
  const dir = mkdtempSync(join(tmpdir(), 'rca-bench-sync-'));
  try {
    const store = await IssueStore.open(dir);
    const client = new SentryClient({ baseUrl: sentry.url, token: sentry.token, org: sentry.org });
    const engine = new SyncEngine({ client, store, baseUrl: sentry.url }, { minLevel: 'debug', eventsPerIssue: 5, concurrency: 5 });
    let lastLine = 0;
    const first = await engine.run({ onProgress: (p) => {
      if (process.stderr.isTTY && Date.now() - lastLine > 500) { lastLine = Date.now(); process.stderr.write(`\r  events ${p.eventsDone}/${p.eventsTotal}   `); }
    } });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
    const floorMs = (first.requests / 20) * 1000;
    console.log(`first sync: ${store.issues().length} issues × ${5} events`);
    console.log(`  wall ${fmt(first.durationMs)}, ${first.requests} requests, floor ${fmt(floorMs)} (requests ÷ 20 req/s)`);
    console.log(`  ratio wall/floor ${(first.durationMs / floorMs).toFixed(3)} (target ≤ 1.15)`);
    const log = await (await fetch(`${sentry.url}/__control/requests`)).json() as Array<{ fault?: string }>;
    const why = log.filter((r) => r.fault === 'rate-limit' || r.fault === 'concurrency-limit').map((r) => r.fault).join(', ');
    console.log(`  requests answered 429: ${first.rateLimited} (target 0)${why ? ` [${why}]` : ''}; retries ${first.retries}`);

    const quiet = await engine.run();
    console.log(`incremental, no change: ${quiet.requests} requests (target ≤ 2), ${fmt(quiet.durationMs)}`);

    await sentry.control('touch', { n: 50, newEvents: 2 });
    const changed = await engine.run();
    console.log(`incremental, 50 changed issues: ${changed.requests} requests, ${changed.issuesUpdated} updated, ${changed.eventsAdded} events added, ${fmt(changed.durationMs)}`);
    store.dispose();
  } finally {
    await sentry.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function storeBench(): Promise<void> {
  const sentry = await startSentryProcess(['--synthetic', '10000', '--events-per-issue', '10', '--projects', '5', '--seed', '7']);
  const dir = mkdtempSync(join(tmpdir(), 'rca-bench-store-'));
  try {
    const store = await IssueStore.open(dir);
    const client = new SentryClient({ baseUrl: sentry.url, token: sentry.token, org: sentry.org });
    await new SyncEngine({ client, store, baseUrl: sentry.url }, { minLevel: 'debug', eventsPerIssue: 10, concurrency: 8 }).run();
    const file = join(dir, STORE_FILE);
    const size = statSync(file).size;
    const events = store.issues().reduce((n, i) => n + store.events(i.id).length, 0);
    const flat = Buffer.byteLength(JSON.stringify(store.data));
    console.log(`store: ${store.issues().length} issues, ${events} events`);
    console.log(`  size on disk ${MB(size)} (target ≤ 60 MB); the same data as plain JSON ${MB(flat)}; ratio ${(flat / size).toFixed(2)}×`);
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
    console.log(`  load ${median(times).toFixed(0)} ms median of 5 (target ≤ 500 ms); baseline readFile+JSON.parse ${median(parses).toFixed(0)} ms; ratio ${(median(times) / median(parses)).toFixed(2)}×`);
  } finally {
    await sentry.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const which = process.env.BENCH_ONLY;
  if (!which || which === 'store') await storeBench();
  if (!which || which === 'sync') await syncBench();
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
