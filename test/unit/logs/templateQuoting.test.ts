// Where a {placeholder} sits in a cmd: template decides whether its value could be read as shell code;
// only plain, unquoted uses are accepted (the value then travels as "$SRCA_name").
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogSource, tokenizeTemplate } from '../../../src/core/logs/spec';
import { placeholderContexts } from '../../../src/core/logs/templateQuoting';
import { buildRemoteScript } from '../../../src/core/logs/remoteScript';
import { RcaError } from '../../../src/core/common/errors';

const ctx = (t: string) => placeholderContexts(tokenizeTemplate(t)).map((u) => u.context);

describe('placeholder contexts', () => {
  test('plain uses, including inside $( ) and after quoted text', () => {
    assert.deepEqual(ctx('grep -E {grep} /var/log/a.log'), ['plain']);
    assert.deepEqual(ctx("journalctl --since {since} -u 'my app' | grep -F -e {grep}"), ['plain', 'plain']);
    assert.deepEqual(ctx('echo "$(grep -c {grep} /x)"'), ['plain']);
    assert.deepEqual(ctx("awk '{{print}}' /x | grep {grep} # {since}"), ['plain', 'plain']);
    assert.deepEqual(ctx('--pattern={grep}'), ['plain']);
    assert.deepEqual(ctx('cat <<EOF\nhello\nEOF\ngrep {grep} /x'), ['plain'], 'after the here-document ends');
    assert.deepEqual(ctx('grep -c {grep} /x'), ['plain'], '-c of grep is not sh -c');
  });

  test('every quoting style is recognised', () => {
    assert.deepEqual(ctx("grep -E '{grep}' /x"), ['single-quoted']);
    assert.deepEqual(ctx('grep -E "{grep}" /x'), ['double-quoted']);
    assert.deepEqual(ctx('grep -E "x{grep}y" /x'), ['double-quoted']);
    assert.deepEqual(ctx("grep -E $'{grep}' /x"), ['ansi-quoted']);
    assert.deepEqual(ctx('cat <<EOF\n{grep}\nEOF'), ['heredoc']);
    assert.deepEqual(ctx("cat <<'EOF' | sh\ngrep {grep}\nEOF"), ['heredoc']);
    assert.deepEqual(ctx('cat <<-EOF\n\t{since}\n\tEOF\necho {until}'), ['heredoc', 'plain']);
    assert.deepEqual(ctx('echo `grep {grep} /x`'), ['backtick']);
    assert.deepEqual(ctx('echo \\{grep}'), ['escaped']);
    assert.deepEqual(ctx('eval grep {grep}'), ['reparsed']);
    assert.deepEqual(ctx('sh -c {grep}'), ['reparsed']);
    assert.deepEqual(ctx('FOO=1 bash -lc {grep}'), ['reparsed']);
    assert.deepEqual(ctx('ssh other grep {grep} /x'), ['reparsed']);
    assert.deepEqual(ctx('sudo su -c {grep}'), ['reparsed']);
    assert.deepEqual(ctx('echo $(( {sinceEpoch} - 60 )); echo {until}'), ['reparsed', 'plain']);
    assert.deepEqual(ctx('(( {untilEpoch} > 5 )) && echo {grep}'), ['reparsed', 'plain']);
    assert.deepEqual(ctx('[[ {untilEpoch} -gt 5 ]]'), ['reparsed']);
    assert.deepEqual(ctx('let x={sinceEpoch}'), ['reparsed']);
    assert.deepEqual(ctx('echo "$(( {sinceEpoch} ))"'), ['reparsed']);
    assert.deepEqual(ctx('echo $(date) {grep}'), ['plain'], 'after a command substitution closes');
  });

  test('refused templates say what is wrong and show the fix', () => {
    assert.throws(
      () => parseLogSource("cmd:grep -E '{grep}' /x"),
      (e: unknown) =>
        e instanceof RcaError &&
        e.kind === 'usage' &&
        /\{grep\} is inside '…' quotes/.test(e.message) &&
        /grep -E \{grep\} instead of grep -E '\{grep\}'/.test(e.hint ?? ''),
    );
    assert.throws(
      () => parseLogSource('cmd:echo `x {grep}`'),
      (e: unknown) => e instanceof RcaError && /\$\(…\)/.test(e.hint ?? ''),
    );
    assert.throws(
      () => parseLogSource('cmd:sh -c {grep}'),
      (e: unknown) => e instanceof RcaError && /sh -c, which runs its argument as shell code/.test(e.message),
    );
  });

  test('the script carries values as exported variables, never in the command text', () => {
    const hostile = `'; touch /tmp/x; '$(id)`;
    const rs = buildRemoteScript({
      source: parseLogSource('cmd:grep -E {grep} /x'),
      sinceMs: 0,
      untilMs: 60_000,
      focusMs: 30_000,
      grep: [hostile],
      capBytes: 1 << 16,
      maxLineBytes: 1024,
      nonce: 'n',
    });
    assert.match(rs.script, /\(\ngrep -E "\$SRCA_grep" \/x\n\)/);
    assert.match(rs.script, /export SRCA_grep/);
    // A spec built in code, not parsed, is checked all the same.
    assert.throws(
      () =>
        buildRemoteScript({
          source: { kind: 'command', template: "grep '{grep}' /x" },
          sinceMs: 0,
          untilMs: 1,
          focusMs: 0,
          grep: [],
          capBytes: 1024,
          maxLineBytes: 256,
        }),
      RcaError,
    );
  });
});
