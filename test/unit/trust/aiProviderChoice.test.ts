// sentryRCA.ai.provider: a repository picks among the user's own destinations, but cannot turn the AI on
// when the user's own value is `none`; the model selector setting as a vscode.lm selector.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveProvider, selectorOf } from '../../../src/core/ai/providerChoice';

test('the default is auto; the user value applies without a workspace value', () => {
  assert.equal(effectiveProvider({ defaultValue: 'auto' }), 'auto');
  assert.equal(effectiveProvider({ defaultValue: 'auto', globalValue: 'openai' }), 'openai');
  assert.equal(effectiveProvider({ globalValue: 'vscode' }), 'vscode');
});

test("a workspace cannot turn the AI on when the user's own value is none", () => {
  for (const theirs of ['auto', 'vscode', 'openai'])
    assert.equal(effectiveProvider({ defaultValue: 'auto', globalValue: 'none', workspaceValue: theirs }), 'none');
  assert.equal(effectiveProvider({ globalValue: 'none', workspaceFolderValue: 'vscode' }), 'none');
});

test('a workspace may choose among the providers otherwise, or turn the AI off; junk is ignored', () => {
  assert.equal(effectiveProvider({ defaultValue: 'auto', workspaceValue: 'vscode' }), 'vscode');
  assert.equal(effectiveProvider({ globalValue: 'openai', workspaceValue: 'none' }), 'none');
  assert.equal(
    effectiveProvider({ globalValue: 'openai', workspaceValue: 'auto', workspaceFolderValue: 'vscode' }),
    'vscode',
  );
  assert.equal(effectiveProvider({ globalValue: 'vscode', workspaceValue: 'http://evil.example' }), 'vscode');
  assert.equal(effectiveProvider({ globalValue: 42, workspaceValue: ['openai'] }), 'auto');
});

test('the model setting as a selector', () => {
  assert.deepEqual(selectorOf(''), {});
  assert.deepEqual(selectorOf('  '), {});
  assert.deepEqual(selectorOf('copilot'), { vendor: 'copilot' });
  assert.deepEqual(selectorOf('copilot/gpt-4o'), { vendor: 'copilot', family: 'gpt-4o' });
  assert.deepEqual(selectorOf(' ollama/llama3.1/8b '), { vendor: 'ollama', family: 'llama3.1/8b' });
});
