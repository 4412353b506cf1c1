// `sentry-rca --help`, `sentry-rca <command> --help` (every command) and `--version`, through dist/cli.js.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../support/paths';

const cli = join(repoRoot(), 'dist', 'cli.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH }, timeout: 30_000 });
const COMMANDS = ['sync', 'issues', 'frames', 'diagnose', 'logs', 'mcp'];

describe('CLI help and version', () => {
  test('--version and -V print the package version', () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = run(flag);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `sentry-rca ${version}\n`);
    }
  });

  test('--help lists every command; no command is a usage error with the same text', () => {
    const r = run('--help');
    assert.equal(r.status, 0);
    for (const c of COMMANDS) assert.match(r.stdout, new RegExp(`^  ${c} +`, 'm'), c);
    assert.match(r.stdout, /sentry-rca <command> --help \| sentry-rca --version/);
    const none = run();
    assert.equal(none.status, 1);
    assert.equal(none.stdout, r.stdout);
  });

  for (const c of COMMANDS) {
    test(`${c} --help and -h print that command's usage, exit 0, and do not run it`, () => {
      for (const flag of ['--help', '-h']) {
        // Flags that would fail (missing --store, a bad option) do not matter once help is asked for.
        const r = run(c, '--bogus', flag);
        assert.equal(r.status, 0, `${c} ${flag}: ${r.stderr}`);
        assert.equal(r.stderr, '');
        assert.match(r.stdout, new RegExp(`^Usage: sentry-rca ${c} \\[options\\]\\n\\n  ${c} +(ISSUE_ID )?--`));
        for (const other of COMMANDS.filter((o) => o !== c))
          assert.doesNotMatch(r.stdout, new RegExp(`^  ${other} +`, 'm'), `${c} help shows only ${c}`);
        assert.match(r.stdout, /Exit codes: 0 ok, 1 usage/);
      }
      assert.equal(run('help', c).stdout, run(c, '--help').stdout);
    });
  }

  test('an unknown command is still a usage error, even with --help', () => {
    const r = run('frobnicate', '--help');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown command "frobnicate"/);
  });
});
