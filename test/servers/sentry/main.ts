/**
 * Runnable test Sentry server, for the demo, VS Code tests and benchmarks:
 *
 *   node out/test/servers/sentry/main.js --port 0 [--seed-sample] [--sample-log FILE] [--synthetic N]
 *        [--events-per-issue M] [--projects P] [--seed S] [--latency MS] [--rate-limit PER_SEC/CONCURRENCY]
 *        [--org ORG] [--token TOKEN] [--region-url URL]
 *
 * Prints one JSON line when ready — {"url","token","org","decoyUrl","projects":[{id,slug,dsn}],"issues",
 * "sample":{logFile,dir,release}|null} — and runs until SIGTERM/SIGINT. Drive it further through
 * POST /__control/{fault,clear-faults,latency,rate-limit,token,project,synthetic,touch,resolve,reset-requests}
 * and GET /__control/{requests,issues,state}.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSampleApp, type SampleAppResult } from './sample-app-runner';
import { SentryServerImpl } from './server';

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      org: { type: 'string' },
      token: { type: 'string' },
      'region-url': { type: 'string' },
      'seed-sample': { type: 'boolean', default: false },
      'sample-log': { type: 'string' },
      synthetic: { type: 'string' },
      'events-per-issue': { type: 'string', default: '5' },
      projects: { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
      latency: { type: 'string', default: '0' },
      'rate-limit': { type: 'string' },
    },
  });
  const int = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
    return n;
  };
  let rateLimit = null;
  if (a['rate-limit']) {
    const m = /^(\d+)(?:\/(\d+))?$/.exec(a['rate-limit']);
    if (!m) throw new Error('--rate-limit must look like 20/5 (requests per second / concurrent requests)');
    rateLimit = { perSecond: Number(m[1]), concurrency: m[2] ? Number(m[2]) : Infinity };
  }
  const server = new SentryServerImpl({
    port: int('port', a.port),
    host: a.host,
    org: a.org,
    token: a.token,
    regionUrl: a['region-url'],
    latencyMs: int('latency', a.latency),
    rateLimit,
  });
  await server.listen();

  let sample: SampleAppResult | null = null;
  if (a['seed-sample']) {
    const { dsn } = server.addProject({ slug: 'orders', name: 'Orders', platform: 'node' });
    const logFile = a['sample-log'] ?? join(mkdtempSync(join(tmpdir(), 'sentry-rca-sample-')), 'orders.log');
    sample = await runSampleApp({ dsn, logFile });
  }
  if (a.synthetic) {
    const projects = int('projects', a.projects) || 1;
    server.generateSynthetic({
      projects,
      issues: int('synthetic', a.synthetic),
      eventsPerIssue: int('events-per-issue', a['events-per-issue']),
      seed: int('seed', a.seed),
    });
  }
  server.resetRequests();

  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ ...server.describe(), sample })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`sentry test server: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
