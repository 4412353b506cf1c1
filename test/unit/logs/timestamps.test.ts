import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describeNeeding, missingCommand } from '../../support/needs';
import { AWK_TIMESTAMP_LIB, parseLogTime, parseZoneOffset, type TimeContext } from '../../../src/core/logs/timestamps';

const utc: TimeContext = { tzOffsetMinutes: 0, refMs: Date.parse('2026-11-25T12:00:00Z') };
const berlin: TimeContext = { tzOffsetMinutes: 60, refMs: Date.parse('2026-11-25T12:00:00Z') };

const cases: Array<[string, TimeContext, string | undefined]> = [
  ['2026-11-25T10:00:00Z INFO x', utc, '2026-11-25T10:00:00.000Z'],
  ['2026-11-25T10:00:00.123456Z INFO x', utc, '2026-11-25T10:00:00.123Z'],
  ['2026-11-25 10:00:00,250 INFO x', utc, '2026-11-25T10:00:00.250Z'],
  ['2026-11-25T11:00:00+01:00 x', utc, '2026-11-25T10:00:00.000Z'],
  ['2026-11-25T05:00:00-0500 x', utc, '2026-11-25T10:00:00.000Z'],
  ['2026-11-25T10:00:00 +0530 x', utc, '2026-11-25T04:30:00.000Z'],
  ['2026-11-25T11:00:00 no zone uses server zone', berlin, '2026-11-25T10:00:00.000Z'],
  ['[2026-11-25T10:00:00Z] bracketed', utc, '2026-11-25T10:00:00.000Z'],
  ['Nov 25 11:00:00 web1 app[1]: syslog', berlin, '2026-11-25T10:00:00.000Z'],
  ['Nov  5 10:00:00 web1 app[1]: one-digit day', utc, '2026-11-05T10:00:00.000Z'],
  // Syslog has no year: the nearest one to the reference time is taken (New Year windows).
  [
    'Dec 31 23:59:59 web1 x',
    { tzOffsetMinutes: 0, refMs: Date.parse('2027-01-01T00:10:00Z') },
    '2026-12-31T23:59:59.000Z',
  ],
  [
    'Jan  1 00:01:00 web1 x',
    { tzOffsetMinutes: 0, refMs: Date.parse('2026-12-31T23:50:00Z') },
    '2027-01-01T00:01:00.000Z',
  ],
  ['May  1 00:00:00 web1 x', utc, '2026-05-01T00:00:00.000Z'],
  ['Dec 31 23:59:59 future means last year', utc, '2025-12-31T23:59:59.000Z'],
  ['Foo 25 10:00:00 not a month', utc, undefined],
  ['10.0.0.1 - - [25/Nov/2026:11:00:00 +0100] "GET / HTTP/1.1" 200 1', utc, '2026-11-25T10:00:00.000Z'],
  ['10.0.0.1 - - [25/Nov/2026:10:00:00 -0000] "GET / HTTP/1.1" 200 1', utc, '2026-11-25T10:00:00.000Z'],
  ['{"ts":1795600800,"msg":"x"}', utc, '2026-11-25T10:00:00.000Z'],
  ['{"ts":1795600800.5,"msg":"x"}', utc, '2026-11-25T10:00:00.500Z'],
  ['{"level":"info","time":1795600800123}', utc, '2026-11-25T10:00:00.123Z'],
  ['{"@timestamp": 1795600800}', utc, '2026-11-25T10:00:00.000Z'],
  ['{"time":"2026-11-25T10:00:00Z"}', utc, '2026-11-25T10:00:00.000Z'],
  ['{"ts":176406480}', utc, undefined],
  ['    at handler (/srv/app/api.js:42:7)', utc, undefined],
  ['', utc, undefined],
  ['2026-13-45T10:00:00Z bad date', utc, undefined],
  // Each field out of range makes the line untimed (not a time rolled into the next day or hour).
  ['2026-11-25T24:00:00Z hour 24', utc, undefined],
  ['2026-11-25T10:60:00Z minute 60', utc, undefined],
  ['2026-11-25T10:00:61Z second 61', utc, undefined],
  ['2026-11-25T10:00:60Z leap second', utc, '2026-11-25T10:01:00.000Z'],
  ['2026-11-00T10:00:00Z day 0', utc, undefined],
  ['2026-11-32T10:00:00Z day 32', utc, undefined],
];

describe('parseLogTime', () => {
  for (const [line, ctx, want] of cases) {
    test(JSON.stringify(line.slice(0, 50)), () => {
      const ms = parseLogTime(line, ctx);
      assert.equal(ms === undefined ? undefined : new Date(ms).toISOString(), want);
    });
  }

  test('a timestamp beyond the first 256 characters is not looked for', () => {
    assert.equal(parseLogTime(`${'x'.repeat(300)} 2026-11-25T10:00:00Z`, utc), undefined);
  });

  test('the earliest timestamp on the line wins', () => {
    const ms = parseLogTime('[25/Nov/2026:10:00:00 +0000] "GET /?since=2026-01-01T00:00:00Z"', utc);
    assert.equal(new Date(ms!).toISOString(), '2026-11-25T10:00:00.000Z');
  });
});

// Servers run different awks: Debian/Ubuntu mawk (the default `awk` here), BusyBox awk (Alpine), gawk.
// Every variant is registered; one whose awk is missing skips (locally) or fails (CI).
const awks: Array<{ name: string; cmd: string[]; missing: string | null }> = [
  { name: 'awk (mawk)', cmd: ['awk'], missing: missingCommand('mawk', ['BEGIN{}'], 'Debian: mawk') },
  {
    name: 'busybox awk',
    cmd: ['busybox', 'awk'],
    missing: missingCommand('busybox', ['awk', 'BEGIN{}'], 'Debian: busybox'),
  },
  { name: 'gawk', cmd: ['gawk'], missing: missingCommand('gawk', ['BEGIN{}'], 'Debian: gawk') },
];

for (const awk of awks)
  describeNeeding(`the awk version agrees with the TypeScript version: ${awk.name}`, awk.missing, {}, () => {
    test('same epoch for every case', () => {
      const lines = cases.map(([l]) => l.replace(/\n/g, ' '));
      const refs = [
        utc,
        berlin,
        { tzOffsetMinutes: -330, refMs: Date.parse('2027-01-01T00:10:00Z') },
        { tzOffsetMinutes: 0, refMs: Date.parse('2026-12-31T23:50:00Z') },
      ];
      for (const ctx of refs) {
        const prog = `${AWK_TIMESTAMP_LIB}\n{ t = ts($0); if (t < 0) print "none"; else printf "%.3f\\n", t }`;
        const refy = new Date(ctx.refMs).getUTCFullYear();
        const r = spawnSync(
          awk.cmd[0]!,
          [
            ...awk.cmd.slice(1),
            '-v',
            `tzoff=${ctx.tzOffsetMinutes * 60}`,
            '-v',
            `reft=${ctx.refMs / 1000}`,
            '-v',
            `refy=${refy}`,
            prog,
          ],
          { input: lines.join('\n') + '\n', encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } },
        );
        assert.equal(r.status, 0, r.stderr);
        const got = r.stdout.trim().split('\n');
        assert.equal(got.length, lines.length);
        lines.forEach((l, i) => {
          const ms = parseLogTime(l, ctx);
          const want = ms === undefined ? 'none' : (ms / 1000).toFixed(3);
          assert.equal(got[i], want, `${JSON.stringify(l)} with offset ${ctx.tzOffsetMinutes}`);
        });
      }
    });
  });

describe('parseZoneOffset', () => {
  test('date +%z forms', () => {
    assert.equal(parseZoneOffset('+0100'), 60);
    assert.equal(parseZoneOffset('-0530\n'), -330);
    assert.equal(parseZoneOffset('+0000'), 0);
    assert.equal(parseZoneOffset('UTC'), undefined);
  });
});
