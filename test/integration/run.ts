/**
 * Integration suite in a real VS Code: code-server's extension host, driven by Debian Chromium, the
 * extension pointed at the test Sentry server. Writes `{passed, failed, skipped}` to SENTRY_RCA_TEST_SUMMARY
 * (scripts/test.mjs sums it). SENTRY_RCA_TEST_GREP=<text> runs only matching tests;
 * SENTRY_RCA_TEST_VERBOSE=1 also prints code-server's output.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../vscode/codeServer';
import { runSuiteInVsCode, skipWithoutCodeServer, writeSummary } from '../vscode/suiteRunner';
import { startIntegrationSentry } from './sentryFixture';
import { MULTI_ROOT_TITLE } from './multiRoot/title';

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
    const multi = await runMultiRoot(sentry);
    for (const k of ['passed', 'failed', 'skipped'] as const) counts[k] += multi[k];
    writeSummary(counts);
    process.exitCode = counts.failed > 0 ? 1 : 0;
  } finally {
    await sentry.close();
  }
}

/** The suite in multiRoot/: a `.code-workspace` with two folders whose settings still use old names. */
async function runMultiRoot(sentry: Awaited<ReturnType<typeof startIntegrationSentry>>) {
  const grep = process.env.SENTRY_RCA_TEST_GREP;
  if (grep && !MULTI_ROOT_TITLE.includes(grep)) return { passed: 0, failed: 0, skipped: 0 };
  const root = mkdtempSync(join(tmpdir(), 'sentry-rca-multiroot-'));
  try {
    const folder = (name: string, settings: Record<string, unknown>) => {
      mkdirSync(join(root, name, '.vscode'), { recursive: true });
      writeFileSync(join(root, name, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
    };
    folder('a', { 'sentryRca.pathMappings': [{ from: '/srv/a/', to: '${workspaceFolder}/' }] });
    folder('b', { 'sentryRca.ai.model': 'model-b', 'editor.tabSize': 3 });
    const file = join(root, 'multi.code-workspace');
    writeFileSync(
      file,
      JSON.stringify({
        folders: [{ path: 'a' }, { path: 'b' }],
        settings: { 'sentryRca.alerts.release': 'from-workspace', 'editor.tabSize': 2 },
      }),
    );
    return await runSuiteInVsCode({
      name: 'integration-multiroot',
      testsEntry: join(projectRoot, 'out', 'test', 'integration', 'multiRoot', 'index.js'),
      workspace: file,
      env: sentry.env,
      settings: sentry.settings,
      timeoutMs: 120_000,
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  writeSummary({ passed: 0, failed: 1, skipped: 0 });
  process.exitCode = 1;
});
