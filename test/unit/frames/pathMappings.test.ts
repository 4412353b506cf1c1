import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMapping, parsePathMappings, resolveMappingTarget } from '../../../src/core/frames/pathMappings';

const roots = [
  { name: 'shop', path: '/ws/shop' },
  { name: 'infra', path: '/ws/infra' },
];

describe('path mapping settings', () => {
  test('valid entries pass, each bad entry is named with what is wrong', () => {
    const { mappings, errors } = parsePathMappings([
      { from: '/app/', to: '${workspaceFolder}/' },
      { from: '/srv/infra/', to: '${workspaceFolder:infra}/', project: 'infra-api' },
      { from: '', to: 'x' },
      { from: '/a/', to: 42 },
      'nonsense',
      { from: '/b/', to: '${env:HOME}/b' },
      { from: '/c/', to: '/c', project: '' },
    ]);
    assert.deepEqual(mappings, [
      { from: '/app/', to: '${workspaceFolder}/' },
      { from: '/srv/infra/', to: '${workspaceFolder:infra}/', project: 'infra-api' },
    ]);
    assert.equal(errors.length, 5);
    assert.match(errors[0]!, /pathMappings\[2\].*"from"/);
    assert.match(errors[1]!, /pathMappings\[3\].*"to"/);
    assert.match(errors[2]!, /pathMappings\[4\] must be an object/);
    assert.match(errors[3]!, /\$\{env:HOME\}.*only \$\{workspaceFolder\}/);
    assert.match(errors[4]!, /"project"/);
  });

  test('a setting that is not a list is one clear error', () => {
    assert.match(parsePathMappings({ from: '/a' }).errors[0]!, /must be a list/);
    assert.deepEqual(parsePathMappings(undefined), { mappings: [], errors: [] });
  });
});

describe('${workspaceFolder} substitution', () => {
  test('first folder, folder by name, unknown folder, no folder', () => {
    assert.deepEqual(resolveMappingTarget('${workspaceFolder}/src', roots), { ok: true, path: '/ws/shop/src' });
    assert.deepEqual(resolveMappingTarget('${workspaceFolder:infra}/', roots), { ok: true, path: '/ws/infra/' });
    const bad = resolveMappingTarget('${workspaceFolder:web}/', roots);
    assert.ok(!bad.ok);
    assert.match(bad.error, /"web".*not open.*shop, infra/);
    assert.ok(!resolveMappingTarget('${workspaceFolder}/', []).ok);
  });
});

describe('applying a mapping', () => {
  test('prefix at a segment boundary, remainder joined', () => {
    assert.equal(applyMapping('/app/src/a.js', { from: '/app/', to: '' }, '/ws/shop'), '/ws/shop/src/a.js');
    assert.equal(applyMapping('/app/src/a.js', { from: '/app', to: '' }, '/ws/shop'), '/ws/shop/src/a.js');
    assert.equal(applyMapping('/application/a.js', { from: '/app', to: '' }, '/ws/shop'), undefined);
    assert.equal(
      applyMapping(
        'https://cdn.example.com/static/js/app.js?v=3',
        { from: 'https://cdn.example.com/static/', to: '' },
        '/ws/shop/public',
      ),
      '/ws/shop/public/js/app.js',
    );
  });

  test('Windows prefixes compare without case and with either slash', () => {
    assert.equal(
      applyMapping('c:\\Build\\Shop\\src\\a.cs', { from: 'C:/build/shop/', to: '' }, '/ws/shop'),
      '/ws/shop/src/a.cs',
    );
  });
});
