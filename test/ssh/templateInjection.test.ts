// Command templates on the real sshd: every placeholder × every quoting style × a hostile corpus of grep
// terms (they come from Sentry events and the AI). Quoted uses are refused before anything connects, with
// the fix; plain uses receive the value intact as one argument. No marker file ever appears.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SshLogFetcher, parseLogSpec, type LogRequest, type LogWindow } from '../../src/core/logs';
import { grepPattern } from '../../src/core/logs/remoteScript';
import { TEMPLATE_PLACEHOLDERS } from '../../src/core/logs/spec';
import { RcaError } from '../../src/core/common/errors';
import { startSshTestEnv, T, type SshTestEnv } from './sshTestEnv';

let env: SshTestEnv;
let fetcher: SshLogFetcher;
const tag = `sentry-rca-inj-${process.pid}-${randomBytes(4).toString('hex')}`;
const marker = join(tmpdir(), tag);
const markersLeft = () => readdirSync(tmpdir()).filter((f) => f.startsWith(tag));

before(async () => {
  delete process.env.SSH_AUTH_SOCK;
  env = await startSshTestEnv();
  fetcher = new SshLogFetcher({ sshConfigPath: env.configPath, home: env.home, timeoutMs: 8000 });
});
after(async () => {
  fetcher?.dispose();
  await env?.stop();
  for (const f of markersLeft()) rmSync(join(tmpdir(), f), { force: true });
});

const W: LogWindow = {
  since: T('2026-11-25T10:00:00Z'),
  until: T('2026-11-25T10:07:00Z'),
  around: [T('2026-11-25T10:05:00Z')],
};

/** Each entry tries to create `marker-N` through a different shell feature. */
const corpus = (m: (n: number) => string): string[] => [
  `'; touch ${m(1)}; '`,
  `"; touch ${m(2)}; "`,
  `\`touch ${m(3)}\``,
  `$(touch ${m(4)})`,
  `; touch ${m(5)}`,
  `| touch ${m(6)}`,
  `x\ntouch ${m(7)}\n`,
  `x\rtouch ${m(8)}\r`,
  `x\0$(touch ${m(9)})`,
  `\u2019 $(touch ${m(10)}) \u2018 \u201c $(touch ${m(11)}) \u201d`,
  `--help; touch ${m(12)}`,
  `-e x -f /etc/passwd $(touch ${m(13)})`,
  `$'\\x27; touch ${m(14)}; \\x27'`,
  `\nEOF\ntouch ${m(15)}\nEOF\n`,
  `\${IFS}touch\${IFS}${m(16)}`,
  `'"\`$(touch ${m(17)})\`"'`,
];
const hostile = corpus((n) => `${marker}-${n}`);

/** A template that prints the placeholder's value, in each quoting style. */
const styles: Record<string, (p: string) => string> = {
  none: (p) => `printf 'V=%s\\n' {${p}}`,
  single: (p) => `printf 'V=%s\\n' '{${p}}'`,
  double: (p) => `printf 'V=%s\\n' "{${p}}"`,
  ansi: (p) => `printf 'V=%s\\n' $'{${p}}'`,
  heredoc: (p) => `cat <<EOF\nV={${p}}\nEOF`,
  'quoted heredoc': (p) => `cat <<'EOF'\nV={${p}}\nEOF`,
  'sh -c': (p) => `sh -c "printf V=%s {${p}}"`,
  backticks: (p) => `echo \`printf V=%s {${p}}\``,
  arithmetic: (p) => `echo V=$(( {${p}} ))`,
};

describe('command template placeholders on the real sshd', () => {
  test('quoted, here-document, backtick and re-parsed uses are refused with the fix, and never run', async () => {
    let refused = 0;
    for (const [style, make] of Object.entries(styles)) {
      if (style === 'none') continue;
      for (const p of TEMPLATE_PLACEHOLDERS) {
        const template = make(p);
        assert.throws(
          () => parseLogSpec(`target=cmd:${template}`),
          (e: unknown) =>
            e instanceof RcaError &&
            e.kind === 'usage' &&
            e.message.includes(`{${p}}`) &&
            /Unsafe command template/.test(e.message) &&
            /already passed as one quoted argument/.test(e.hint ?? ''),
          `${style} ${p}`,
        );
        // Built in code (as settings, tags or the AI could), the spec is refused all the same, before SSH runs it.
        const [r] = await fetcher.fetch([{ host: 'target', source: { kind: 'command', template } }], {
          ...W,
          grep: hostile,
        });
        assert.notEqual(r!.status, 'ok', `${style} ${p}: ${r!.message}`);
        assert.match(r!.message ?? '', /Unsafe command template/);
        refused++;
      }
    }
    assert.equal(refused, (Object.keys(styles).length - 1) * TEMPLATE_PLACEHOLDERS.length);
    assert.deepEqual(markersLeft(), []);
  });

  test('plain uses carry every hostile term intact, as one argument, and run nothing', async () => {
    const requests: LogRequest[] = TEMPLATE_PLACEHOLDERS.map((p) => parseLogSpec(`target=cmd:${styles.none!(p)}`));
    for (const term of hostile) {
      const results = await fetcher.fetch(requests, { ...W, grep: [term] });
      for (const [i, r] of results.entries()) {
        const p = TEMPLATE_PLACEHOLDERS[i]!;
        assert.equal(r.status, 'ok', `${p} ${JSON.stringify(term)}: ${r.message}`);
        const printed = r.lines.filter((l) => l.text.startsWith('V=')).map((l) => l.text.slice(2));
        assert.equal(
          printed.length,
          1,
          `${p} ${JSON.stringify(term)}: one argument, not split: ${JSON.stringify(r.lines.map((l) => l.text))}`,
        );
        if (p === 'grep') assert.equal(printed[0], grepPattern([term]), JSON.stringify(term));
        else assert.match(printed[0]!, p.endsWith('Epoch') ? /^\d{10}$/ : /^2026-11-25T10:0\d:00\.000Z$/);
      }
    }
    assert.deepEqual(markersLeft(), []);
    assert.equal(existsSync(`${marker}-4`), false);
  });

  test('a grep term starting with "-" stays a pattern, not an option of grep', async () => {
    const [r] = await fetcher.fetch([parseLogSpec(`target=cmd:grep -a -c -E {grep} ${env.logDir}/app.log`)], {
      ...W,
      grep: ['-v'],
    });
    assert.equal(r!.status, 'ok', r!.message);
    // "-v" read as an option would count the non-matching lines (thousands); as a pattern it matches none.
    assert.deepEqual(
      r!.lines.map((l) => l.text),
      ['0'],
    );
  });
});
