/**
 * Stands in for a VS Code executable so `@vscode/test-cli` (`useInstallation.fromPath`) and
 * `@vscode/test-electron` (`vscodeExecutablePath`) can run extension tests here, where no desktop
 * VS Code can be downloaded: it reads the arguments they pass, runs the tests in code-server +
 * Chromium, and exits with the tests' exit code. When the environment names no test Sentry server,
 * it starts the integration one, so the standard `vscode-test` command runs the whole suite.
 * Executable wrapper: test/vscode/bin/code-server-test.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIntegrationSentry, type IntegrationSentry } from '../integration/sentryFixture';
import { requireCodeServer } from './codeServer';
import { runExtensionTests } from './workbench';

function parse(argv: string[]): { dev?: string; tests?: string; folder?: string } {
  const out: { dev?: string; tests?: string; folder?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (name: string) =>
      a.startsWith(`${name}=`) ? a.slice(name.length + 1) : a === name ? argv[++i] : undefined;
    out.dev ??= value('--extensionDevelopmentPath');
    out.tests ??= value('--extensionTestsPath');
    if (
      !a.startsWith('-') &&
      !out.folder &&
      argv[i - 1] !== '--extensionDevelopmentPath' &&
      argv[i - 1] !== '--extensionTestsPath'
    )
      out.folder = a;
  }
  return out;
}

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  if (!args.dev || !args.tests) {
    console.error('usage: code-server-test --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [FOLDER]');
    return 1;
  }
  requireCodeServer();
  let sentry: IntegrationSentry | undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'sentry-rca-test-cli-'));
  try {
    if (!process.env.SENTRY_RCA_TEST_SENTRY_URL) sentry = await startIntegrationSentry();
    const workspace = args.folder ?? join(scratch, 'workspace');
    mkdirSync(workspace, { recursive: true });
    const run = await runExtensionTests({
      workspace,
      extensionDevelopmentPath: args.dev,
      extensionTestsPath: args.tests,
      env: sentry?.env,
      settings: sentry?.settings,
      onLog: (l) => console.log(l),
    });
    return run.exitCode;
  } finally {
    await sentry?.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
