/**
 * Small helpers for UI tests in the real workbench (playwright-core), with the selectors that work in
 * VS Code 1.100: tree rows, the command palette, and numbered steps that count passes and failures.
 */
import type { FrameLocator, Page } from 'playwright-core';

export class Steps {
  passed = 0;
  failed = 0;
  /** A step list has no skips (a failed prerequisite ends the run as a failure); reported for the summary. */
  readonly skipped = 0;

  /** Runs one step; a failure is counted and printed with its stack, and the next step still runs. */
  async step(name: string, fn: () => Promise<void>): Promise<boolean> {
    const t = Date.now();
    try {
      await fn();
      this.passed++;
      console.log(`  ✔ ${name} (${Date.now() - t} ms)`);
      return true;
    } catch (e) {
      this.failed++;
      console.log(`  ✘ ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return false;
    }
  }
}

/** Tree rows in the side bar whose text matches. */
export function treeRow(page: Page, text: string | RegExp) {
  return page.locator('.part.sidebar .monaco-list-row').filter({ hasText: text });
}

/**
 * Right-clicks a tree row and clicks one entry of its context menu, once: a click the menu does not
 * take (the menu stays open) fails.
 */
export async function chooseFromContextMenu(page: Page, rowText: string | RegExp, item: string): Promise<void> {
  await treeRow(page, rowText).first().click({ button: 'right' });
  const entry = page.locator('.context-view .monaco-menu .action-item').filter({ hasText: item }).first();
  await entry.waitFor({ timeout: 10_000 });
  // VS Code's menu takes a mouse-up only from 100 ms after it opened (so the release of the right
  // click that opened it runs nothing); a person's click comes later than that, a robot's may not.
  await page.waitForTimeout(150);
  await entry.click();
  // One click chooses the entry: the tree refreshes only rows that changed, so the row under the menu
  // is not re-rendered by the step before (no retry, no Enter fallback: a lost click fails here).
  await page.locator('.context-view .monaco-menu').waitFor({ state: 'detached', timeout: 5000 });
}

/** Runs a command by its palette title (F1, type, Enter on the matching entry). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/**
 * An event row's label: its time first, relative ("2 h ago · user cus_17") or, in a burst of events,
 * the time of day ("08:59:12 · user cus_17", "12-03 08:59:12"), as the tree words it.
 */
export const EVENT_ROW =
  /^\s*(just now|in \d+|\d+ (s|min|h) ago|yesterday|\d+ (days|weeks|months) ago|\d{4}-\d\d-\d\d|(\d\d-\d\d )?\d\d:\d\d:\d\d)/;

/** The workbench class of each theme kind, and the class VS Code puts on a webview's body for it. */
const THEME_KIND = {
  light: { workbench: '.monaco-workbench.vs', webviewBody: 'vscode-light' },
  dark: { workbench: '.monaco-workbench.vs-dark', webviewBody: 'vscode-dark' },
  'high-contrast': { workbench: '.monaco-workbench.hc-black', webviewBody: 'vscode-high-contrast' },
} as const;

export type ThemeKind = keyof typeof THEME_KIND;

/**
 * Switches the color theme the way a user does (Preferences: Color Theme, pick by name) and waits until
 * the workbench shows that kind of theme. Not runCommand: Enter would take the palette's first fuzzy
 * match ("Browse Color Themes in Marketplace"). Returns the body class webviews get for that kind, so a
 * test can check the theme reached its webview too (a setting alone did not always take effect).
 */
export async function setColorTheme(page: Page, name: string, kind: ThemeKind): Promise<string> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill('>Preferences: Color Theme');
  await page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ hasText: /^Preferences: Color Theme/ })
    .first()
    .click();
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
  await input.fill(name);
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ hasText: new RegExp(`^${escaped}`) })
    .first()
    .click();
  await page.locator(THEME_KIND[kind].workbench).first().waitFor({ timeout: 10_000 });
  return THEME_KIND[kind].webviewBody;
}

/**
 * Closes the notification toasts (e.g. "token saved. Syncing…") so they do not cover a screenshot or a
 * click. Only visible close buttons are clicked: VS Code keeps toasts beyond the visible ones hidden in the
 * DOM, and a click on a hidden one waits for Playwright's whole timeout (that cost ~30 s a step).
 */
export async function dismissToasts(page: Page): Promise<void> {
  const close = page.locator('.notification-toast .codicon-notifications-clear:visible').first();
  for (let i = 0; i < 10 && (await close.count()) > 0; i++) await close.click({ timeout: 2000 }).catch(() => {});
  await page
    .locator('.notification-toast:visible')
    .first()
    .waitFor({ state: 'hidden', timeout: 5000 })
    .catch(() => {});
}

/** Fails unless the workbench shows a theme of this kind. */
export async function expectColorTheme(page: Page, kind: 'dark' | 'light'): Promise<void> {
  await page.locator(THEME_KIND[kind].workbench).first().waitFor({ timeout: 10_000 });
}

/**
 * Clicks a diagnosis-panel action by its id wherever the action bar put it: the button itself, or (when
 * the panel is too narrow for it) "More" and then its menu item.
 */
export async function clickPanelAction(panel: FrameLocator, id: string, timeout = 30_000): Promise<void> {
  const action = panel.locator(`#${id}`);
  await action.waitFor({ state: 'attached', timeout });
  if ((await action.getAttribute('role')) === 'menuitem') {
    await panel.locator('#btn-more').click({ timeout });
    await panel.locator(`#actions-menu > #${id}`).waitFor({ state: 'visible', timeout: 5000 });
  }
  await action.click({ timeout });
}
