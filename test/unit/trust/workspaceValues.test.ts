// A repository's .vscode/settings.json may not steer secrets or commands without the user's yes: the
// decision (which value applies) and the question (what exactly would happen), in plain Node.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, fingerprint } from '../../../src/core/trust/workspaceValues';
import { consentQuestion, describeLogSources } from '../../../src/core/trust/consentQuestion';
import { isLoopbackHost } from '../../../src/core/trust/loopback';
import { SentryClient } from '../../../src/core/sentry/sentryClient';
import { RcaError } from '../../../src/core/common/errors';

const none = () => false;

describe('workspace values of consent settings', () => {
  test('the user value applies until the workspace value is allowed; a changed value asks again', () => {
    const layers = { defaultValue: 'https://sentry.io', workspaceValue: 'http://127.0.0.1:9/steal' };
    const d = decide('baseUrl', layers, '', 'file:///repo', none);
    assert.equal(d.state, 'pending');
    assert.equal(d.value, 'https://sentry.io');
    assert.equal(d.workspaceValue, 'http://127.0.0.1:9/steal');
    const allowed = new Set([d.fingerprint!]);
    const yes = decide('baseUrl', layers, '', 'file:///repo', (fp) => allowed.has(fp));
    assert.deepEqual([yes.state, yes.value], ['allowed', 'http://127.0.0.1:9/steal']);
    // Another value, another workspace or another setting: not covered by that yes.
    assert.equal(
      decide('baseUrl', { ...layers, workspaceValue: 'http://127.0.0.1:10/' }, '', 'file:///repo', (fp) =>
        allowed.has(fp),
      ).state,
      'pending',
    );
    assert.equal(decide('baseUrl', layers, '', 'file:///other', (fp) => allowed.has(fp)).state, 'pending');
    assert.notEqual(fingerprint('file:///repo', 'aiBaseUrl', layers.workspaceValue), d.fingerprint);
  });

  test('user settings win over the default; a folder value over a .code-workspace value; the same value needs no question', () => {
    assert.equal(
      decide(
        'aiBaseUrl',
        { defaultValue: '', globalValue: 'https://gw.example', workspaceValue: 'https://evil.example' },
        '',
        'w',
        none,
      ).value,
      'https://gw.example',
    );
    assert.equal(
      decide(
        'aiBaseUrl',
        { workspaceValue: 'https://a.example', workspaceFolderValue: 'https://b.example' },
        '',
        'w',
        none,
      ).workspaceValue,
      'https://b.example',
    );
    assert.equal(
      decide('logSources', { globalValue: ['web1:file:/x'], workspaceValue: ['web1:file:/x'] }, [], 'w', none).state,
      'user',
    );
    assert.equal(decide('logSources', { defaultValue: [] }, [], 'w', none).state, 'user');
  });

  test('the questions name the destination, the hosts and the commands', () => {
    const q = consentQuestion('baseUrl', 'http://127.0.0.1:4567/x', 'https://sentry.io');
    assert.equal(q.message, 'Send your Sentry auth token to http://127.0.0.1:4567?');
    assert.match(q.detail, /your own setting \(https:\/\/sentry\.io\) is used/);
    assert.match(
      consentQuestion('aiBaseUrl', 'https://llm.evil.example/v1', '').message,
      /AI API key and the diagnosis evidence to https:\/\/llm\.evil\.example\?$/,
    );
    const logs = consentQuestion(
      'logSources',
      ['web1:cmd:journalctl -u x --since {since}', 'web2=file:/var/log/app.log', 'web1:docker:api'],
      [],
    );
    assert.equal(logs.message, 'Run log commands on hosts web1, web2 over SSH?');
    assert.match(logs.detail, /• web1: `journalctl -u x --since \{since\}`/);
    assert.match(logs.detail, /• web2: read the files \/var\/log\/app\.log/);
    assert.match(consentQuestion('sshConfigFile', '/repo/ssh_config', '').message, /\/repo\/ssh_config/);
    assert.match(
      describeLogSources(["web1:cmd:grep '{grep}' /x"])[0]!.action,
      /not a valid log source; it would be refused/,
    );
  });
});

describe('loopback hosts', () => {
  test('only names that can mean this machine', () => {
    for (const h of ['localhost', 'LOCALHOST', 'demo.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1'])
      assert.equal(isLoopbackHost(h), true, h);
    for (const h of [
      'sentry.example',
      '10.0.0.1',
      '128.0.0.1',
      'localhost.evil.example',
      '127.0.0.1.evil.example',
      '0.0.0.0',
      '::',
    ])
      assert.equal(isLoopbackHost(h), false, h);
  });
});

describe('plain http for Sentry', () => {
  test('only to this machine, unless the user opted in', () => {
    const make = (baseUrl: string, allowHttp?: boolean) =>
      new SentryClient({ baseUrl, token: 'sntryu_x', org: 'acme', ...(allowHttp ? { allowHttp } : {}) });
    assert.throws(
      () => make('http://sentry.example.com'),
      (e: unknown) =>
        e instanceof RcaError &&
        e.kind === 'usage' &&
        /clear text/.test(e.message) &&
        /sentryRCA\.allowHttp/.test(e.hint ?? ''),
    );
    assert.doesNotThrow(() => make('http://sentry.example.com', true));
    assert.doesNotThrow(() => make('http://127.0.0.1:9000'));
    assert.doesNotThrow(() => make('http://localhost:9000'));
    assert.doesNotThrow(() => make('https://sentry.example.com'));
  });
});
