// The settings' rename (sentryRca.* → sentryRCA.*) in a real VS Code: the runner started with an old name
// in user settings (moved at activation); old names in user settings of every kind move, a new value
// already set is kept; old names in the workspace's .vscode/settings.json are read through the fallback
// (baseUrl only with consent), are not rewritten unasked, and "Update" moves them.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SentryRcaTestApi } from '../../../src/app';
import { parseJsonc } from '../../../src/core/frames/workspaceSettings';
import type { ConsentQuestion } from '../../../src/core/trust/consentQuestion';
import { writeMapping } from '../../../src/host/frames/frameCommands';
import { StateKeys } from '../../../src/host/ids';
import { NOT_NOW_ACTION, UPDATE_ACTION } from '../../../src/host/settingsMigration';
import { api, sentryEnv, waitFor } from './helpers';

const G = vscode.ConfigurationTarget.Global;
const W = vscode.ConfigurationTarget.Workspace;
const inspect = (name: string) => vscode.workspace.getConfiguration().inspect<unknown>(name);
/** The keys these tests write, under both names, removed again afterwards. */
const KEYS = [
  'alerts.projects',
  'alerts.release',
  'alerts.environments',
  'pathMappings',
  'editor.problems',
  'ai.evidenceTokens',
  'ai.model',
  'baseUrl',
];

describe('settings renamed from sentryRca.* to sentryRCA.*', () => {
  let a: SentryRcaTestApi;
  let confirm: SentryRcaTestApi['app']['trust']['confirm'];
  let ask: SentryRcaTestApi['app']['settingsMigration']['ask'];
  const questions: ConsentQuestion[] = [];
  const settingsFile = () => join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.vscode', 'settings.json');
  const readFile = () => parseJsonc(readFileSync(settingsFile(), 'utf8')) as Record<string, unknown>;

  before(async () => {
    a = await api();
    confirm = a.app.trust.confirm;
    ask = a.app.settingsMigration.ask;
    // A background sync asking about the workspace's baseUrl gets a "no" (and is recorded).
    a.app.trust.confirm = async (q) => {
      questions.push(q);
      return false;
    };
  });
  after(async () => {
    a.app.trust.confirm = confirm;
    a.app.settingsMigration.ask = ask;
    await a.app.context.workspaceState.update(StateKeys.legacySettingsDeclined, undefined);
    for (const key of KEYS)
      for (const name of [`sentryRCA.${key}`, `sentryRca.${key}`])
        for (const target of [G, W])
          if (target === G ? inspect(name)?.globalValue !== undefined : inspect(name)?.workspaceValue !== undefined)
            await vscode.workspace.getConfiguration().update(name, undefined, target);
  });

  it('moved the old name the user settings started with when the extension activated', async () => {
    const started = await a.app.settingsMigration.started;
    assert.ok(started, 'activation started the migration');
    assert.ok(started.user.moved.includes('syncIntervalMinutes'), JSON.stringify(started.user));
    assert.equal(inspect('sentryRca.syncIntervalMinutes')?.globalValue, undefined);
    assert.equal(inspect('sentryRCA.syncIntervalMinutes')?.globalValue, 10);
    assert.equal(started.workspace, 'nothing-to-do');
  });

  it('moves user values of every kind and keeps a value already set under the new name', async () => {
    const mappings = [{ from: '/srv/renamed/', to: '${workspaceFolder}/', project: 'api' }];
    const legacy = vscode.workspace.getConfiguration('sentryRca');
    await legacy.update('alerts.projects', ['api', 'web'], G);
    await legacy.update('pathMappings', mappings, G);
    await legacy.update('editor.problems', true, G);
    await legacy.update('ai.evidenceTokens', 4000, G);
    await legacy.update('alerts.release', 'old-release', G);
    await vscode.workspace.getConfiguration('sentryRCA').update('alerts.release', 'latest', G);
    // Before the move the old names already apply (the new one wins where both are set).
    await waitFor('the old names read', () => a.app.config.settings.aiEvidenceTokens === 4000);
    assert.deepEqual(a.app.config.settings.alertsProjects, ['api', 'web']);
    assert.deepEqual(a.app.config.settings.pathMappings, mappings);
    assert.equal(a.app.config.settings.editorProblems, true);
    assert.equal(a.app.config.settings.alertsRelease, 'latest');

    const r = await a.app.settingsMigration.migrateUserSettings();
    assert.deepEqual([...r.moved].sort(), ['ai.evidenceTokens', 'alerts.projects', 'editor.problems', 'pathMappings']);
    assert.deepEqual(r.dropped, ['alerts.release']);
    assert.deepEqual(r.failed, []);
    assert.deepEqual(inspect('sentryRCA.alerts.projects')?.globalValue, ['api', 'web']);
    assert.deepEqual(inspect('sentryRCA.pathMappings')?.globalValue, mappings);
    assert.equal(inspect('sentryRCA.editor.problems')?.globalValue, true);
    assert.equal(inspect('sentryRCA.ai.evidenceTokens')?.globalValue, 4000);
    assert.equal(inspect('sentryRCA.alerts.release')?.globalValue, 'latest');
    for (const key of ['alerts.projects', 'pathMappings', 'editor.problems', 'ai.evidenceTokens', 'alerts.release'])
      assert.equal(inspect(`sentryRca.${key}`)?.globalValue, undefined, `sentryRca.${key} removed`);
    assert.equal(a.app.config.settings.aiEvidenceTokens, 4000);
    assert.equal(a.app.config.settings.alertsRelease, 'latest');
  });

  it("reads the workspace's old names through the fallback (baseUrl only with consent) and moves them on Update", async () => {
    const { url } = sentryEnv();
    const elsewhere = 'http://127.0.0.1:9';
    mkdirSync(join(settingsFile(), '..'), { recursive: true });
    let existing: Record<string, unknown> = {};
    try {
      existing = readFile();
    } catch {
      // no settings file yet
    }
    // As a cloned repository brings them: written to the file, not through VS Code.
    writeFileSync(
      settingsFile(),
      JSON.stringify(
        {
          ...existing,
          'sentryRca.alerts.environments': ['production'],
          'sentryRca.ai.model': 'workspace-model',
          'sentryRca.baseUrl': elsewhere,
        },
        null,
        2,
      ),
    );
    await waitFor('the workspace file read', () => a.app.config.settings.aiModel === 'workspace-model');
    assert.deepEqual(a.app.config.settings.alertsEnvironments, ['production']);
    // The old name is a workspace value like the new one: the user's own URL until they allow it.
    assert.equal(a.app.trust.layers('baseUrl').workspaceValue, elsewhere);
    assert.equal(a.app.trust.decision('baseUrl', '').state, 'pending');
    assert.equal(a.app.config.settings.baseUrl, url);
    await a.app.trust.request(['baseUrl'], { userAction: true });
    assert.ok(
      questions.some((q) => `${q.message}\n${q.detail}`.includes(elsewhere)),
      questions.map((q) => q.message).join('\n'),
    );
    assert.equal(a.app.config.settings.baseUrl, url, 'declined: still the user URL');
    assert.equal(readFile()['sentryRca.ai.model'], 'workspace-model', 'not rewritten unasked');

    // The offer: "Not now" is remembered for the workspace.
    await a.app.context.workspaceState.update(StateKeys.legacySettingsDeclined, undefined);
    const prompts: Array<{ message: string; actions: string[] }> = [];
    let answer = NOT_NOW_ACTION;
    a.app.settingsMigration.ask = async (message, ...actions) => {
      prompts.push({ message, actions });
      return answer;
    };
    assert.equal(a.app.settingsMigration.workspaceScopes().length, 1);
    assert.equal(await a.app.settingsMigration.offerWorkspaceUpdate(), 'not-now');
    assert.equal(await a.app.settingsMigration.offerWorkspaceUpdate(), 'declined-before');
    assert.deepEqual(prompts, [
      {
        message: "This workspace's settings use the old names `sentryRca.*`. Update .vscode/settings.json?",
        actions: [UPDATE_ACTION, NOT_NOW_ACTION],
      },
    ]);
    assert.equal(readFile()['sentryRca.ai.model'], 'workspace-model');

    // "Update" moves them.
    await a.app.context.workspaceState.update(StateKeys.legacySettingsDeclined, undefined);
    answer = UPDATE_ACTION;
    assert.equal(await a.app.settingsMigration.offerWorkspaceUpdate(), 'updated');
    const file = readFile();
    assert.deepEqual(file['sentryRCA.alerts.environments'], ['production']);
    assert.equal(file['sentryRCA.ai.model'], 'workspace-model');
    assert.equal(file['sentryRCA.baseUrl'], elsewhere);
    assert.deepEqual(
      Object.keys(file).filter((k) => k.startsWith('sentryRca.')),
      [],
      'no old names left in the file',
    );
    for (const [k, v] of Object.entries(existing)) assert.deepEqual(file[k], v, `${k} kept`);
    assert.equal(a.app.settingsMigration.workspaceScopes().length, 0);
    // Same values, same answers: still the workspace's model, and still the user's URL (declined).
    assert.equal(a.app.config.settings.aiModel, 'workspace-model');
    assert.equal(a.app.trust.decision('baseUrl', '').state, 'pending');
    assert.equal(a.app.config.settings.baseUrl, url);
  });

  it('"Add Path Mapping…" in a workspace still on the old name appends to its list under the new name', async () => {
    const old = { from: '/srv/old/', to: '${workspaceFolder}/' };
    const added = { from: '/srv/new/', to: '${workspaceFolder}/lib/' };
    await vscode.workspace.getConfiguration('sentryRca').update('pathMappings', [old], W);
    await waitFor('the old-name mappings read', () => a.app.config.settings.pathMappings.length === 1);
    await writeMapping(added);
    const file = readFile();
    assert.deepEqual(file['sentryRCA.pathMappings'], [old, added]);
    assert.equal(file['sentryRca.pathMappings'], undefined, 'the old entry is gone, not left to confuse');
    await waitFor('both mappings read', () => a.app.config.settings.pathMappings.length === 2);
  });
});
