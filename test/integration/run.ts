/**
 * Integration suite in a real VS Code: code-server's extension host, driven by Debian Chromium.
 * Writes `{passed, failed}` to SENTRY_RCA_TEST_SUMMARY (scripts/test.mjs sums it).
 */
import { join } from 'node:path';
import { projectRoot } from '../vscode/codeServer';
import { runSuiteInVsCode, skipWithoutCodeServer, writeSummary } from '../vscode/suiteRunner';

async function main(): Promise<void> {
  if (skipWithoutCodeServer('integration')) { process.exitCode = 1; return; }
  const counts = await runSuiteInVsCode({
    name: 'integration',
    testsEntry: join(projectRoot, 'out', 'test', 'integration', 'suite', 'index.js'),
    env: {},
    timeoutMs: 300_000,
  });
  writeSummary(counts);
  process.exitCode = counts.failed > 0 ? 1 : 0;
}

main().catch((e: unknown) => {
  console.error(e);
  writeSummary({ passed: 0, failed: 1 });
  process.exitCode = 1;
});
