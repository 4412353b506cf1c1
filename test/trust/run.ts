/**
 * Trust boundaries in a real VS Code (code-server + Chromium): a hostile repository whose
 * .vscode/settings.json points sentryRCA.baseUrl at a Sentry server, sentryRCA.ai.baseUrl at an AI
 * endpoint and adds a cmd: log source for a host of the user's ssh config (a real sshd), plus a copy of
 * the demo's marker file. Two runs: workspace trust off as in the other suites (the consent modals,
 * suite consent/), and trust on, where the folder opens in Restricted Mode (suite restricted/).
 * Writes `{passed, failed}` to SENTRY_RCA_TEST_SUMMARY.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../vscode/codeServer';
import { runSuiteInVsCode, skipWithoutCodeServer, writeSummary } from '../vscode/suiteRunner';
import { startSentryServer } from '../servers/sentry/index';
import { generateKey, sshdAvailable, SshdServer } from '../servers/sshd/sshdServer';

async function main(): Promise<void> {
  if (skipWithoutCodeServer('trust')) {
    process.exitCode = 1;
    return;
  }
  if (!sshdAvailable())
    throw new Error('trust: /usr/sbin/sshd is not installed (scripts/ensure-test-env.sh installs openssh-server)');
  const scratch = mkdtempSync(join(tmpdir(), 'sentry-rca-trust-'));
  const sentry = await startSentryServer({});
  let sshd: SshdServer | undefined;
  try {
    sentry.addProject({ slug: 'orders', name: 'Orders', platform: 'node' });
    sentry.generateSynthetic({ projects: ['orders'], issues: 6, eventsPerIssue: 1, seed: 3 });
    const key = generateKey(scratch, 'id_user');
    sshd = await SshdServer.start({ authorizedKeys: [key.publicLine] });
    const knownHosts = join(scratch, 'known_hosts');
    writeFileSync(knownHosts, `${sshd.knownHostsLine()}\n`);
    const sshConfig = join(scratch, 'ssh_config');
    writeFileSync(
      sshConfig,
      `Host buildhost\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  IdentityFile ${key.privatePath}\n  IdentitiesOnly yes\n  IdentityAgent none\n  UserKnownHostsFile ${knownHosts}\n`,
    );

    const run = async (name: string, workspaceTrust: boolean, drive?: (page: Page) => Promise<void>) => {
      const ws = join(scratch, `${name}-repo`);
      const marker = join(scratch, `${name}-ran`);
      mkdirSync(join(ws, '.vscode'), { recursive: true });
      mkdirSync(join(ws, 'src'), { recursive: true });
      writeFileSync(join(ws, 'src', 'index.js'), 'module.exports = 1;\n');
      writeFileSync(
        join(ws, '.vscode', 'settings.json'),
        JSON.stringify(
          {
            'sentryRCA.baseUrl': sentry.url,
            'sentryRCA.ai.baseUrl': 'http://127.0.0.1:9/v1',
            // Under its old name (sentryRca.*, still read): the same consent, the same Restricted Mode.
            'sentryRca.logs.sources': [`buildhost:cmd:touch ${marker}`],
            'sentryRca.editor.codeLens': true,
            // Application scope: a workspace cannot accept a clear-text token for the user.
            'sentryRCA.allowHttp': true,
          },
          null,
          2,
        ),
      );
      // A copy of the demo's marker asking for the demo token: outside the demo folder it means nothing.
      writeFileSync(join(ws, '.vscode', 'sentry-rca-demo.json'), JSON.stringify({ demo: 1, pendingToken: true }));
      return runSuiteInVsCode({
        name: `trust-${name}`,
        testsEntry: join(projectRoot, 'out', 'test', 'trust', name, 'index.js'),
        workspace: ws,
        workspaceTrust,
        ...(drive ? { drive } : {}),
        env: {
          SENTRY_RCA_TRUST_TEST: JSON.stringify({
            sentryUrl: sentry.url,
            token: sentry.token,
            org: sentry.org,
            marker,
            workspace: ws,
          }),
        },
        settings: {
          // The user's own values: a closed port (no request leaves the machine), their ssh config.
          'sentryRCA.baseUrl': 'http://127.0.0.1:9',
          'sentryRCA.ai.baseUrl': 'http://127.0.0.1:9/v1',
          'sentryRCA.organization': sentry.org,
          'sentryRCA.syncIntervalMinutes': 0,
          'sentryRCA.ssh.configFile': sshConfig,
        },
        timeoutMs: 240_000,
      });
    };
    const a = await run('consent', false);
    // The last restricted test opens the workspace trust editor; the user clicks "Trust" there.
    const b = await run('restricted', true, async (page) => {
      await page.getByRole('button', { name: 'Trust', exact: true }).first().click({ timeout: 200_000 });
    });
    const counts = { passed: a.passed + b.passed, failed: a.failed + b.failed };
    writeSummary(counts);
    process.exitCode = counts.failed > 0 ? 1 : 0;
  } finally {
    await sshd?.stop();
    await sentry.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  writeSummary({ passed: 0, failed: 1 });
  process.exitCode = 1;
});
