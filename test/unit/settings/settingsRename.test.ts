// The rename sentryRca.* → sentryRCA.*: reading both names scope by scope (and the consent a workspace
// value needs under either name), moving values within one scope, and the CLI reading a repository's
// settings file under either name.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Logger } from '../../../src/core/common/logger';
import { effectiveValue, layersAt, mergeRenamedLayers } from '../../../src/core/settings/renamedLayers';
import { settingInFile, withNewNames } from '../../../src/core/settings/settingNames';
import { migrateScope, planMigration, type SettingsScope } from '../../../src/core/settings/settingsMigration';
import { ConsentLedger } from '../../../src/core/trust/consentLedger';
import type { ConsentQuestion } from '../../../src/core/trust/consentQuestion';
import type { ConsentSetting, SettingLayers } from '../../../src/core/trust/workspaceValues';
import { readRepoSettings } from '../../../src/cli/repoSettings';
import { readWorkspaceFrameSettings } from '../../../src/core/frames/workspaceSettings';

/** One settings file in memory; `failOn` makes writes of that name throw, as a read-only file would. */
function memoryScope(values: Record<string, unknown>, failOn = new Set<string>()) {
  const file = new Map(Object.entries(values));
  const writes: Array<[string, unknown]> = [];
  const scope: SettingsScope = {
    label: 'user settings',
    read: (name) => file.get(name),
    write: async (name, value) => {
      if (failOn.has(name)) throw new Error(`EACCES: cannot write ${name}`);
      writes.push([name, value]);
      if (value === undefined) file.delete(name);
      else file.set(name, structuredClone(value));
    },
  };
  return { scope, file, writes };
}

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (m: string | Error) => void lines.push(`${level} ${String(m)}`);
  return { lines, trace: add('trace'), debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

describe('reading a renamed setting', () => {
  test("one setting's layers out of its section's (VS Code's object trees)", () => {
    const section = {
      defaultValue: { baseUrl: 'https://sentry.io', ai: { model: 'gpt-4o-mini', baseUrl: '' }, pathMappings: [] },
      globalValue: { ai: { model: 'mine' } },
      workspaceValue: { pathMappings: [{ from: '/a/', to: '/b/' }], ai: 'not an object' },
    };
    assert.deepEqual(layersAt(section, 'ai.model'), { defaultValue: 'gpt-4o-mini', globalValue: 'mine' });
    assert.deepEqual(layersAt(section, 'pathMappings'), {
      defaultValue: [],
      workspaceValue: [{ from: '/a/', to: '/b/' }],
    });
    assert.deepEqual(layersAt(section, 'ai.baseUrl'), { defaultValue: '' });
    // Never a prototype's property, nothing inside an array, nothing for an unset section.
    assert.deepEqual(layersAt(section, 'constructor'), {});
    assert.deepEqual(layersAt(section, 'pathMappings.length'), {});
    assert.deepEqual(layersAt(undefined, 'baseUrl'), {});
  });

  test('at one scope the new name wins; across scopes the usual precedence holds', () => {
    const current: SettingLayers<string> = { defaultValue: 'https://sentry.io', globalValue: 'https://mine' };
    const legacy: SettingLayers<string> = { globalValue: 'https://old-mine', workspaceValue: 'https://repo' };
    const layers = mergeRenamedLayers(current, legacy);
    assert.deepEqual(layers, {
      defaultValue: 'https://sentry.io',
      globalValue: 'https://mine',
      workspaceValue: 'https://repo',
    });
    // The old name's workspace value outranks the new name's user value, as a new-name workspace value would.
    assert.equal(effectiveValue(layers), 'https://repo');
    assert.equal(
      effectiveValue(
        mergeRenamedLayers({ workspaceValue: 'new' }, { workspaceValue: 'old', workspaceFolderValue: 'f' }),
      ),
      'f',
    );
    assert.equal(effectiveValue(mergeRenamedLayers({ defaultValue: 5 }, {})), 5);
    assert.equal(effectiveValue(mergeRenamedLayers<number>({}, {})), undefined);
  });

  test('an old-name workspace baseUrl asks for the same consent; once moved to the new name it is not asked again', async () => {
    const state = new Map<string, unknown>();
    const asked: ConsentQuestion[] = [];
    const files: { current: SettingLayers<unknown>; legacy: SettingLayers<unknown> } = {
      current: { defaultValue: 'https://sentry.io', globalValue: 'https://sentry.example.com' },
      legacy: { workspaceValue: 'https://attacker.example' },
    };
    const ledger = new ConsentLedger({
      state: {
        get: <T>(k: string, d: T) => (state.has(k) ? (state.get(k) as T) : d),
        update: async (k, v) => void state.set(k, v),
      },
      stateKey: 'allowed',
      workspaceId: () => 'file:///repo',
      layers: (_s: ConsentSetting) => mergeRenamedLayers(files.current, files.legacy),
      question: async (s, value) => ({ message: `${s} → ${String(value)}?`, detail: '', allow: 'Allow' }),
      confirm: async (q) => {
        asked.push(q);
        return true;
      },
      log: recordingLog(),
      label: (s) => `sentryRCA.${s}`,
    });
    const before = ledger.decision<string>('baseUrl', '');
    assert.equal(before.state, 'pending');
    assert.equal(before.value, 'https://sentry.example.com', "until allowed, the user's own URL is used");
    await ledger.request(['baseUrl']);
    assert.deepEqual(
      asked.map((q) => q.message),
      ['baseUrl → https://attacker.example?'],
    );
    assert.equal(ledger.decision<string>('baseUrl', '').value, 'https://attacker.example');
    // "Update" moved the value to the new name: the answer is keyed by setting and value, not by name.
    files.current = { ...files.current, workspaceValue: 'https://attacker.example' };
    files.legacy = {};
    await ledger.request(['baseUrl']);
    assert.equal(asked.length, 1, 'not asked again');
    assert.equal(ledger.decision<string>('baseUrl', '').state, 'allowed');
  });
});

describe('moving old names within one scope', () => {
  const KEYS = ['baseUrl', 'projects', 'pathMappings', 'eventsPerIssue', 'organization'];

  test('moves strings, numbers, arrays and arrays of objects, then removes the old names', async () => {
    const mappings = [{ from: '/srv/app/', to: '${workspaceFolder}/', project: 'api' }];
    const { scope, file, writes } = memoryScope({
      'sentryRca.baseUrl': 'https://sentry.example.com',
      'sentryRca.projects': ['api', 'web'],
      'sentryRca.pathMappings': mappings,
      'sentryRca.eventsPerIssue': 12,
      'editor.fontSize': 14,
    });
    const log = recordingLog();
    const r = await migrateScope(KEYS, scope, log);
    assert.deepEqual(r, { moved: ['baseUrl', 'projects', 'pathMappings', 'eventsPerIssue'], dropped: [], failed: [] });
    assert.deepEqual(Object.fromEntries(file), {
      'sentryRCA.baseUrl': 'https://sentry.example.com',
      'sentryRCA.projects': ['api', 'web'],
      'sentryRCA.pathMappings': mappings,
      'sentryRCA.eventsPerIssue': 12,
      'editor.fontSize': 14,
    });
    // Each new name is written before its old one is removed.
    assert.deepEqual(
      writes.slice(0, 2).map(([k, v]) => [k, v === undefined]),
      [
        ['sentryRCA.baseUrl', false],
        ['sentryRca.baseUrl', true],
      ],
    );
    assert.ok(log.lines.some((l) => /moved 4 setting\(s\)/.test(l)));
  });

  test('a value the user already set under the new name is kept; the old one is removed and logged', async () => {
    const { scope, file } = memoryScope({
      'sentryRca.organization': 'old-org',
      'sentryRCA.organization': 'new-org',
      'sentryRca.projects': ['api'],
      'sentryRCA.projects': ['api'],
    });
    const log = recordingLog();
    const r = await migrateScope(KEYS, scope, log);
    assert.deepEqual(r.dropped, ['projects', 'organization']);
    assert.deepEqual(r.moved, []);
    assert.deepEqual(Object.fromEntries(file), { 'sentryRCA.organization': 'new-org', 'sentryRCA.projects': ['api'] });
    assert.ok(
      log.lines.some((l) =>
        /info .*sentryRCA\.organization is already set, so sentryRca\.organization is removed without being used \(its value differed\)/.test(
          l,
        ),
      ),
      log.lines.join('\n'),
    );
    assert.ok(log.lines.some((l) => /sentryRca\.projects is removed without being used \(same value\)/.test(l)));
  });

  test('nothing to do: no old names, no writes', async () => {
    const { scope, writes } = memoryScope({ 'sentryRCA.baseUrl': 'https://x', 'sentryRca.unrelated': 1 });
    assert.deepEqual(planMigration(KEYS, scope), []);
    assert.deepEqual(await migrateScope(KEYS, scope, recordingLog()), { moved: [], dropped: [], failed: [] });
    assert.deepEqual(writes, []);
  });

  test('a failed write leaves that old value in place (it still applies) and the others move', async () => {
    const { scope, file } = memoryScope(
      { 'sentryRca.baseUrl': 'https://sentry.example.com', 'sentryRca.organization': 'acme' },
      new Set(['sentryRCA.baseUrl']),
    );
    const log = recordingLog();
    const r = await migrateScope(KEYS, scope, log);
    assert.deepEqual(r.moved, ['organization']);
    assert.deepEqual(r.failed, [{ key: 'baseUrl', error: 'EACCES: cannot write sentryRCA.baseUrl' }]);
    assert.deepEqual(Object.fromEntries(file), {
      'sentryRca.baseUrl': 'https://sentry.example.com',
      'sentryRCA.organization': 'acme',
    });
    assert.ok(log.lines.some((l) => /^warn .*could not write sentryRCA\.baseUrl, so sentryRca\.baseUrl stays/.test(l)));
    // Reading still finds it.
    assert.equal(
      effectiveValue(
        mergeRenamedLayers({ defaultValue: 'https://sentry.io' }, { globalValue: file.get('sentryRca.baseUrl') }),
      ),
      'https://sentry.example.com',
    );
  });

  test('an old name that cannot be removed after the move leaves the new one in charge', async () => {
    const { scope, file } = memoryScope({ 'sentryRca.organization': 'acme' }, new Set(['sentryRca.organization']));
    const log = recordingLog();
    const r = await migrateScope(KEYS, scope, log);
    assert.deepEqual(r.moved, ['organization']);
    assert.equal(file.get('sentryRCA.organization'), 'acme');
    assert.ok(
      log.lines.some((l) =>
        /^warn .*sentryRCA\.organization is set, but sentryRca\.organization could not be removed/.test(l),
      ),
    );
  });
});

describe("a repository's settings file under either name (CLI)", () => {
  const repo = (settings: Record<string, unknown>) => {
    const dir = mkdtempSync(join(tmpdir(), 'sentry-rca-names-'));
    mkdirSync(join(dir, '.vscode'));
    writeFileSync(join(dir, '.vscode', 'settings.json'), `// old names\n${JSON.stringify(settings, null, 2)}\n`);
    return dir;
  };

  test("a file the extension owns (the demo's) gets every old name moved, a new value kept", () => {
    assert.deepEqual(
      withNewNames({
        'sentryRca.baseUrl': 'http://127.0.0.1:1',
        'sentryRCA.baseUrl': 'http://127.0.0.1:2',
        'sentryRca.pathMappings': [{ from: '/a/', to: '/b/' }],
        'editor.tabSize': 2,
      }),
      {
        'sentryRCA.baseUrl': 'http://127.0.0.1:2',
        'sentryRCA.pathMappings': [{ from: '/a/', to: '/b/' }],
        'editor.tabSize': 2,
      },
    );
    assert.deepEqual(withNewNames({ 'sentryRCA.organization': 'demo' }), { 'sentryRCA.organization': 'demo' });
  });

  test('old names count; the new name wins when both are set', () => {
    assert.equal(settingInFile({ 'sentryRca.ai.model': 'a', 'sentryRCA.ai.model': 'b' }, 'ai.model'), 'b');
    assert.equal(settingInFile({ 'sentryRca.ai.model': 'a' }, 'ai.model'), 'a');
    const dir = repo({
      'sentryRca.logs.sources': ['api:file:/var/log/api.log'],
      'sentryRca.pathMappings': [{ from: '/srv/app/', to: '${workspaceFolder}/' }],
      'sentryRca.ai.model': 'old-model',
      'sentryRCA.ai.model': 'new-model',
      'sentryRca.baseUrl': 'https://attacker.example',
    });
    const r = readRepoSettings(dir);
    assert.deepEqual(r.logSources, ['api:file:/var/log/api.log']);
    assert.deepEqual(r.mappings, [{ from: '/srv/app/', to: '${workspaceFolder}/' }]);
    assert.equal(r.aiModel, 'new-model');
    // Never honoured from a repository under either name, and named as the file names it.
    assert.deepEqual(r.neverUsed, ['sentryRca.baseUrl']);
    assert.deepEqual(readWorkspaceFrameSettings(dir).mappings, [{ from: '/srv/app/', to: '${workspaceFolder}/' }]);
  });
});
