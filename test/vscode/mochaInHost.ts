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
  const files = readdirSync(dir)
    .filter((n) => n.endsWith(suffix))
    .sort();
  // SENTRY_RCA_TEST_SHUFFLE=<seed> runs the suite files in a seeded random order: each suite sets up
  // its own state, so any order must pass.
  const seed = Number(process.env.SENTRY_RCA_TEST_SHUFFLE);
  if (Number.isInteger(seed) && process.env.SENTRY_RCA_TEST_SHUFFLE) {
    shuffle(files, seed);
    console.log(`suite files in shuffled order (seed ${seed}): ${files.join(', ')}`);
  }
  for (const f of files) mocha.addFile(join(dir, f));
  const counts = await new Promise<SuiteCounts>((resolve, reject) => {
    try {
      const runner = mocha.run(() =>
        resolve({
          passed: runner.stats?.passes ?? 0,
          failed: runner.stats?.failures ?? 0,
          skipped: runner.stats?.pending ?? 0,
        }),
      );
    } catch (e) {
      reject(e);
    }
  });
  const out = process.env.SENTRY_RCA_SUITE_RESULT;
  if (out) writeFileSync(out, JSON.stringify(counts));
  if (counts.failed > 0) throw new Error(`${counts.failed} test(s) failed`);
}

/** Fisher–Yates with a small seeded generator (mulberry32), so an order that fails can be replayed. */
function shuffle<T>(items: T[], seed: number): void {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}
