import { randomBytes } from 'node:crypto';
import { shQuote } from './shellQuote';
import { tokenizeTemplate, validateTemplate, type LogSourceSpec } from './spec';
import { AWK_TIMESTAMP_LIB } from './timestamps';

/**
 * Builds the POSIX sh script that runs on the server (fed to `sh -s` on stdin, so the login shell's
 * dialect does not matter). All filtering happens there: for files a byte-offset bisection over the
 * timestamps (`tail -c +N | head -c | awk`) finds the window without reading the rest of the file; every
 * source's output then goes through one awk "capper" that drops lines outside the window, cuts long
 * lines, and keeps at most `capBytes` nearest the focus time (plus grep matches). Control lines start with `@@<nonce> `,
 * a random marker a log line cannot forge.
 *
 * Every value from outside (paths, units, containers, grep terms, times) enters the script either
 * shell-quoted or as a number we formatted ourselves.
 */

export interface ScriptParams {
  source: LogSourceSpec;
  sinceMs: number;
  untilMs: number;
  /** Where truncation centres (an event time). */
  focusMs: number;
  grep: string[];
  capBytes: number;
  maxLineBytes: number;
  nonce?: string;
}

export interface RemoteScript {
  /** The command line exec'd over SSH. */
  command: string;
  /** What is fed to its stdin. */
  script: string;
  nonce: string;
}

/** Bisection stops once the range is this small; the window reader then skips the few lines before
 *  the window by their time. */
const BISECT_RESOLUTION = 65536;
/** With grep terms, this much of a large window is read on the server to find matches. */
const GREP_READ_BYTES = 64 * 1024 * 1024;
/** Lines are trusted to be in order only roughly; this much lateness is tolerated (seconds). */
const SLACK_S = 60;
/** Rotated files last written more than this before the window are skipped unopened (an hour of
 *  slack for late flushes and clock skew). */
const OLD_FILE_SLACK_S = 3600;

// The first line after an offset is usually partial, so it is skipped (unless the offset is 0).
const AWK_PROBE = `NR == 1 && skip { next } { t = ts($0); if (t >= 0) { printf "%.0f\\n", int(t); exit } }`;

// Lines of the window from a stream that starts at or before it; stops after the window (+ slack)
// or once it has produced `cap` bytes.
const AWK_WINDOW = `NR == 1 && skip { next }
{ t = ts($0); if (t >= 0) { if (t > U + slack) exit; inw = (t >= S && t <= U) } }
inw { if (length($0) > lmax) $0 = substr($0, 1, lmax) " ... [" (length($0) - lmax) " more bytes cut on the server]"
  n += length($0) + 1; if (n > cap) { print mk "cut-after"; exit } print }`;

// Balances the output around the focus time F: in-window lines before it in a ring, lines from it on in
// a list; at the end as much of each as fits in cap (the unused part of one side goes to the other).
// Lines that contain a grep term (SRCA_GREP, newline-separated, from the environment so no quoting is
// involved) survive the cut in up to a quarter more of cap. Every in-window line has a sequence number;
// kept lines are printed in that order (several files stay file by file), and wherever the numbers jump
// a "gap" control line stands for the cut lines. Upstream cut notices (cut-before/cut-after from the
// file reader) become gaps at the start or end.
const AWK_CAPPER = `BEGIN { inw = 1; ng = split(ENVIRON["SRCA_GREP"], g, "\\n"); for (i = 1; i <= ng; i++) g[i] = tolower(g[i]); hcap = int(cap / 4) }
function hit(s,   i, l) { if (ng == 0) return 0; l = tolower(s); for (i = 1; i <= ng; i++) if (g[i] != "" && index(l, g[i])) return 1; return 0 }
function keep(s, q) { if (hit(s) && hb + length(s) + 1 <= hcap) { hb += length(s) + 1; o[q] = s } }
index($0, mk) == 1 { if ($0 ~ / cut-before/) fcb = 1; else if ($0 ~ / cut-after/) fca = 1; else { print; fflush() } next }
{ if (length($0) > lmax) $0 = substr($0, 1, lmax) " ... [" (length($0) - lmax) " more bytes cut on the server]"
  t = ts($0); if (t >= 0) { inw = (t >= S && t <= U); after = (t >= F) }
  if (!inw) next
  seq++
  if (!after) { pre[++np] = $0; preq[np] = seq; pb += length($0) + 1
    while (pb > cap && lo < np) { lo++; pb -= length(pre[lo]) + 1; keep(pre[lo], preq[lo]); delete pre[lo] } }
  else if (qb + length($0) + 1 <= cap) { post[++nq] = $0; postq[nq] = seq; qb += length($0) + 1 } else keep($0, seq) }
END { half = int(cap / 2); pbud = (qb < half) ? cap - qb : half; if (pb < pbud) pbud = pb
  while (pb > pbud && lo < np) { lo++; pb -= length(pre[lo]) + 1; keep(pre[lo], preq[lo]) }
  for (i = lo + 1; i <= np; i++) o[preq[i]] = pre[i]
  s = 0; for (i = 1; i <= nq; i++) { s += length(post[i]) + 1; if (s > cap - pbud) keep(post[i], postq[i]); else o[postq[i]] = post[i] }
  last = 0
  for (q = 1; q <= seq; q++) if (q in o) { if (q != last + 1 || (last == 0 && fcb)) print mk "gap"; print o[q]; last = q }
  if (last < seq || fca) print mk "gap" }`;

const FILE_BODY = `
probe() { tail -c +$(($2 + 1)) "$1" 2>/dev/null | head -c 1048576 | LC_ALL=C awk -v skip=$(($2 > 0)) -v tzoff=$toff -v reft=$R -v refy=$Y "$L$P"; }
seek() { lo=0; hi=$2
  while [ $((hi - lo)) -gt ${BISECT_RESOLUTION} ]; do
    mid=$(( (lo + hi) / 2 )); t=$(probe "$1" $mid)
    if [ -n "$t" ] && [ "$t" -lt "$3" ]; then lo=$mid; else hi=$mid; fi
  done; echo $lo; }
win() { LC_ALL=C awk -v S=$S -v U=$U -v slack=${SLACK_S} -v cap=$((RD * 2 + 4 * ${BISECT_RESOLUTION})) -v mk="@@$N " -v lmax=$LMAX -v skip=$1 -v tzoff=$toff -v reft=$R -v refy=$Y "$L$W"; }
list() { IFS=''; for b in $G; do for f in "$b" "$b".[0-9]* "$b"-[0-9]*; do
  [ -f "$f" ] && printf '%s\t%s\n' "$(date -r "$f" +%s 2>/dev/null || stat -c %Y "$f" 2>/dev/null || echo 0)" "$f"
  done; done | LC_ALL=C sort -k1,1n -k2 | uniq; }
# How much of the window is read around the focus: what the output cap can hold, or with grep terms
# 64 MiB, so matches far from the event are found (reading stays on the server; the capper decides).
RD=$CAP; [ -n "$GREP" ] && RD=${GREP_READ_BYTES / 2}
FILES=$(list)
if [ -z "$FILES" ]; then echo "@@$N nofile"; return 0; fi
tab=$(printf '\t')
printf '%s\n' "$FILES" | while IFS=$tab read -r m f; do
  if [ ! -r "$f" ]; then echo "@@$N unreadable $f"; continue; fi
  if [ "$m" -gt 0 ] && [ "$m" -lt $((S0 - ${OLD_FILE_SLACK_S})) ]; then echo "@@$N old $f"; continue; fi
  echo "@@$N file $f"
  case $f in
  *.gz) gzip -dc "$f" 2>/dev/null | win 0 ;;
  *) size=$(wc -c < "$f"); a=$(seek "$f" $size $S0); b=$(seek "$f" $size $((U0 + 1))); start=$a
     if [ $((b - a)) -gt $((RD * 2)) ]; then c=$(seek "$f" $size $F0); start=$((c - RD)); [ $start -lt $a ] && start=$a; fi
     [ $start -gt $a ] && echo "@@$N cut-before"
     tail -c +$((start + 1)) "$f" 2>/dev/null | win $((start > 0)) ;;
  esac
done`;

function epochS(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** ERE alternation that matches any of the terms literally. */
export function grepPattern(terms: string[]): string {
  const ere = terms
    .map(plainTerm)
    .filter(Boolean)
    .map((t) => t.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&'))
    .join('|');
  // A leading "-" would make grep read the pattern as an option.
  return ere.startsWith('-') ? `[-]${ere.slice(1)}` : ere;
}

/** A grep term as one line of text: NUL (which no shell variable can hold) dropped, line breaks as spaces. */
export function plainTerm(term: string): string {
  return term.replace(/\0/g, '').replace(/[\r\n]/g, ' ');
}

function body(p: ScriptParams): string {
  const s = p.source;
  const sinceS = Math.floor(p.sinceMs / 1000);
  const untilS = Math.ceil(p.untilMs / 1000);
  switch (s.kind) {
    case 'file':
      return (
        `G=${shQuote(s.path)}; S0=${sinceS}; U0=${untilS}; F0=${Math.floor(p.focusMs / 1000)}; S=${epochS(p.sinceMs)}; U=${epochS(p.untilMs)}\n` +
        `P=${shQuote(AWK_PROBE)}; W=${shQuote(AWK_WINDOW)}\n${FILE_BODY}`
      );
    case 'journald':
      return (
        `if ! command -v journalctl >/dev/null 2>&1; then echo "@@$N missing journalctl"; else\n` +
        `journalctl -u ${shQuote(s.unit)} --since @${sinceS} --until @${untilS} -o short-iso --no-pager -q 2>&1; echo "@@$N exit $?"; fi`
      );
    case 'docker':
      return (
        `if ! command -v docker >/dev/null 2>&1; then echo "@@$N missing docker"; else\n` +
        `docker logs -t --since ${sinceS} --until ${untilS} ${shQuote(s.container)} 2>&1; echo "@@$N exit $?"; fi`
      );
    case 'command': {
      const values: Record<string, string> = {
        since: new Date(p.sinceMs).toISOString(),
        until: new Date(p.untilMs).toISOString(),
        sinceEpoch: String(sinceS),
        untilEpoch: String(untilS),
        grep: grepPattern(p.grep),
      };
      // Checked again here: a spec built in code (not parsed) must not skip the quoting rules.
      validateTemplate(s.template);
      // Values travel as exported variables set here, never in the template's text: `{grep}` becomes
      // "$SRCA_grep", whose expansion the shell does not read again (see templateQuoting.ts).
      const vars = Object.entries(values)
        .map(([k, v]) => `SRCA_${k}=${shQuote(v)}; export SRCA_${k}`)
        .join('\n');
      const cmd = tokenizeTemplate(s.template)
        .map((t) => (t.kind === 'text' ? t.text : `"$SRCA_${t.name}"`))
        .join('');
      return `${vars}\n(\n${cmd}\n) 2>&1; echo "@@$N exit $?"`;
    }
  }
}

export function buildRemoteScript(p: ScriptParams): RemoteScript {
  const nonce = p.nonce ?? randomBytes(8).toString('hex');
  const ref = new Date(p.untilMs);
  const header =
    `# sentry-rca: ${p.source.kind} log window ${new Date(p.sinceMs).toISOString()} .. ${new Date(p.untilMs).toISOString()}\n` +
    `N=${nonce}; R=${Math.floor(p.untilMs / 1000)}; Y=${ref.getUTCFullYear()}; CAP=${Math.max(1024, Math.floor(p.capBytes))}; LMAX=${Math.max(256, Math.floor(p.maxLineBytes))}\n` +
    `L=${shQuote(AWK_TIMESTAMP_LIB)}; C=${shQuote(AWK_CAPPER)}\n` +
    `GREP=${shQuote(p.grep.map(plainTerm).filter(Boolean).join('\n'))}\n`;
  // The whole script is one function read before anything runs, and runs with stdin from /dev/null,
  // so no command inside can swallow the rest of the script from stdin.
  const script =
    `${header}main() {\n${body(p)}\n}\n` +
    // The server's UTC offset at the window (not now: a summer window read in winter is an hour off).
    `tzs=$(date -d @$R +%z 2>/dev/null || date +%z 2>/dev/null); toff=0\n` +
    `case $tzs in [+-][0-9][0-9][0-9][0-9]) h=\${tzs#?}; h=\${h%??}; m=\${tzs#???}; toff=$(( (1$h - 100) * 3600 + (1$m - 100) * 60 )); case $tzs in -*) toff=$((-toff));; esac;; esac\n` +
    `echo "@@$N tz $tzs"\n` +
    // One line, so the shell has read all of it before the watchdog's `cat` starts reading stdin (kept on
    // fd 3: background jobs get /dev/null as stdin). The client keeps stdin open; when it goes away
    // (cancel, timeout, dropped link) stdin closes and the watchdog stops the whole process group.
    // (sshd's "signal" request cannot do this: OpenSSH refuses it for root logins.)
    `exec 3<&0; { main </dev/null 3<&- | SRCA_GREP=$GREP LC_ALL=C awk -v S=${epochS(p.sinceMs)} -v U=${epochS(p.untilMs)} -v F=${epochS(p.focusMs)} -v cap=$CAP -v lmax=$LMAX -v mk="@@$N " -v tzoff=$toff -v reft=$R -v refy=$Y "$L$C" 3<&-; echo "@@$N done"; } 3<&- & w=$!; ` +
    `(cat <&3; kill -TERM 0) >/dev/null 2>&1 & wait $w; exit 0\n`;
  return { command: 'sh -s', script, nonce };
}
