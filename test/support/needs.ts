/**
 * Tests that need a tool from the machine (sshd, BusyBox, gawk, Chromium, ruby…). They are always
 * registered: on a developer's machine without the tool they skip with the reason (and the closing
 * line of scripts/test.mjs counts the skip); in CI (`CI=true`), where scripts/ensure-test-env.sh
 * installs every tool, a missing tool is a failure that says what to install.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, test, type TestOptions } from 'node:test';

export const inCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/** Why a command cannot run here, or null when `cmd args…` exits 0. */
export function missingCommand(cmd: string, args: string[], install: string): string | null {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0 ? null : `${cmd} is not installed (${install}; scripts/ensure-test-env.sh installs it)`;
}

/** Why a file is missing, or null. */
export function missingFile(path: string, install: string): string | null {
  return existsSync(path) ? null : `${path} is missing (${install}; scripts/ensure-test-env.sh installs it)`;
}

/** The first reason among several, or null when everything is there. */
export function firstMissing(...reasons: Array<string | null | false | undefined>): string | null {
  return reasons.find((r): r is string => typeof r === 'string' && r.length > 0) ?? null;
}

/**
 * `describe` for a suite that needs tools. With `missing` null it is a plain describe. Otherwise,
 * locally: skipped with the reason; in CI: one failing test naming what is missing instead of the body.
 */
export function describeNeeding(
  name: string,
  missing: string | null,
  options: Omit<TestOptions, 'skip' | 'todo'>,
  fn: () => void,
): void {
  if (!missing) {
    describe(name, options, fn);
    return;
  }
  if (inCi()) {
    describe(name, options, () => {
      test('the tools this suite needs are installed', () => {
        throw new Error(`${name}: ${missing}`);
      });
    });
    return;
  }
  describe(name, { ...options, skip: missing }, fn);
}
