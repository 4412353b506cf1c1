/**
 * A Sentry stand-in for tests, demos and benchmarks: the REST API v0 endpoints sentry-rca reads, in
 * Sentry's shapes, fed by real @sentry/node envelopes, with faults and rate limits on demand.
 *
 *   const sentry = await startSentryServer({ latencyMs: 40, rateLimit: { perSecond: 20, concurrency: 5 } });
 *   const { dsn } = sentry.addProject({ slug: 'orders' });
 *   await runSampleApp({ dsn, logFile });        // real SDK events
 *   sentry.fault({ kind: '429-reset', match: '/issues/', times: 2 });
 */
import { SentryServerImpl, type SentryTestServer } from './server';
import type { SentryServerOptions } from './types';

export type { SentryTestServer, ServerDescription } from './server';
export type * from './types';
export { runSampleApp, sampleAppDir, type SampleAppResult, type SampleAppOptions } from './sample-app-runner';
export { parseEnvelope } from './envelope';
export { runCrashApp, type CrashAppOptions } from './crash-app-runner';

export async function startSentryServer(opts: SentryServerOptions = {}): Promise<SentryTestServer> {
  const server = new SentryServerImpl(opts);
  await server.listen();
  return server;
}
