/**
 * The part of a test run that executes inside the VS Code extension host: mocha over compiled suite
 * files, counts (passed, failed, skipped = mocha's pending) written to the file named by
 * SENTRY_RCA_SUITE_RESULT for the runner outside.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import type { SuiteCounts } from './suiteRunner';

export async function runMochaInHost(dir: string, suffix: string, timeoutMs = 60_000): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: timeoutMs, reporter: 'spec' });
  const grep = process.env.SENTRY_RCA_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const f of readdirSync(dir).filter((n) => n.endsWith(suffix)).sort()) mocha.addFile(join(dir, f));
  const counts = await new Promise<SuiteCounts>((resolve, reject) => {
    try {
      const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0, skipped: runner.stats?.pending ?? 0 }));
    } catch (e) {
      reject(e);
    }
  });
  const out = process.env.SENTRY_RCA_SUITE_RESULT;
  if (out) writeFileSync(out, JSON.stringify(counts));
  if (counts.failed > 0) throw new Error(`${counts.failed} test(s) failed`);
}
