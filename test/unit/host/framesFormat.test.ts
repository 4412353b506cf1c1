import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RcaError } from '../../../src/core/common/errors';
import type { CrashSite } from '../../../src/core/frames/crashSites';
import type { MappedFrame } from '../../../src/core/frames/frameMapper';
import {
  compactCount,
  groupedLensTitle,
  hoverMarkdown,
  lensTitle,
  problemMessage,
} from '../../../src/host/editor/crashSiteFormat';
import { canAddMapping, commandUri, frameNote, lineNote, localLocation } from '../../../src/host/frames/frameNote';
import { appendMapping, frameLinkArgs, resolveFrameTarget, validateFrom } from '../../../src/host/frames/frameTarget';

const NOW = Date.parse('2026-11-25T15:00:00Z');

function site(p: Partial<CrashSite> = {}): CrashSite {
  return {
    issueId: '101',
    shortId: 'ORDERS-7',
    title: 'TypeError: x is undefined',
    level: 'error',
    count: 1234,
    lastSeen: '2026-11-25T12:00:00Z',
    path: '/ws/src/db/pool.mjs',
    line: 43,
    column: 13,
    eventId: 'e1',
    lineStatus: 'same',
    ...p,
  };
}

function mapped(p: Partial<MappedFrame> = {}): MappedFrame {
  return {
    ok: true,
    path: '/ws/src/db/pool.mjs',
    line: 43,
    column: 13,
    root: '/ws',
    via: 'suffix',
    lineStatus: 'same',
    ...p,
  };
}

const links = {
  openInSentry: (s: CrashSite) => commandUri('sentryRca.openInSentry', [s.issueId]),
  diagnose: (s: CrashSite) => commandUri('sentryRca.diagnoseIssue', [s.issueId]),
};

describe('crash-site lens text', () => {
  test('counts are compact the way Sentry shows them', () => {
    const cases: Array<[number, string]> = [
      [0, '0'],
      [7, '7'],
      [999, '999'],
      [1000, '1k'],
      [1234, '1.2k'],
      [9_949, '9.9k'],
      [9_950, '10k'],
      [45_000, '45k'],
      [999_499, '999k'],
      [999_500, '1M'],
      [1_260_000, '1.3M'],
      [2_000_000_000, '2B'],
      [-3, '0'],
      [Number.NaN, '0'],
    ];
    for (const [n, text] of cases) assert.equal(compactCount(n), text, String(n));
  });

  test('⚠ title · events · age', () => {
    assert.equal(lensTitle(site(), NOW), '⚠ TypeError: x is undefined · 1.2k events · 3 h ago');
    assert.equal(
      lensTitle(site({ count: 1, lastSeen: '2026-11-25T14:59:50Z' }), NOW),
      '⚠ TypeError: x is undefined · 1 event · just now',
    );
  });

  test('long or multi-line titles are cut to one readable line', () => {
    const t = lensTitle(site({ title: `Error: ${'a'.repeat(200)}\n  at somewhere` }), NOW);
    assert.ok(!t.includes('\n'));
    assert.match(t, /^⚠ Error: a+… · 1\.2k events · 3 h ago$/);
    assert.equal(t.split(' · ')[0]!.length, 2 + 90);
  });

  test('several issues on one line: the busiest named, the others counted', () => {
    const t = groupedLensTitle(
      [
        site({ count: 5, title: 'A' }),
        site({ count: 50, title: 'B' }),
        site({ count: 9, title: 'C' }),
        site({ count: 1, title: 'D' }),
      ],
      NOW,
    );
    assert.equal(t, '⚠ B · 50 events · 3 h ago · +3 more issues');
    assert.equal(groupedLensTitle([site()], NOW), lensTitle(site(), NOW));
    assert.equal(groupedLensTitle([], NOW), '');
  });

  test('the Problems entry names the issue, count and age', () => {
    assert.equal(problemMessage(site(), NOW), 'ORDERS-7: TypeError: x is undefined (1,234 events, last seen 3 h ago)');
  });
});

describe('crash-site hover', () => {
  test('issue details with Open in Sentry and Diagnose links, busiest first', () => {
    const md = hoverMarkdown(
      [site({ issueId: '1', shortId: 'A-1', count: 2 }), site({ issueId: '2', shortId: 'B-2', count: 20 })],
      NOW,
      links,
    );
    const [first, second] = md.split('\n\n---\n\n');
    assert.ok(first!.includes('B\\-2') && second!.includes('A\\-1'), md);
    assert.ok(first!.includes(`[Open in Sentry](command:sentryRca.openInSentry?${encodeURIComponent('["2"]')})`));
    assert.ok(first!.includes(`[Diagnose](command:sentryRca.diagnoseIssue?${encodeURIComponent('["2"]')})`));
    assert.ok(first!.includes('error · 20 events · last seen 3 h ago'));
  });

  test('Sentry text cannot add links, commands, HTML or icons', () => {
    const evil =
      'Error: [click](command:workbench.action.terminal.new) <img src=x onerror=alert(1)> $(alert) `code` **bold**';
    const md = hoverMarkdown([site({ title: evil, shortId: '[X](command:y)', level: '<b>' })], NOW, links);
    assert.ok(!md.includes('](command:workbench'), md);
    assert.ok(!md.includes('[X](command:y)'), md);
    assert.doesNotMatch(md, /(^|[^\\])<(img|b)/, 'HTML only as escaped text');
    assert.ok(!md.includes('$(alert)'), md);
    assert.ok(md.includes('\\[click\\]\\(command:workbench\\.action\\.terminal\\.new\\)'), md);
    // Only the two links we built remain as links.
    assert.equal(md.match(/\]\(command:/g)?.length, 2);
  });

  test('says when the crashing line moved or changed since the release', () => {
    assert.match(
      hoverMarkdown([site({ lineStatus: 'moved', moved: { from: 40, to: 43 } })], NOW, links),
      /Crashed at line 40 in the release; the line moved here since\./,
    );
    assert.match(
      hoverMarkdown([site({ lineStatus: 'changed' })], NOW, links),
      /This line changed since the release that crashed\./,
    );
  });
});

describe('frame tooltip note', () => {
  test('a mapped frame says where it opens, relative to its folder', () => {
    assert.equal(localLocation(mapped()), 'src/db/pool.mjs:43:13');
    assert.equal(localLocation(mapped({ root: undefined, path: '/elsewhere/x.js' })), '/elsewhere/x.js:43:13');
    assert.equal(localLocation(mapped({ path: 'C:\\ws\\src\\a.ts', root: 'C:\\ws' }), '\\'), 'src/a.ts:43:13');
    assert.equal(frameNote(mapped()), '**Opens** `src/db/pool.mjs:43:13`');
  });

  test('a moved or changed line is explained', () => {
    const moved = mapped({ lineStatus: 'moved', moved: { from: 40, to: 43 } });
    assert.equal(lineNote(moved), 'The crashing line moved from line 40 to line 43 since the release.');
    assert.match(
      frameNote(moved),
      /^\*\*Opens\*\* `src\/db\/pool\.mjs:43:13`  \nThe crashing line moved from line 40 to line 43 since the release\\\.$/,
    );
    assert.match(lineNote(mapped({ lineStatus: 'changed' })), /code changed since the release/);
    assert.equal(lineNote(mapped({ lineStatus: 'unknown' })), '');
  });

  test('an unmapped frame gives the reason, candidates and the Add Path Mapping link', () => {
    const link = commandUri('sentryRca.addPathMapping', [{ frame: { absPath: '/app/x.js' }, project: 'orders' }]);
    const note = frameNote(
      {
        ok: false,
        code: 'ambiguous',
        reason: 'Two files match src/x.js (use a path mapping).',
        candidates: ['/ws/a/src/x.js', '/ws/b/src/x.js'],
      },
      link,
    );
    assert.match(
      note,
      /^\*\*Not mapped to a local file:\*\* Two files match src\/x\\\.js \\\(use a path mapping\\\)\\\./,
    );
    assert.ok(note.includes('- `/ws/a/src/x.js`\n- `/ws/b/src/x.js`'));
    assert.ok(note.endsWith(`[Add Path Mapping…](${link})`));
    assert.ok(link.startsWith('command:sentryRca.addPathMapping?%5B%7B%22frame%22'));
  });

  test('no Add Path Mapping link where a mapping cannot help', () => {
    const native = { ok: false as const, code: 'native' as const, reason: 'Native code has no source file.' };
    assert.equal(canAddMapping(native), false);
    assert.ok(!frameNote(native, 'command:x').includes('Add Path Mapping'));
    assert.equal(canAddMapping({ ok: false, code: 'no-match', reason: '' }), true);
    assert.equal(canAddMapping(mapped()), false);
  });

  test('long candidate lists are cut', () => {
    const note = frameNote({
      ok: false,
      code: 'ambiguous',
      reason: 'r',
      candidates: Array.from({ length: 8 }, (_, i) => `/ws/p${i}/x.js`),
    });
    assert.equal(note.match(/^- `/gm)?.length, 5);
    assert.ok(note.includes('- … and 3 more'));
  });
});

describe('frame command arguments', () => {
  test('a tooltip link carries the path fields only and comes back as a whole frame', () => {
    const frame = {
      filename: 'src/x.js',
      absPath: '/app/src/x.js',
      module: null,
      package: null,
      platform: 'node',
      function: 'f',
      lineNo: 3,
      colNo: 5,
      inApp: true,
      context: [[3, 'x()']] as Array<[number, string]>,
    };
    const args = frameLinkArgs({ frame, project: 'orders' });
    assert.equal('context' in args.frame, false);
    const back = resolveFrameTarget(JSON.parse(JSON.stringify(args)));
    assert.deepEqual(back, { frame: { ...frame, function: null, context: [] }, project: 'orders' });
  });

  test('a tree row (frame plus a project getter) is accepted', () => {
    class Row {
      constructor(readonly frame: object) {}
      get project() {
        return 'billing';
      }
    }
    const t = resolveFrameTarget(
      new Row({ absPath: '/srv/a.py', lineNo: 'x', inApp: 'yes', context: [[1, 'a'], ['bad'], null] }),
    );
    assert.equal(t.project, 'billing');
    assert.equal(t.frame.lineNo, null);
    assert.equal(t.frame.inApp, false);
    assert.deepEqual(t.frame.context, [[1, 'a']]);
  });

  test('anything else is a usage error that says where to run the command', () => {
    for (const bad of [undefined, null, 'x', {}, { frame: null }]) {
      assert.throws(
        () => resolveFrameTarget(bad),
        (e: unknown) => e instanceof RcaError && e.kind === 'usage' && /frame in the Sentry view/.test(e.hint ?? ''),
      );
    }
  });

  test('the mapping prefix must start the frame path', () => {
    assert.equal(validateFrom('/app/', '/app/src/x.js'), undefined);
    assert.match(validateFrom('  ', '/app/src/x.js')!, /Enter the start/);
    assert.match(validateFrom('/srv/', '/app/src/x.js')!, /does not start with \/srv\//);
    assert.equal(validateFrom('c:\\Build\\', 'C:/build/src/x.cs'), undefined, 'drive paths compare case-insensitively');
  });

  test('a new mapping is appended once; malformed entries are dropped', () => {
    const m = { from: '/app/', to: '${workspaceFolder}/', project: 'orders' };
    assert.deepEqual(appendMapping(undefined, m), [m]);
    assert.deepEqual(appendMapping([{ from: '/x/', to: 'y/' }, null, 3], m), [{ from: '/x/', to: 'y/' }, m]);
    assert.deepEqual(appendMapping([m], { ...m }), [m]);
    assert.equal(appendMapping([m], { ...m, project: undefined }).length, 2);
  });
});
