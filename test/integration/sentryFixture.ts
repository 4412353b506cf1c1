/**
 * The test Sentry server the integration suite runs against: real @sentry/node events from the sample
 * app ("orders") plus a synthetic second project ("billing"). The extension host learns its URL,
 * token and org from the environment; the settings point the extension at it without a token, so
 * the suite sets the token through the command as a user would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSampleApp, startSentryServer } from '../servers/sentry/index';

export interface IntegrationSentry {
  url: string;
  issues: number;
  env: Record<string, string>;
  settings: Record<string, unknown>;
  close(): Promise<void>;
}

export async function startIntegrationSentry(): Promise<IntegrationSentry> {
  const scratch = mkdtempSync(join(tmpdir(), 'sentry-rca-integration-data-'));
  const sentry = await startSentryServer({});
  try {
    const { dsn } = sentry.addProject({ slug: 'orders', name: 'Orders', platform: 'node' });
    await runSampleApp({ dsn, logFile: join(scratch, 'orders.log') });
    sentry.generateSynthetic({ projects: ['billing'], issues: 12, eventsPerIssue: 2, seed: 7 });
  } catch (e) {
    await sentry.close();
    rmSync(scratch, { recursive: true, force: true });
    throw e;
  }
  return {
    url: sentry.url,
    issues: sentry.issues().length,
    env: {
      SENTRY_RCA_TEST_SENTRY_URL: sentry.url,
      SENTRY_RCA_TEST_SENTRY_TOKEN: sentry.token,
      SENTRY_RCA_TEST_SENTRY_ORG: sentry.org,
    },
    settings: {
      'sentryRCA.baseUrl': sentry.url,
      'sentryRCA.organization': sentry.org,
      // Under its old name: activation moves it to sentryRCA.syncIntervalMinutes (7b-settings-rename checks).
      'sentryRca.syncIntervalMinutes': 10,
    },
    close: async () => {
      await sentry.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
