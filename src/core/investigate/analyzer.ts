/**
 * The deterministic diagnosis: from the evidence alone (no AI), the culprit frame and why, the release
 * and its suspect commits, version skew, what changed at the crash lines, whether the rate is rising,
 * which log lines stand out from their own baseline, and hypotheses — each with a kind — ranked by
 * linkage evidence. Timing alone ranks nothing: another issue that began nearby is a cascade only with
 * a link (trace id, its service named here, a dependency failure), else a note under "Related".
 * Shown first, and the whole answer when there is no AI key.
 */
import type { Culprit, Evidence, HostLogEvidence, LogLineEvidence, LogPhase } from './evidence';
import { formatMinutes } from './trend';
import { formatOffset } from './logCorrelation';
import { countOf } from '../../shared/countOf';

export type HypothesisKind =
  'code-change' | 'infrastructure' | 'dependency' | 'data' | 'config' | 'cascade' | 'unknown';

export interface Hypothesis {
  title: string;
  kind: HypothesisKind;
  /** 0..1, from the rules below; only the order matters to the user. */
  score: number;
  confidence: 'high' | 'medium' | 'low';
  /** Each item cites a file:line, a commit, an event id or a log line. */
  evidence: string[];
  /** What would confirm or refute it. */
  check: string;
}

export interface CoincidingLine {
  host: string;
  source: string;
  phase: LogPhase;
  minutesFromFirstEvent: number | null;
  level: LogLineEvidence['level'];
  marks: string[];
  text: string;
}

export interface AnalysisReport {
  culprit: Culprit | null;
  changes: string[];
  trend: string;
  logCounts: Array<{
    host: string;
    source: string;
    status: string;
    before: number;
    during: number;
    after: number;
    notableBefore: number;
    notableDuring: number;
    notableAfter: number;
  }>;
  coinciding: CoincidingLine[];
  hypotheses: Hypothesis[];
  /** What was looked at and set aside (periodic warnings), for the report. */
  notes: string[];
  markdown: string;
}

/** Log wording that points at a cause outside the crashing code. */
const SIGNALS: Array<{ kind: string; hk: HypothesisKind; re: RegExp; title: string; check: string }> = [
  {
    kind: 'dns',
    hk: 'infrastructure',
    re: /ENOTFOUND|EAI_AGAIN|getaddrinfo|\bNXDOMAIN\b|SERVFAIL|name resolution|could not resolve|DNS (lookup|resolution|query) (failed|timed? ?out)/i,
    title: 'DNS resolution failing around the errors',
    check: 'Check the resolver (/etc/resolv.conf, the DNS server) and the record of the host named in the log lines.',
  },
  {
    kind: 'cert',
    hk: 'infrastructure',
    re: /CERT_HAS_EXPIRED|certificate (has )?expired|certificate verify failed|x509: certificate|SSL certificate problem|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED/i,
    title: 'A TLS certificate expired or was not accepted',
    check:
      'Check the certificate dates of the endpoint named in the log (openssl s_client -connect HOST:443) and renew it.',
  },
  {
    kind: 'config',
    hk: 'config',
    re: /(missing|invalid|unknown|unset|bad) (config|configuration|setting|environment variable|env var)|config(uration)? (error|invalid|missing)|feature flag .*(changed|enabled|disabled|flipped)|env var \w+ (is )?(not set|missing)/i,
    title: 'A configuration change around the errors',
    check: 'Compare the service configuration (env, flags, config files) before and after the errors began.',
  },
  {
    kind: 'pool',
    hk: 'infrastructure',
    re: /pool (is |nearly |almost )?(exhausted|depleted)|pool ?exhausted|exhausted.*pool|too many (connections|clients)|no (available|free|idle) connections?|remaining connection slots|acquir\w* (a )?connection.*(timed? ?out|timeout)|connection pool.*(full|limit|max)|max(imum)? (pool|connections?) (size )?reached/i,
    title: 'Connection pool exhausted shortly before the errors',
    check:
      'Check pool size vs concurrent requests and look for connections not released (missing release/finally) or slow queries holding them.',
  },
  {
    kind: 'memory',
    hk: 'infrastructure',
    re: /out of memory|\bOOM\b|heap (out of memory|limit)|ENOMEM|killed process|memory (limit|pressure)/i,
    title: 'Memory exhaustion around the errors',
    check: 'Check process memory graphs and OOM-killer entries at that time.',
  },
  {
    kind: 'disk',
    hk: 'infrastructure',
    re: /no space left|ENOSPC|disk (is )?full|quota exceeded/i,
    title: 'Disk full around the errors',
    check: 'Check free disk space on the host at that time.',
  },
  {
    kind: 'upstream',
    hk: 'dependency',
    re: /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|connection (refused|reset)|upstream .*(unavailable|failed)|503 Service Unavailable|bad gateway/i,
    title: 'A dependency was unreachable when the errors began',
    check: 'Check the health of the dependency named in the log line at that time.',
  },
  {
    kind: 'timeout',
    hk: 'dependency',
    re: /timed? ?out|timeout|ETIMEDOUT|deadline exceeded/i,
    title: 'Timeouts logged around the errors',
    check: 'Check latency of the slow dependency and the timeout settings.',
  },
  {
    kind: 'ratelimit',
    hk: 'dependency',
    re: /rate.?limit|throttl|too many requests|\b429\b/i,
    title: 'Rate limiting around the errors',
    check: 'Check the rate-limit headers and quotas of the dependency.',
  },
  {
    kind: 'restart',
    hk: 'infrastructure',
    re: /SIGTERM|SIGKILL|shutting down|restart(ed|ing)|deploy(ed|ing)|starting (server|app|service)/i,
    title: 'A restart or deploy coincided with the errors',
    check: 'Check the deploy log and whether the errors stop after the new instance is warm.',
  },
];

const NEAR_BEFORE_MIN = 15;

export function analyze(e: Evidence): AnalysisReport {
  const hypotheses: Hypothesis[] = [];
  const firstSeen = e.issue.firstSeen;

  // Logs: counts per host and the lines that coincide with the errors.
  const logCounts = e.logs.map((h) => ({
    host: h.host,
    source: h.source,
    status: h.status,
    before: h.counts.before,
    during: h.counts.during,
    after: h.counts.after,
    notableBefore: h.notable.before,
    notableDuring: h.notable.during,
    notableAfter: h.notable.after,
  }));
  const coinciding = coincidingLines(e.logs);
  const baseline = new LogBaseline(e.logs);

  const suspects = e.history.suspects.list;
  const top = suspects[0];
  const topLinked = top && top.score >= 3 ? top : undefined;
  const notes: string[] = [];

  // Infrastructure, dependency and config signals in the logs — only above their own earlier rate.
  for (const sig of SIGNALS) {
    const all = baseline.matching(sig.re);
    const hits = all.filter((l) => l.inWindow);
    if (hits.length === 0) continue;
    const rate = baseline.compare(sig.re);
    if (!rate.above) {
      notes.push(
        `${sig.title.replace(/ (shortly before|around|when) .*$/, '')}: ${rate.why} — periodic, not counted as a cause.`,
      );
      continue;
    }
    const firstHit = hits.reduce((a, b) => ((a.minutesFromFirstEvent ?? 0) <= (b.minutesFromFirstEvent ?? 0) ? a : b));
    const leads =
      firstHit.phase === 'before' &&
      firstHit.minutesFromFirstEvent !== null &&
      firstHit.minutesFromFirstEvent >= -NEAR_BEFORE_MIN;
    let score = 0.45;
    if (leads) score += 0.2;
    if (hits.some((h) => h.level === 'warn' || h.level === 'error')) score += 0.1;
    if (hits.length >= 3) score += 0.1;
    if (rate.baselineMinutes >= 10) score += 0.05;
    // Weak kinds: a timeout, a rate limit or a restart is usually a symptom, rarely the cause on its own.
    if (sig.kind === 'timeout' || sig.kind === 'ratelimit' || sig.kind === 'restart') score = Math.min(score, 0.55);
    // Exhaustion a linked commit explains (a leak) is its effect, not a separate cause.
    const effectOf =
      (sig.kind === 'pool' || sig.kind === 'memory') && topLinked?.why.some((w) => / leaves before /.test(w))
        ? topLinked
        : undefined;
    if (effectOf) score = Math.min(score, 0.6);
    hypotheses.push({
      title: sig.title,
      kind: sig.hk,
      score,
      confidence: 'low',
      evidence: [
        ...hits.slice(0, 4).map((h) => `log ${h.host} ${h.source} ${when(h)}: \`${code(h.text)}\``),
        ...(leads
          ? [
              `first such line ${formatOffset(firstHit.minutesFromFirstEvent ?? 0).slice(1)} before the first error event`,
            ]
          : []),
        ...(hits.length > 4 ? [`${hits.length - 4} more matching line(s)`] : []),
        rate.why,
        ...(effectOf ? [`likely the effect of commit ${effectOf.commit} (see the code-change hypothesis)`] : []),
      ],
      check: sig.check,
    });
  }

  // Other warnings/errors shortly before the first error that no signal above explains, and only
  // those logged more often than earlier in the log (a health check warning every 5 minutes is not news).
  const otherFailures = e.related
    .map((r) => r.title.toLowerCase().slice(0, 60))
    .filter((t) => t.length >= 12 && !t.startsWith((e.culprit?.exceptionType ?? '\0').toLowerCase()));
  const isOtherFailure = (text: string) => {
    const l = text.toLowerCase();
    return otherFailures.some((t) => l.includes(t));
  };
  const candidates = coinciding.filter(
    (l) =>
      l.phase === 'before' &&
      (l.level === 'warn' || l.level === 'error') &&
      !SIGNALS.some((s) => s.re.test(l.text)) &&
      !isOtherFailure(l.text) &&
      (l.minutesFromFirstEvent ?? -999) >= -NEAR_BEFORE_MIN,
  );
  const unexplained = candidates.filter((l) => baseline.compareTemplate(l.text).above);
  const periodic = candidates.length - unexplained.length;
  if (periodic)
    notes.push(
      `${periodic} warning line(s) before the errors repeat at their usual rate earlier in the log — periodic, not counted as a cause.`,
    );
  if (unexplained.length) {
    hypotheses.push({
      title: 'New warnings logged just before the errors began',
      kind: 'unknown',
      score: 0.3 + Math.min(0.15, unexplained.length * 0.03),
      confidence: 'low',
      evidence: unexplained.slice(0, 4).map((h) => `log ${h.host} ${h.source} ${when(h)}: \`${code(h.text)}\``),
      check: 'Read these log lines next to the failing request to see whether they describe the same operation.',
    });
  }

  // A commit of the release range that links to this issue (the suspects, best first).
  if (top && top.score > 0) {
    const configOnly = top.files.every((f) => CONFIG_FILE.test(f));
    const score = top.score >= 6 ? 0.92 : top.score >= 4 ? 0.85 : top.score >= 3 ? 0.75 : top.score >= 1.5 ? 0.5 : 0.35;
    const rel = e.history.release;
    hypotheses.push({
      title: `${configOnly ? 'Configuration change' : 'Regression'} from commit ${top.commit} (“${top.summary}”)${rel.version ? ` in release ${rel.version}` : ''}`,
      kind: configOnly ? 'config' : 'code-change',
      score,
      confidence: 'low',
      evidence: [
        // The title names the commit already: the first reason says who and when.
        `committed by ${top.author} on ${top.date}${e.history.suspects.range ? `, in ${e.history.suspects.range}` : ''}`,
        ...top.why.slice(0, 5),
        // A cited line once: not again when one of the reasons above already quotes it.
        ...top.cites
          .slice(0, 3)
          .filter((c) => !top.why.slice(0, 5).some((w) => w.includes(`${c.path}:${c.line}`)))
          .map((c) => `\`${c.path}:${c.line}\`: \`${code(c.text)}\``),
        ...coinciding
          .filter((l) => SIGNALS.find((s) => s.kind === 'pool')!.re.test(l.text) && l.phase !== 'after')
          .slice(0, 1)
          .map((h) => `consistent with log ${h.host} ${when(h)}: \`${code(h.text)}\``),
      ],
      check: `Read the diff (git show ${top.commit}); revert it on a branch and replay the failing request${top.author ? `; ask ${top.author}, its author` : ''}.`,
    });
  }

  // What changed at the crash lines (blame), when it is not already the top suspect.
  const changes: string[] = [];
  const recent = e.git.changes.filter((c) => c.minutesBeforeFirstSeen >= -60 && c.minutesBeforeFirstSeen <= 14 * 1440);
  for (const c of e.git.changes.slice(0, 6)) {
    changes.push(
      `\`${c.commit}\` ${c.date} by ${c.author}: ${c.summary} — \`${c.path}\` lines ${c.lines.length ? `${Math.min(...c.lines)}-${Math.max(...c.lines)}` : '?'}${c.touchesCrashLine ? ' (at or next to the crash line)' : ''}, ${c.minutesBeforeFirstSeen >= 0 ? `${formatMinutes(c.minutesBeforeFirstSeen)} before` : `${formatMinutes(c.minutesBeforeFirstSeen)} after`} first seen`,
    );
  }
  if (!e.git.available) changes.push(`No git history: ${e.git.reason ?? 'unavailable'}`);
  const blamed = recent.sort(
    (a, b) =>
      Number(b.touchesCrashLine) - Number(a.touchesCrashLine) || a.minutesBeforeFirstSeen - b.minutesBeforeFirstSeen,
  )[0];
  if (
    blamed &&
    blamed.commit !== 'uncommitted' &&
    !suspects.some((x) => x.commit.startsWith(blamed.commit) || blamed.commit.startsWith(x.commit))
  ) {
    hypotheses.push({
      title: `Recent change to the crash lines: commit ${blamed.commit} (“${blamed.summary}”)`,
      kind: 'code-change',
      score:
        0.35 +
        (blamed.touchesCrashLine ? 0.1 : 0) +
        (blamed.minutesBeforeFirstSeen >= 0 && blamed.minutesBeforeFirstSeen <= 2 * 1440 ? 0.05 : 0),
      confidence: 'low',
      evidence: [
        `${blamed.commit} by ${blamed.author} on ${blamed.date} changed \`${blamed.path}:${Math.min(...blamed.lines)}\`${blamed.touchesCrashLine ? ' — at or next to the crash line' : ''}`,
        blamed.minutesBeforeFirstSeen >= 0
          ? `committed ${formatMinutes(blamed.minutesBeforeFirstSeen)} before the issue was first seen (${firstSeen})`
          : `committed ${formatMinutes(blamed.minutesBeforeFirstSeen)} after first seen — the issue predates it`,
      ],
      check: `Compare the behaviour before and after ${blamed.commit} (git show ${blamed.commit}).`,
    });
  }

  // A cascade needs a link: a shared trace id, the other's service or host named here, a dependency failure.
  const linked = e.related.filter((r) => r.links.length > 0 && r.minutesFromThis <= 5);
  for (const r of linked.slice(0, 2)) {
    const trace = r.links.some((l) => l.startsWith('shares trace'));
    hypotheses.push({
      title: `Knock-on effect of ${r.shortId} (${r.projectSlug}): ${code(r.title)}`,
      kind: 'cascade',
      score: Math.min(0.88, 0.6 + (trace ? 0.15 : 0) + 0.08 * r.links.length + (r.minutesFromThis <= 0 ? 0.05 : 0)),
      confidence: 'low',
      evidence: [
        ...r.links,
        `${r.shortId} ${r.relation === 'first-seen-in-window' ? 'first seen' : 'spiked'} ${formatMinutes(r.minutesFromThis)} ${r.minutesFromThis <= 0 ? 'before' : 'after'} this issue's first event`,
        ...coinciding
          .filter((l) => l.phase === 'before' && isOtherFailure(l.text))
          .slice(0, 2)
          .map((h) => `its failure logged on ${h.host} ${when(h)}: \`${code(h.text)}\``),
      ],
      check: `Open ${r.shortId} and check that its failure is upstream of this code path; fixing it should stop this one.`,
    });
  }

  // This issue's own error is a failure to reach a dependency, and nothing links it to an issue there.
  const ownExc = e.culprit ? `${e.culprit.exceptionType}: ${e.culprit.exceptionValue}` : (e.events[0]?.exception ?? '');
  if (DEPENDENCY_ERROR.test(ownExc) && !linked.length) {
    hypotheses.push({
      title: 'A dependency this code calls failed',
      kind: 'dependency',
      score: 0.55,
      confidence: 'low',
      evidence: [
        `the error itself is a dependency failure: \`${code(ownExc)}\``,
        ...(e.events[0] ? [`event ${e.events[0].id} at ${e.events[0].timestamp}`] : []),
      ],
      check: 'Check the health of the service or host named in the error at that time.',
    });
  }

  // Baseline: a defect at the culprit frame itself (always present, ranked by the others). When no
  // commit links to the stack and the error is about a value (null, parse, range), the input is the suspect.
  if (e.culprit) {
    const c = e.culprit;
    const dataLike = DATA_ERROR.test(`${c.exceptionType} ${c.exceptionValue}`);
    const noCodeLink = !topLinked && !e.history.skew?.changedSinceRelease;
    const matchLines = coinciding.filter(
      (l) => l.marks.includes('exception-type') || l.marks.includes('message') || l.marks.includes('trace-id'),
    );
    hypotheses.push({
      title: `${dataLike && noCodeLink ? 'Unexpected data: ' : ''}${defectKind(c.exceptionType, c.exceptionValue)} at ${c.path}:${c.line}${c.function ? ` in ${c.function}` : ''}`,
      kind: dataLike ? 'data' : 'unknown',
      score: 0.25 + (e.code.frames.length ? 0.05 : 0) + (dataLike && noCodeLink ? 0.25 : 0),
      confidence: 'low',
      evidence: [
        `\`${c.path}:${c.line}\` raises \`${code(`${c.exceptionType}: ${c.exceptionValue}`)}\` — ${c.why}`,
        ...(dataLike && noCodeLink
          ? [
              `no commit of ${e.history.suspects.range ?? 'the recent history'} touches the stack: the code did not change, the data did`,
            ]
          : []),
        ...(e.events[0] ? [`event ${e.events[0].id} at ${e.events[0].timestamp}`] : []),
        ...matchLines.slice(0, 2).map((h) => `same failure logged on ${h.host} ${when(h)}: \`${code(h.text)}\``),
      ],
      check: `Reproduce with the input of event ${e.events[0]?.id ?? '(latest)'} and step through ${c.path}:${c.line}.`,
    });
  }

  hypotheses.sort((a, b) => b.score - a.score);
  for (const h of hypotheses) {
    h.score = Math.round(Math.min(1, h.score) * 100) / 100;
    h.confidence = h.score >= 0.7 ? 'high' : h.score >= 0.45 ? 'medium' : 'low';
  }

  const report: Omit<AnalysisReport, 'markdown'> = {
    culprit: e.culprit,
    changes,
    trend: e.trend.why,
    logCounts,
    coinciding,
    hypotheses,
    notes,
  };
  return { ...report, markdown: renderMarkdown(e, report) };
}

const CONFIG_FILE =
  /(^|\/)(config|conf|settings)(\/|\.)|\.(ya?ml|toml|ini|env|properties|conf)$|(^|\/)\.env(\.\w+)?$|(^|\/)[^/]*config[^/]*\.json$/i;
const DEPENDENCY_ERROR =
  /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|socket hang up|\b50[234]\b|service unavailable|bad gateway/i;
const DATA_ERROR =
  /cannot read propert|undefined is not|null is not|of undefined|of null|NoneType|NullPointer|nil pointer|JSON|Unexpected token|parse|invalid (date|number|value|input)|NaN|KeyError|IndexError|out of (range|bounds)|ValueError|RangeError/i;

interface WindowLine extends CoincidingLine {
  inWindow: boolean;
}

/**
 * Rates of log lines in the error window (from NEAR_BEFORE_MIN before the first error to the end of the
 * events) against the same kind of line earlier in the fetched log: a warning that appears all day at
 * the same rate is not a cause.
 */
class LogBaseline {
  private readonly lines: WindowLine[] = [];
  private readonly baselineMinutes: number;
  private readonly windowMinutes: number;

  constructor(logs: HostLogEvidence[]) {
    let earliest = 0;
    let latest = 0;
    for (const h of logs) {
      for (const l of h.lines) {
        if (l.minutesFromFirstEvent === null) continue;
        earliest = Math.min(earliest, l.minutesFromFirstEvent);
        if (l.phase === 'during') latest = Math.max(latest, l.minutesFromFirstEvent);
        const inWindow = l.phase === 'during' || (l.phase === 'before' && l.minutesFromFirstEvent >= -NEAR_BEFORE_MIN);
        this.lines.push({
          host: h.host,
          source: h.source,
          phase: l.phase,
          minutesFromFirstEvent: l.minutesFromFirstEvent,
          level: l.level,
          marks: l.marks,
          text: l.text,
          inWindow,
        });
      }
    }
    this.baselineMinutes = Math.max(0, -NEAR_BEFORE_MIN - earliest);
    this.windowMinutes = Math.max(1, NEAR_BEFORE_MIN + latest);
  }

  matching(re: RegExp): WindowLine[] {
    return this.lines.filter((l) => l.phase !== 'after' && l.phase !== 'unknown' && re.test(l.text));
  }

  compare(re: RegExp): { above: boolean; why: string; baselineMinutes: number } {
    return this.rate((l) => re.test(l.text));
  }

  compareTemplate(text: string): { above: boolean; why: string; baselineMinutes: number } {
    const t = template(text);
    return this.rate((l) => template(l.text) === t);
  }

  private rate(match: (l: WindowLine) => boolean): { above: boolean; why: string; baselineMinutes: number } {
    let inW = 0;
    let base = 0;
    for (const l of this.lines) {
      if (!match(l)) continue;
      if (l.inWindow) inW++;
      else if (l.phase === 'before') base++;
    }
    const b = this.baselineMinutes;
    const fmt = (x: number) => (Math.round(x * 100) / 100).toString();
    if (b < 10)
      return {
        above: inW > 0,
        why: `${inW} such line(s) in the error window; the log fetched before it is too short (${fmt(b)} min) to compare with a baseline`,
        baselineMinutes: b,
      };
    const rw = inW / this.windowMinutes;
    const rb = base / b;
    const above = inW > 0 && (base === 0 || rw >= 2 * rb);
    return {
      above,
      why: `${inW} such line(s) in the ${fmt(this.windowMinutes)} min error window (${fmt(rw)}/min) vs ${base} in the ${fmt(b)} min before it (${fmt(rb)}/min)`,
      baselineMinutes: b,
    };
  }
}

/** A log line with its timestamp, numbers and ids blanked: lines of the same kind share a template. */
function template(text: string): string {
  return text
    .replace(/^\S*\d{2}:\d{2}:\d{2}\S*\s*/, '')
    .replace(/\b[0-9a-f]{8,}\b/gi, '#')
    .replace(/\d+/g, '#')
    .trim()
    .toLowerCase();
}

function coincidingLines(logs: HostLogEvidence[]): CoincidingLine[] {
  const out: CoincidingLine[] = [];
  for (const h of logs) {
    for (const l of h.lines) {
      if (l.marks.length === 0 || l.phase === 'unknown') continue;
      out.push({
        host: h.host,
        source: h.source,
        phase: l.phase,
        minutesFromFirstEvent: l.minutesFromFirstEvent,
        level: l.level,
        marks: l.marks,
        text: l.text,
      });
    }
  }
  return out;
}

function defectKind(type: string, value: string): string {
  if (
    /cannot read propert|undefined is not|null is not|of undefined|of null|NoneType|NullPointer|nil pointer/i.test(
      `${type} ${value}`,
    )
  )
    return 'Missing null/undefined check';
  if (/timeout|timed out/i.test(`${type} ${value}`)) return 'Unhandled timeout';
  if (/KeyError|IndexError|out of (range|bounds)/i.test(`${type} ${value}`)) return 'Missing key/bounds check';
  return `Unhandled ${type}`;
}

function when(l: { phase: LogPhase; minutesFromFirstEvent: number | null }): string {
  if (l.minutesFromFirstEvent === null) return `(${l.phase})`;
  return `(${l.phase}, ${formatOffset(l.minutesFromFirstEvent)} from the first error)`;
}

/** Text for a markdown code span: no backticks or newlines that would end it early. */
function code(s: string): string {
  const one = s.replace(/`/g, 'ʼ').replace(/\s+/g, ' ').trim();
  return one.length > 240 ? `${one.slice(0, 240)}…` : one;
}

function renderMarkdown(e: Evidence, r: Omit<AnalysisReport, 'markdown'>): string {
  const i = e.issue;
  const L: string[] = [];
  L.push(`# ${i.shortId}: ${code(i.title)}`);
  L.push('');
  L.push(
    `${i.level} · ${i.status} · ${countOf(i.count, 'event')} · ${countOf(i.userCount, 'user')} · first seen ${i.firstSeen} · last seen ${i.lastSeen}${i.release ? ` · release ${i.release}` : ''}`,
  );
  for (const n of e.notes) L.push('', `_Note: ${n}_`);
  L.push('');
  L.push('## Culprit');
  if (r.culprit) {
    L.push(
      `\`${r.culprit.path}:${r.culprit.line}\`${r.culprit.function ? ` in \`${code(r.culprit.function)}\`` : ''} — \`${code(`${r.culprit.exceptionType}: ${r.culprit.exceptionValue}`)}\``,
    );
    L.push('');
    L.push(r.culprit.why);
    const f = e.code.frames[0];
    if (f && f.excerpt.length) {
      const near = f.excerpt.filter(([n]) => Math.abs(n - f.line) <= 3);
      L.push('');
      L.push('```');
      for (const [n, t] of near)
        L.push(`${n === f.line ? '>' : ' '}${String(n).padStart(5)} | ${t.replace(/```/g, 'ʼʼʼ')}`);
      L.push('```');
    }
  } else {
    L.push('No stack trace in the stored events.');
  }
  const h = e.history;
  L.push('');
  L.push('## Release and suspect commits');
  const rl = h.release;
  L.push(
    rl.commit
      ? `Release ${rl.version ? `\`${code(rl.version)}\`` : '(none on the events)'} → \`${rl.commit.slice(0, 12)}\` (${rl.resolvedBy}); previous release ${rl.previousVersion ? `\`${code(rl.previousVersion)}\`` : '—'}${rl.previousCommit ? ` (\`${rl.previousCommit.slice(0, 12)}\`)` : ''}.`
      : `Release ${rl.version ? `\`${code(rl.version)}\`` : '(none on the events)'}: no commit found.`,
  );
  for (const n of rl.notes) L.push(`- ${n}`);
  if (h.suspects.list.length) {
    L.push('');
    L.push(
      `Suspects in ${h.suspects.range ?? 'the range'} (${h.suspects.rangeCommits} commit(s)), best first${h.suspects.list[0]!.score >= 3 ? ` — suggested owner: **${code(h.suspects.list[0]!.author)}**` : ''}:`,
    );
    h.suspects.list.slice(0, 5).forEach((x, n) => {
      L.push(
        `${n + 1}. \`${x.commit}\` ${code(x.summary)} — ${code(x.author)}, ${x.date.slice(0, 10)} (score ${x.score})`,
      );
      for (const w of x.why.slice(0, 4)) L.push(`   - ${w}`);
    });
  } else if (h.suspects.range) {
    L.push(`- No commits to rank in ${h.suspects.range}.`);
  }
  for (const n of h.suspects.notes) L.push(`- ${n}`);
  L.push('');
  L.push('## Is the workspace the code that crashed? (version skew)');
  L.push(h.skew ? h.skew.summary : (h.skewNote ?? 'Unknown.'));
  if (h.skew?.commits.length)
    for (const c of h.skew.commits.slice(-5))
      L.push(
        `- \`${c.commit}\` ${c.date.slice(0, 10)} ${code(c.summary)}${c.changedCrashLine ? ' — changes a crash line' : ''}`,
      );
  L.push('');
  L.push('## What changed at these lines');
  L.push(
    ...(r.changes.length ? r.changes.map((c) => `- ${c}`) : ['- Nothing: no commit in the blame of these lines.']),
  );
  L.push('');
  L.push('## Error rate');
  L.push(`**${e.trend.verdict}** — ${r.trend}${e.trend.firstSeenVsRelease ? ` ${e.trend.firstSeenVsRelease}` : ''}`);
  L.push('');
  L.push('## Logs around the errors');
  if (r.logCounts.length === 0) {
    L.push('No log sources configured.');
  } else {
    L.push('| host | source | status | before | during | after |');
    L.push('|---|---|---|---|---|---|');
    for (const c of r.logCounts)
      L.push(
        `| ${cell(c.host)} | ${cell(c.source)} | ${cell(c.status)} | ${c.before} (${c.notableBefore} notable) | ${c.during} (${c.notableDuring}) | ${c.after} (${c.notableAfter}) |`,
      );
    const shown = r.coinciding.filter((l) => l.phase !== 'after').slice(0, 12);
    if (shown.length) {
      L.push('');
      L.push('Lines that coincide with the errors:');
      for (const l of shown) L.push(`- ${l.host} ${when(l)} [${l.marks.join(', ')}]: \`${code(l.text)}\``);
    }
  }
  L.push('');
  L.push('## Hypotheses (ranked)');
  r.hypotheses.forEach((hy, n) => {
    L.push(`${n + 1}. **${code(hy.title)}** — ${hy.kind}, confidence ${hy.confidence} (${hy.score})`);
    for (const ev of hy.evidence) L.push(`   - ${ev}`);
    L.push(`   - To confirm: ${hy.check}`);
  });
  const timingOnly = e.related.filter((x) => x.links.length === 0);
  if (timingOnly.length || r.notes.length) {
    L.push('');
    L.push('## Related (not ranked)');
    for (const x of timingOnly.slice(0, 5))
      L.push(
        `- ${x.shortId} [${code(x.projectSlug)}] “${code(x.title)}” ${x.relation === 'first-seen-in-window' ? 'first seen' : 'spiked'} ${formatMinutes(x.minutesFromThis)} ${x.minutesFromThis <= 0 ? 'before' : 'after'} this issue — timing only, nothing links them.`,
      );
    for (const n of r.notes) L.push(`- ${n}`);
  }
  if (e.budget.cuts.length) {
    L.push('');
    L.push(`_Evidence trimmed to ${e.budget.limitTokens} tokens: ${e.budget.cuts.join('; ')}._`);
  }
  return L.join('\n');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}
