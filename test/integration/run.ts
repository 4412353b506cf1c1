/**
 * Integration suite in a real VS Code: code-server's extension host, driven by Debian Chromium, the
 * extension pointed at the test Sentry server. Writes `{passed, failed, skipped}` to SENTRY_RCA_TEST_SUMMARY
 * (scripts/test.mjs sums it). SENTRY_RCA_TEST_GREP=<text> runs only matching tests;
 * SENTRY_RCA_TEST_VERBOSE=1 also prints code-server's output.
 */
import { join } from 'node:path';
import { projectRoot } from '../vscode/codeServer';
import { runSuiteInVsCode, skipWithoutCodeServer, writeSummary } from '../vscode/suiteRunner';
import { startIntegrationSentry } from './sentryFixture';

async function main(): Promise<void> {
  if (skipWithoutCodeServer('integration')) {
    process.exitCode = 1;
    return;
  }
  const sentry = await startIntegrationSentry();
  try {
    console.log(`integration: test Sentry at ${sentry.url} with ${sentry.issues} issues`);
    const counts = await runSuiteInVsCode({
      name: 'integration',
      testsEntry: join(projectRoot, 'out', 'test', 'integration', 'suite', 'index.js'),
      env: sentry.env,
      settings: sentry.settings,
      timeoutMs: 300_000,
    });
    writeSummary(counts);
    process.exitCode = counts.failed > 0 ? 1 : 0;
  } finally {
    await sentry.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  writeSummary({ passed: 0, failed: 1, skipped: 0 });
  process.exitCode = 1;
});
