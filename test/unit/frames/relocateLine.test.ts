import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { relocateLine, sameSourceLine } from '../../../src/core/frames/relocateLine';

const release = [
  "'use strict';",
  'function parsePrice(text) {',
  "  const [amount] = text.split(' ');",
  '  return Number(amount);',
  '}',
];
const frameAt3 = { lineNo: 3, context: release.map((t, i) => [i + 1, t] as [number, string]) };

describe('relocateLine', () => {
  test('same line: unchanged', () => {
    assert.deepEqual(relocateLine(release.join('\n'), frameAt3), { line: 3, status: 'same' });
  });

  test('re-indentation does not count as a change', () => {
    const text = release.map((l) => l.replace(/^ {2}/, '\t')).join('\n');
    assert.equal(relocateLine(text, frameAt3).status, 'same');
  });

  test('lines inserted above: found below, reported as moved', () => {
    const now = [
      "'use strict';",
      '// Prices arrive as "12.50 EUR".',
      '// (comment added after the release)',
      ...release.slice(1),
    ];
    assert.deepEqual(relocateLine(now.join('\r\n'), frameAt3), { line: 5, status: 'moved', moved: { from: 3, to: 5 } });
  });

  test('lines removed above: found above', () => {
    const now = release.slice(1);
    assert.deepEqual(relocateLine(now, frameAt3).moved, { from: 3, to: 2 });
  });

  test('two copies of the line: the one whose neighbours match wins, even if further away', () => {
    const decoy = ['function other(text) {', "  const [amount] = text.split(' ');", '  return amount;', '}'];
    const now = ["'use strict';", ...decoy, '', '', '', ...release.slice(1)];
    // The frame says line 2; the decoy's copy (line 3) is nearer than parsePrice's (line 10).
    const r = relocateLine(now, {
      lineNo: 2,
      context: frameAt3.context.map(([n, t]) => [n - 1, t] as [number, string]),
    });
    assert.equal(r.status, 'moved');
    assert.equal(now[r.line - 1], "  const [amount] = text.split(' ');");
    assert.equal(now[r.line - 2], 'function parsePrice(text) {', 'picked the copy inside parsePrice');
  });

  test('beyond ±30 lines or deleted: changed, line kept', () => {
    const now = ["'use strict';", ...Array.from({ length: 40 }, (_v, i) => `// filler ${i}`), ...release.slice(1)];
    assert.deepEqual(relocateLine(now, frameAt3), { line: 3, status: 'changed' });
  });

  test('no context line or no line number: unknown', () => {
    assert.deepEqual(relocateLine(release, { lineNo: 3, context: [] }), { line: 3, status: 'unknown' });
    assert.deepEqual(relocateLine(release, { lineNo: null, context: frameAt3.context }), {
      line: 1,
      status: 'unknown',
    });
  });

  test('a blank context line is only relocated when its neighbours agree', () => {
    const ctx: Array<[number, string]> = [
      [9, 'const a = compute();'],
      [10, ''],
      [11, 'return a;'],
    ];
    const now = ['x', '', 'y', '', 'const a = compute();', '', 'return a;'];
    assert.deepEqual(relocateLine(now, { lineNo: 10, context: ctx }).moved, { from: 10, to: 6 });
    assert.equal(
      relocateLine(['a', '', 'b', '', 'c', '', 'd', '', 'e', 'f'], { lineNo: 10, context: ctx }).status,
      'changed',
    );
  });
});

describe('sameSourceLine', () => {
  test('Sentry {snip} markers: the kept pieces must appear in order', () => {
    const long =
      '  const result = someVeryLongFunctionName(argumentNumberOne, argumentNumberTwo, argumentNumberThree);';
    assert.equal(sameSourceLine(long, '{snip} someVeryLongFunctionName(argumentNumberOne, {snip}'), true);
    assert.equal(sameSourceLine(long, '{snip} otherFunction(argumentNumberOne, {snip}'), false);
    assert.equal(sameSourceLine(undefined, 'x'), false);
  });
});
