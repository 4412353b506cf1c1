import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogRule, selectLogRequests } from '../../../src/core/logs/hostSelection';
import { RcaError } from '../../../src/core/common/errors';

const aliases = new Set(['web1', 'web2', 'api-7.prod']);
const has = (a: string) => aliases.has(a);

describe('log source rules', () => {
  test('parse: global, per project, per project/environment, tag hosts', () => {
    assert.deepEqual(parseLogRule('web1=file:/var/log/a.log'), {
      project: '*',
      environment: '*',
      host: { alias: 'web1' },
      source: { kind: 'file', path: '/var/log/a.log' },
    });
    assert.deepEqual(parseLogRule('[api] web2=docker:api').project, 'api');
    assert.deepEqual(parseLogRule('[api/production] web2=docker:api').environment, 'production');
    assert.deepEqual(parseLogRule('[*/staging] {server_name}=journald:api.service').host, { tag: 'server_name' });
  });

  test('bad rules say what is expected', () => {
    assert.throws(
      () => parseLogRule('web1:file:/x'),
      (e: unknown) => e instanceof RcaError && /\[PROJECT\/ENV\] HOST=SPEC/.test(e.message),
    );
    assert.throws(
      () => parseLogRule('{user}=file:/x'),
      (e: unknown) => e instanceof RcaError && /not a valid host alias/.test(e.message),
    );
  });

  test('select by project and environment; duplicates collapse', () => {
    const rules = [
      'web1=file:/var/log/a.log',
      '[api] web2=docker:api',
      '[api/production] web2=journald:api.service',
      '[web] web2=docker:web',
      'web1=file:/var/log/a.log',
    ];
    const prod = selectLogRequests(rules, { project: 'api', environment: 'production' }, has);
    assert.deepEqual(
      prod.requests.map((r) => `${r.host} ${r.source.kind}`),
      ['web1 file', 'web2 docker', 'web2 journald'],
    );
    const staging = selectLogRequests(rules, { project: 'api', environment: 'staging' }, has);
    assert.deepEqual(
      staging.requests.map((r) => `${r.host} ${r.source.kind}`),
      ['web1 file', 'web2 docker'],
    );
  });

  test('tag fallback only for aliases the ssh config has; hostile tag values never become hosts', () => {
    const rules = ['[api] {server_name}=file:/var/log/app.log', '[api] {host}=docker:api'];
    const ok = selectLogRequests(rules, { project: 'api', tags: [{ key: 'server_name', value: 'api-7.prod' }] }, has);
    assert.deepEqual(ok.requests, [{ host: 'api-7.prod', source: { kind: 'file', path: '/var/log/app.log' } }]);
    assert.match(ok.notes[0]!, /no host tag/);
    for (const value of ['unknown-host', '$(touch /tmp/x)', '-oProxyCommand=x', 'web1;id']) {
      const r = selectLogRequests(rules, { project: 'api', tags: { server_name: value, host: value } }, has);
      assert.deepEqual(r.requests, [], value);
      assert.match(r.notes.join(' '), /is not a Host alias in your ssh config/);
    }
  });

  test('an invalid rule is reported, the others still apply', () => {
    const r = selectLogRequests(['nonsense', 'web1=file:/x.log'], { project: 'p' }, has);
    assert.equal(r.requests.length, 1);
    assert.match(r.notes[0]!, /not \[PROJECT\/ENV\] HOST=SPEC/);
  });
});
