/**
 * The README the .vsix carries (scripts/package-readme.mjs): images embedded as data: URIs (the extension
 * page shows no relative image offline), links to files the package does not hold made plain text, and
 * the check `npm run package` and the .vsix test run on the packaged README.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { embeddedImages, packageReadme, readmeImagePaths, readmeProblems } from '../../../scripts/package-readme.mjs';

const root = mkdtempSync(join(tmpdir(), 'sentry-rca-readme-'));
after(() => rmSync(root, { recursive: true, force: true }));
// A real PNG header and some bytes: the check looks at the signature.
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
mkdirSync(join(root, 'shots'), { recursive: true });
writeFileSync(join(root, 'shots', 'tree.png'), png);
writeFileSync(join(root, 'shots', 'logo.svg'), '<svg/>');
const packaged = (p: string) => p === 'LICENSE' || p.startsWith('media/');

const README = [
  '# Title',
  '![The tree](shots/tree.png "the tree")',
  '<img src="shots/tree.png" width="300">',
  'See [CONTRIBUTING.md](CONTRIBUTING.md), [the licence](LICENSE), [security](#security) and [docs](https://example.com/x).',
  'Inline `![not an image](shots/missing.png)` stays as written.',
  '```md',
  '![in a fence](shots/missing.png) [a link](docs/X.md)',
  '```',
].join('\n');

test('images become data: URIs of the very files, links to unpackaged files plain text, code untouched', () => {
  const out = packageReadme(README, { root, packaged });
  assert.deepEqual(
    out.images.map((i) => i.path),
    ['shots/tree.png', 'shots/tree.png'],
  );
  assert.deepEqual(out.unlinked, ['CONTRIBUTING.md']);
  assert.match(out.text, /!\[The tree\]\(data:image\/png;base64,[A-Za-z0-9+/=]+ "the tree"\)/);
  assert.match(out.text, /<img src="data:image\/png;base64,[^"]+" width="300">/);
  assert.ok(out.text.includes('See CONTRIBUTING.md, [the licence](LICENSE), [security](#security)'));
  assert.ok(out.text.includes('[docs](https://example.com/x)'));
  assert.ok(out.text.includes('`![not an image](shots/missing.png)`'));
  assert.ok(out.text.includes('![in a fence](shots/missing.png) [a link](docs/X.md)'));
  const embedded = embeddedImages(out.text);
  assert.equal(embedded.length, 2);
  for (const b of embedded) assert.ok(b.equals(png));
  assert.deepEqual(readmeImagePaths(README), ['shots/tree.png', 'shots/tree.png']);
  assert.deepEqual(readmeProblems(out.text, new Set(['LICENSE', 'readme.md', 'media/icon.png'])), []);
});

test('a missing image or an SVG stops packaging with what to do', () => {
  assert.throws(() => packageReadme('![x](shots/none.png)', { root, packaged }), /shots\/none\.png does not exist/);
  assert.throws(() => packageReadme('![x](shots/logo.svg)', { root, packaged }), /PNG, JPEG or GIF/);
});

test('the packaged-README check names each image that would show broken and each dead link', () => {
  const problems = readmeProblems(
    [
      '![a](media/screenshots/tree.png)',
      '![b](http://example.com/x.png)',
      '![c](data:image/png;base64,AAAA)',
      '![d](https://example.com/ok.png)',
      '[e](CONTRIBUTING.md) [f](media/icon.png) [g](#anchor)',
    ].join('\n'),
    new Set(['media/icon.png']),
  );
  assert.equal(problems.length, 4, problems.join('\n'));
  assert.match(problems[0]!, /media\/screenshots\/tree\.png is neither embedded nor https/);
  assert.match(problems[1]!, /http:\/\/example\.com\/x\.png is neither embedded nor https/);
  assert.match(problems[2]!, /not a valid png/);
  assert.match(problems[3]!, /CONTRIBUTING\.md, which is not in the package/);
});
