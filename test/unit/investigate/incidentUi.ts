/**
 * The steps the real-VS-Code panel tests share: open the workbench on a real incident's workspace with
 * its Sentry server and SSH log source configured, then save the token and click "Diagnose Issue" on
 * the PoolExhaustedError row.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../../vscode/codeServer';
import { runCommand } from '../../vscode/ui';
import { openWorkbench, type Workbench, type WorkbenchOptions } from '../../vscode/workbench';
import type { RealIncident } from './realIncident';

export async function openIncidentWorkbench(
  inc: RealIncident,
  o: {
    env?: Record<string, string>;
    settings?: Record<string, unknown>;
    onLog?: (l: string) => void;
    /** A profile prepared by the test and code-server arguments (test/e2e/lmProvider.ts installs a chat model). */
    more?: Pick<WorkbenchOptions, 'dataRoot' | 'extraArgs' | 'timezoneId'>;
    viewport?: { width: number; height: number };
  } = {},
): Promise<Workbench> {
  // VS Code reads the SSH setup from settings: absolute key path, the test known_hosts, no agent.
  const sshConfig = join(inc.home, '.ssh', 'config-vscode');
  writeFileSync(
    sshConfig,
    readFileSync(inc.sshConfig, 'utf8').replace(/~\/\.ssh\/id_orders/g, join(inc.home, '.ssh', 'id_orders')) +
      `\nHost *\n  UserKnownHostsFile ${join(inc.home, '.ssh', 'known_hosts')}\n  IdentityAgent none\n`,
  );
  return openWorkbench({
    workspace: inc.workspace,
    extensionDevelopmentPath: projectRoot,
    env: o.env ?? {},
    settings: {
      'sentryRCA.baseUrl': inc.sentry.url,
      'sentryRCA.organization': inc.sentry.org,
      'sentryRCA.logs.sources': [`orders-api-1=file:${inc.logFile}`],
      'sentryRCA.ssh.configFile': sshConfig,
      'workbench.colorTheme': 'Default Dark Modern',
      ...o.settings,
    },
    viewport: o.viewport ?? { width: 1400, height: 900 },
    ...(o.onLog ? { onLog: o.onLog } : {}),
    ...o.more,
  });
}

/** Saves the token through the command, waits for the sync, and clicks the pool issue's Diagnose action. */
export async function diagnosePoolIssue(page: Page, token: string): Promise<void> {
  await page.locator('.activitybar').waitFor({ timeout: 60_000 });
  await page.locator('.activitybar [aria-label^="Sentry"]').first().click();
  await runCommand(page, 'Sentry RCA: Set Auth Token');
  const password = page.locator('.quick-input-widget input[type="password"]');
  await password.waitFor({ timeout: 10_000 });
  await password.fill(token);
  await page.keyboard.press('Enter');
  const issueRow = page
    .locator('.monaco-list-row')
    .filter({ hasText: /PoolExhaustedError/ })
    .first();
  await issueRow.waitFor({ timeout: 30_000 });
  await issueRow.hover();
  await issueRow.locator('.action-label[aria-label^="Diagnose Issue"]').click();
}
