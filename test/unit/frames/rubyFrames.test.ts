/**
 * Frames from the real sentry-ruby SDK (Debian's ruby-sentry-ruby) of a service deployed the
 * Capistrano way (`/var/www/shop/releases/<timestamp>/`), mapped into the checkout, where a Rails
 * engine has the same relative paths and vendored gems sit under vendor/bundle.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FrameMapper, type FrameMapping } from '../../../src/core/frames/frameMapper';
import { WorkspaceFileIndex } from '../../../src/core/frames/workspaceFileIndex';
import type { StoredFrame } from '../../../src/core/store/model';
import { describeNeeding } from '../../support/needs';
import { framesFixture, ingestEventFrames, tempDir, writeTree } from './helpers';

function rubyMissing(): string | null {
  try {
    execFileSync('ruby', ['-e', 'require "sentry-ruby"'], { stdio: 'ignore' });
    return null;
  } catch {
    return 'needs ruby and sentry-ruby (Debian: ruby ruby-sentry-ruby; scripts/ensure-test-env.sh installs them)';
  }
}

describeNeeding('frames from the real sentry-ruby SDK', rubyMissing(), {}, () => {
  let frames: StoredFrame[];
  let release: string;
  before(async () => {
    release = join(tempDir('ruby'), 'var', 'www', 'shop', 'releases', '20240101120000');
    mkdirSync(release, { recursive: true });
    cpSync(framesFixture('ruby-app'), release, { recursive: true });
    const { stdout } = await promisify(execFile)('ruby', ['main.rb'], {
      cwd: release,
      encoding: 'utf8',
      timeout: 20_000,
    });
    const events = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { exception: unknown; platform?: string });
    assert.equal(events.length, 1);
    frames = ingestEventFrames(events[0]!);
  });

  test('release-folder paths map into the app, not the engine or the vendored gem', async () => {
    assert.ok(
      frames.some((f) => f.absPath === join(release, 'lib/money_parser.rb') && f.filename === 'lib/money_parser.rb'),
      'real Capistrano-style abs_path',
    );
    const ws = tempDir('ruby-ws');
    cpSync(framesFixture('ruby-app'), ws, { recursive: true });
    writeTree(ws, {
      '.gitignore': 'log/\ntmp/\n',
      'engines/billing/app/services/checkout.rb': ['# Billing engine checkout', 'class Checkout; end'],
      'engines/billing/lib/money_parser.rb': ['module MoneyParser; end'],
      'vendor/bundle/ruby/3.1.0/gems/money-6.16.0/lib/money_parser.rb': ['module MoneyParser; end'],
    });
    const index = await WorkspaceFileIndex.build([{ name: 'shop', path: ws }]);
    const ms: FrameMapping[] = await new FrameMapper(index).mapAll(frames, 'shop');
    const rows = frames.map((f, i) => {
      const m = ms[i]!;
      return `${f.function} → ${m.ok ? `${m.path.slice(ws.length + 1)}:${m.line} ${m.via} ${m.lineStatus}` : m.code}`;
    });
    assert.deepEqual(rows, [
      '<main> → library-frame',
      'total → app/services/checkout.rb:10 deploy-path same',
      'sum → app/services/checkout.rb:10 deploy-path same',
      'block in total → app/services/checkout.rb:10 deploy-path same',
      'parse → lib/money_parser.rb:4 deploy-path same',
    ]);
  });
});
