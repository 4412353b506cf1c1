// The layer rule in eslint.config.mjs, run through ESLint's own API on code placed (virtually) in
// each layer: each forbidden import is an error, the allowed ones are not.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { ESLint } from 'eslint';
import { repoRoot } from '../../support/paths';

const root = repoRoot();
let eslint: ESLint;

before(() => {
  eslint = new ESLint({ cwd: root });
});

/** The layer-rule messages ESLint reports for `code` as if it were the file `path` (relative to the repo). */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath: join(root, path) });
  assert.ok(result, 'ESLint linted the text');
  const other = result.messages.filter(
    (m) => m.ruleId !== 'sentry-rca/layers' && m.ruleId !== '@typescript-eslint/no-unused-vars',
  );
  assert.deepEqual(other, [], 'the fixture code is otherwise clean');
  return result.messages.filter((m) => m.ruleId === 'sentry-rca/layers').map((m) => m.message);
}

describe('layer lint', () => {
  test('core importing host, webview, cli or demo is an error, however deep the relative path', async () => {
    const errors = await layerErrors(
      'src/core/frames/example.ts',
      [
        "import { Commands } from '../../host/ids';",
        "import { h } from '../../webview/dom';",
        "import { cliIo } from '../../cli/cliIo';",
        "import { DEMO_TOKEN } from '../../demo/constants';",
        "import { App } from '../../app';",
        "import { errorMessage } from '../common/errors';",
        "import { join } from 'node:path';",
      ].join('\n'),
    );
    assert.equal(errors.length, 5, errors.join('\n'));
    assert.match(errors[0]!, /core must not import from src\/host \('\.\.\/\.\.\/host\/ids'\)/);
    assert.match(errors[1]!, /src\/webview/);
    assert.match(errors[2]!, /src\/cli/);
    assert.match(errors[3]!, /src\/demo/);
    assert.match(errors[4]!, /src\/host \('\.\.\/\.\.\/app'\)/);
  });

  test('core, shared, webview, cli and demo may not import vscode, not even its types', async () => {
    for (const path of [
      'src/core/common/example.ts',
      'src/shared/example.ts',
      'src/webview/example.ts',
      'src/cli/example.ts',
      'src/demo/example.ts',
    ]) {
      const errors = await layerErrors(path, "import type { Uri } from 'vscode';\ntype U = Uri;\nexport type { U };");
      assert.equal(errors.length, 1, `${path}: ${errors.join('\n')}`);
      assert.match(errors[0]!, /must not import 'vscode'/);
    }
  });

  test('webview and shared import no Node built-in and nothing from core', async () => {
    const webview = await layerErrors(
      'src/webview/example.ts',
      [
        "import { readFileSync } from 'node:fs';",
        "import { join } from 'path';",
        "import { errorMessage } from '../core/common/errors';",
        "import { isHostToWebview } from '../shared/protocol';",
        "import { h } from './dom';",
        "import MarkdownIt from 'markdown-it';",
      ].join('\n'),
    );
    assert.deepEqual(
      webview.map((m) => m.replace(/^.*: /, '')),
      [
        "it must not import the Node built-in 'node:fs'.",
        "it must not import the Node built-in 'path'.",
        "webview must not import from src/core ('../core/common/errors').",
      ],
    );
    const shared = await layerErrors(
      'src/shared/example.ts',
      "import { Buffer } from 'node:buffer';\nimport { nullLogger } from '../core/common/logger';",
    );
    assert.equal(shared.length, 2, shared.join('\n'));
  });

  test('host modules that plain-Node tests load import vscode types only; the others may import it', async () => {
    // storeHandle.ts is imported by test/unit/host/storeHandle.test.ts, so it must load without VS Code.
    const plain = await layerErrors(
      'src/host/storeHandle.ts',
      "import * as vscode from 'vscode';\nexport const x = vscode.Uri;",
    );
    assert.equal(plain.length, 1, plain.join('\n'));
    assert.match(plain[0]!, /runs in plain-Node tests/);
    assert.deepEqual(
      await layerErrors('src/host/storeHandle.ts', "import type { Uri } from 'vscode';\nexport type U = Uri;"),
      [],
    );
    assert.deepEqual(
      await layerErrors('src/host/log.ts', "import * as vscode from 'vscode';\nexport const x = vscode.Uri;"),
      [],
    );
  });

  test('host does not import the webview bundle or the CLI; the CLI does not import host', async () => {
    const host = await layerErrors(
      'src/host/panel/example.ts',
      "import { h } from '../../webview/dom';\nimport { cliIo } from '../../cli/cliIo';\nimport { isWebviewToHost } from '../../shared/protocol';",
    );
    assert.equal(host.length, 2, host.join('\n'));
    const cli = await layerErrors(
      'src/cli/example.ts',
      "import { Commands } from '../host/ids';\nimport { IssueStore } from '../core/store/issueStore';",
    );
    assert.equal(cli.length, 1, cli.join('\n'));
    assert.match(cli[0]!, /cli must not import from src\/host/);
  });

  test('mcp may use cli and core but not host or vscode; cli.ts may route to mcp and read the manifest', async () => {
    const mcp = await layerErrors(
      'src/mcp/example.ts',
      "import { Commands } from '../host/ids';\nimport type { Uri } from 'vscode';\nimport { framesCommand } from '../cli/framesCommand';\nimport { IssueStore } from '../core/store/issueStore';\nexport type U = Uri;",
    );
    assert.equal(mcp.length, 2, mcp.join('\n'));
    assert.match(mcp[0]!, /mcp must not import from src\/host/);
    assert.match(mcp[1]!, /must not import 'vscode'/);
    assert.deepEqual(
      await layerErrors(
        'src/cli.ts',
        "import { mcpCommand } from './mcp/mcpCommand';\nimport { version } from '../package.json';",
      ),
      [],
    );
    const core = await layerErrors(
      'src/core/example.ts',
      "import { version } from '../../package.json';\nimport { mcpCommand } from '../mcp/mcpCommand';",
    );
    assert.equal(core.length, 2, core.join('\n'));
  });
});
