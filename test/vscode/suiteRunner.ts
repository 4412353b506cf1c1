/**
 * Runs one in-VS-Code suite from plain Node: fresh workspace, real code-server + Chromium, the suite's
 * `run()` entry inside the extension host, then `{passed, failed, skipped}` to SENTRY_RCA_TEST_SUMMARY
 * for scripts/test.mjs. A run that never reports (crash, timeout) counts as one failure, never as a pass.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeServerInstalled, projectRoot } from './codeServer';
import type { Page } from 'playwright-core';
import { runExtensionTests } from './workbench';

export interface SuiteRunOptions {
  name: string;
  /** Compiled tests entry (exports `run()`), absolute. */
  testsEntry: string;
  /** Environment for the extension host, e.g. the test servers' URLs. */
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  /** The opened folder, or a `.code-workspace` file (a multi-root workspace). */
  workspace?: string;
  timeoutMs?: number;
  /** Run with workspace trust on (the folder opens in Restricted Mode). */
  workspaceTrust?: boolean;
  /** Drives the workbench page while the suite runs (clicks only a user can make). */
  drive?: (page: Page) => Promise<void>;
}

/** What a suite reports to scripts/test.mjs; `skipped` are mocha's pending tests (or skipped steps). */
export interface SuiteCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export function writeSummary(counts: Omit<SuiteCounts, 'skipped'> & { skipped?: number }): void {
  const file = process.env.SENTRY_RCA_TEST_SUMMARY;
  if (file)
    writeFileSync(file, JSON.stringify({ passed: counts.passed, failed: counts.failed, skipped: counts.skipped ?? 0 }));
}

/**
 * Runs a step-list UI suite's `main` and reports its counts whatever happens: a crash outside a step is
 * one more failure, never a silent pass.
 */
export function runStepSuite(
  name: string,
  steps: { passed: number; failed: number; skipped: number },
  main: () => Promise<void>,
): void {
  const report = () => {
    console.log(`${name}: ${steps.passed} passed, ${steps.failed} failed`);
    writeSummary({ passed: steps.passed, failed: steps.failed, skipped: steps.skipped });
    process.exitCode = steps.failed > 0 ? 1 : 0;
  };
  main().then(report, (e: unknown) => {
    console.error(e);
    steps.failed++;
    report();
  });
}

export function skipWithoutCodeServer(name: string): boolean {
  if (codeServerInstalled()) return false;
  console.error(`${name}: code-server is missing (.tools/code-server). Run: bash scripts/ensure-test-env.sh`);
  writeSummary({ passed: 0, failed: 1, skipped: 0 });
  return true;
}

export async function runSuiteInVsCode(opts: SuiteRunOptions): Promise<SuiteCounts> {
  const scratch = mkdtempSync(join(tmpdir(), `sentry-rca-${opts.name}-`));
  const resultFile = join(scratch, 'result.json');
  const workspace = opts.workspace ?? join(scratch, 'workspace');
  if (!workspace.endsWith('.code-workspace')) mkdirSync(workspace, { recursive: true });
  const verbose = process.env.SENTRY_RCA_TEST_VERBOSE === '1';
  let counts: SuiteCounts = { passed: 0, failed: 1, skipped: 0 };
  try {
    const run = await runExtensionTests({
      workspace,
      extensionDevelopmentPath: projectRoot,
      extensionTestsPath: opts.testsEntry,
      env: { ...opts.env, SENTRY_RCA_SUITE_RESULT: resultFile },
      settings: opts.settings,
      timeoutMs: opts.timeoutMs,
      ...(opts.workspaceTrust ? { workspaceTrust: true } : {}),
      ...(opts.drive ? { drive: opts.drive } : {}),
      onLog: (line) => {
        console.log(line);
      },
      onOutput: verbose ? (line) => console.log(`[code-server] ${line}`) : undefined,
    });
    if (existsSync(resultFile))
      counts = { skipped: 0, ...(JSON.parse(readFileSync(resultFile, 'utf8')) as Partial<SuiteCounts>) } as SuiteCounts;
    else counts = { passed: 0, failed: 1, skipped: 0 };
    console.log(
      `${opts.name}: exit ${run.exitCode}${run.timedOut ? ' (timed out)' : ''} in ${(run.durationMs / 1000).toFixed(1)} s; ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
    );
    if (run.exitCode !== 0 && counts.failed === 0) counts.failed = 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return counts;
}
