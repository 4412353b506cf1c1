import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonc, readWorkspaceFrameSettings } from '../../../src/core/frames/workspaceSettings';
import { tempDir, writeTree } from './helpers';

describe('workspace settings for the CLI', () => {
  test('JSON with comments and trailing commas, as VS Code writes it; strings keep their slashes', () => {
    const text =
      '\uFEFF{\n  // line comment\n  "a": "http://x/*y*/", /* block\n comment */\n  "b": [1, 2,],\n  "c": { "d": "//", },\n}\n';
    assert.deepEqual(parseJsonc(text), { a: 'http://x/*y*/', b: [1, 2], c: { d: '//' } });
    assert.throws(() => parseJsonc('{ "a": 1 /* open'), /unterminated/);
  });

  test('reads sentryRCA.pathMappings and the enabled files.exclude globs', () => {
    const ws = writeTree(tempDir('settings'), {
      '.vscode/settings.json': [
        '{',
        '  "editor.tabSize": 2,',
        '  // where the server deploys us',
        '  "sentryRCA.pathMappings": [{ "from": "/srv/app/", "to": "${workspaceFolder}/" }, { "from": 3 }],',
        '  "files.exclude": { "**/.git": true, "**/coverage": true, "**/*.js": { "when": "$(basename).ts" }, "docs": false },',
        '}',
      ],
    });
    const s = readWorkspaceFrameSettings(ws);
    assert.deepEqual(s.mappings, [{ from: '/srv/app/', to: '${workspaceFolder}/' }]);
    assert.deepEqual(s.exclude, ['**/.git', '**/coverage']);
    assert.equal(s.warnings.length, 1);
    assert.match(s.warnings[0]!, /settings\.json: sentryRCA\.pathMappings\[1\]/);
  });

  test('no settings file is no settings; a broken one is a warning, not a crash', () => {
    assert.deepEqual(readWorkspaceFrameSettings(tempDir('none')), { mappings: [], exclude: [], warnings: [] });
    const ws = writeTree(tempDir('broken'), { '.vscode/settings.json': '{ "sentryRCA.pathMappings": [ }' });
    const s = readWorkspaceFrameSettings(ws);
    assert.deepEqual(s.mappings, []);
    assert.match(s.warnings[0]!, /not valid JSON/);
  });
});
