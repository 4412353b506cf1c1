/**
 * Integration suite in a real VS Code: code-server's extension host, driven by Debian Chromium, the
 * extension pointed at the test Sentry server (real @sentry/node events from the sample app plus a
 * synthetic second project). The server's URL, token and org reach the tests through code-server's
 * environment. Writes `{passed, failed}` to SENTRY_RCA_TEST_SUMMARY (scripts/test.mjs sums it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSampleApp, startSentryServer } from '../servers/sentry/index';
import { projectRoot } from '../vscode/codeServer';
import { runSuiteInVsCode, skipWithoutCodeServer, writeSummary } from '../vscode/suiteRunner';

async function main(): Promise<void> {
  if (skipWithoutCodeServer('integration')) { process.exitCode = 1; return; }
  const scratch = mkdtempSync(join(tmpdir(), 'sentry-rca-integration-data-'));
  const sentry = await startSentryServer({});
  try {
    const { dsn } = sentry.addProject({ slug: 'orders', name: 'Orders', platform: 'node' });
    await runSampleApp({ dsn, logFile: join(scratch, 'orders.log') });
    sentry.generateSynthetic({ projects: ['billing'], issues: 12, eventsPerIssue: 2, seed: 7 });
    const state = { url: sentry.url, token: sentry.token, org: sentry.org };
    console.log(`integration: test Sentry at ${state.url} with ${sentry.issues().length} issues`);
    const counts = await runSuiteInVsCode({
      name: 'integration',
      testsEntry: join(projectRoot, 'out', 'test', 'integration', 'suite', 'index.js'),
      env: {
        SENTRY_RCA_TEST_SENTRY_URL: state.url,
        SENTRY_RCA_TEST_SENTRY_TOKEN: state.token,
        SENTRY_RCA_TEST_SENTRY_ORG: state.org,
      },
      // Configured but without a token: the suite sets it through the command, as a user would.
      settings: {
        'sentryRca.baseUrl': state.url,
        'sentryRca.organization': state.org,
        'sentryRca.syncIntervalMinutes': 10,
      },
      timeoutMs: 300_000,
    });
    writeSummary(counts);
    process.exitCode = counts.failed > 0 ? 1 : 0;
  } finally {
    await sentry.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  writeSummary({ passed: 0, failed: 1 });
  process.exitCode = 1;
});
