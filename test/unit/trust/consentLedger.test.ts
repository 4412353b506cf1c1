// The bookkeeping behind the consent modal, in plain Node: one question per value at a time, a yes
// remembered per workspace and value, a no remembered for the session (asked again only when the user
// starts something), and a changed value asked about again.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConsentLedger } from '../../../src/core/trust/consentLedger';
import type { ConsentQuestion } from '../../../src/core/trust/consentQuestion';
import type { ConsentSetting, SettingLayers } from '../../../src/core/trust/workspaceValues';
import { nullLogger } from '../../../src/core/common/logger';

function ledger(workspaceValue: unknown) {
  const memento = new Map<string, unknown>();
  const layers: Record<string, SettingLayers<unknown>> = {
    baseUrl: { defaultValue: 'https://sentry.io', workspaceValue },
  };
  const asked: ConsentQuestion[] = [];
  let answer = false;
  let release: (() => void) | undefined;
  const l = new ConsentLedger({
    state: {
      get: <T>(k: string, d: T) => (memento.has(k) ? (memento.get(k) as T) : d),
      update: async (k, v) => {
        memento.set(k, v);
      },
    },
    stateKey: 'allowed',
    workspaceId: () => 'file:///repo',
    layers: (s: ConsentSetting) => layers[s] ?? {},
    question: async (s, value) => ({ message: `${s} → ${String(value)}?`, detail: '', allow: 'Allow' }),
    confirm: async (q) => {
      asked.push(q);
      if (release === undefined) return answer;
      await new Promise<void>((r) => {
        release = r;
      });
      return answer;
    },
    log: nullLogger,
    label: (s) => `sentryRca.${s}`,
  });
  return {
    l,
    memento,
    layers,
    asked,
    setAnswer: (a: boolean) => {
      answer = a;
    },
    hold: () => {
      release = () => {};
    },
    releaseNow: () => release?.(),
  };
}

describe('consent ledger', () => {
  test('a yes is remembered for that value; the setting then applies and listeners hear of it', async () => {
    const t = ledger('http://127.0.0.1:9000');
    assert.equal(t.l.decision('baseUrl', '').value, 'https://sentry.io');
    let allowed: string | undefined;
    t.l.onDidAllow((s) => {
      allowed = s;
    });
    t.setAnswer(true);
    await t.l.request(['baseUrl']);
    assert.deepEqual(
      t.asked.map((q) => q.message),
      ['baseUrl → http://127.0.0.1:9000?'],
    );
    assert.equal(t.l.decision('baseUrl', '').value, 'http://127.0.0.1:9000');
    assert.equal(allowed, 'baseUrl');
    await t.l.request(['baseUrl']);
    assert.equal(t.asked.length, 1, 'not asked again');
    // The repository changes the value: asked again.
    t.layers.baseUrl = { defaultValue: 'https://sentry.io', workspaceValue: 'http://127.0.0.1:9001' };
    assert.equal(t.l.decision('baseUrl', '').state, 'pending');
    await t.l.request(['baseUrl']);
    assert.equal(t.asked.length, 2);
  });

  test('a no holds for background work in this session, and a user action asks again', async () => {
    const t = ledger('http://127.0.0.1:9000');
    await t.l.request(['baseUrl']);
    await t.l.request(['baseUrl']);
    assert.equal(t.asked.length, 1);
    assert.equal(t.l.decision('baseUrl', '').value, 'https://sentry.io');
    t.setAnswer(true);
    await t.l.request(['baseUrl'], { userAction: true });
    assert.equal(t.asked.length, 2);
    assert.equal(t.l.decision('baseUrl', '').state, 'allowed');
  });

  test('requests while a question is open share it', async () => {
    const t = ledger('http://127.0.0.1:9000');
    t.hold();
    t.setAnswer(true);
    const a = t.l.request(['baseUrl']);
    const b = t.l.request(['baseUrl'], { userAction: true });
    await new Promise((r) => setTimeout(r, 10));
    t.releaseNow();
    await Promise.all([a, b]);
    assert.equal(t.asked.length, 1);
  });

  test('allow() records a value the extension wrote itself, without a question', async () => {
    const t = ledger('http://127.0.0.1:9000');
    await t.l.allow('baseUrl', 'http://127.0.0.1:9000');
    assert.equal(t.l.decision('baseUrl', '').state, 'allowed');
    await t.l.request(['baseUrl']);
    assert.deepEqual(t.asked, []);
  });
});
