/**
 * The rule set before issue 11 (release/suspect/skew-aware diagnosis), kept verbatim so `npm run eval`
 * can score it next to the current analyzer in the same run. Not used by the product.
 */
/**
 * The deterministic diagnosis: from the evidence alone (no AI), the culprit frame and why, what changed
 * at those lines, whether the rate is rising, which log lines coincide with the errors, and hypotheses
 * ranked by the evidence that supports each. Shown first, and the whole answer when there is no AI key.
 */
import type {
  Culprit,
  Evidence,
  HostLogEvidence,
  LogLineEvidence,
  LogPhase,
} from '../../src/core/investigate/evidence';
import { formatMinutes } from '../../src/core/investigate/trend';
import { formatOffset } from '../../src/core/investigate/logCorrelation';

export interface Hypothesis {
  title: string;
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
  markdown: string;
}

/** Log wording that points at a cause outside the crashing code. */
const SIGNALS: Array<{ kind: string; re: RegExp; title: string; check: string }> = [
  {
    kind: 'pool',
    re: /pool (is |nearly |almost )?(exhausted|depleted)|pool ?exhausted|exhausted.*pool|too many (connections|clients)|no (available|free|idle) connections?|remaining connection slots|acquir\w* (a )?connection.*(timed? ?out|timeout)|connection pool.*(full|limit|max)|max(imum)? (pool|connections?) (size )?reached/i,
    title: 'Connection pool exhausted shortly before the errors',
    check:
      'Check pool size vs concurrent requests and look for connections not released (missing release/finally) or slow queries holding them.',
  },
  {
    kind: 'memory',
    re: /out of memory|\bOOM\b|heap (out of memory|limit)|ENOMEM|killed process|memory (limit|pressure)/i,
    title: 'Memory exhaustion around the errors',
    check: 'Check process memory graphs and OOM-killer entries at that time.',
  },
  {
    kind: 'disk',
    re: /no space left|ENOSPC|disk (is )?full|quota exceeded/i,
    title: 'Disk full around the errors',
    check: 'Check free disk space on the host at that time.',
  },
  {
    kind: 'upstream',
    re: /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|connection (refused|reset)|upstream .*(unavailable|failed)|503 Service Unavailable|bad gateway/i,
    title: 'A dependency was unreachable when the errors began',
    check: 'Check the health of the dependency named in the log line at that time.',
  },
  {
    kind: 'timeout',
    re: /timed? ?out|timeout|ETIMEDOUT|deadline exceeded/i,
    title: 'Timeouts logged around the errors',
    check: 'Check latency of the slow dependency and the timeout settings.',
  },
  {
    kind: 'ratelimit',
    re: /rate.?limit|throttl|too many requests|\b429\b/i,
    title: 'Rate limiting around the errors',
    check: 'Check the rate-limit headers and quotas of the dependency.',
  },
  {
    kind: 'restart',
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

  // Hypothesis: an infrastructure signal in the logs, preferably before the first error.
  for (const sig of SIGNALS) {
    const hits = coinciding.filter((l) => sig.re.test(l.text) && (l.phase === 'before' || l.phase === 'during'));
    if (hits.length === 0) continue;
    const firstHit = hits.reduce((a, b) => ((a.minutesFromFirstEvent ?? 0) <= (b.minutesFromFirstEvent ?? 0) ? a : b));
    const leads =
      firstHit.phase === 'before' &&
      firstHit.minutesFromFirstEvent !== null &&
      firstHit.minutesFromFirstEvent >= -NEAR_BEFORE_MIN;
    let score = 0.45;
    if (leads) score += 0.25;
    if (hits.some((h) => h.level === 'warn' || h.level === 'error')) score += 0.1;
    if (hits.length >= 2) score += 0.05;
    if (hits.some((h) => h.phase === 'during')) score += 0.05;
    hypotheses.push({
      title: sig.title,
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
      ],
      check: sig.check,
    });
  }

  // Hypothesis: other warnings/errors shortly before the first error that no signal above explains.
  // Lines that are another issue's own failure (its exception type and message) belong to that issue:
  // they count for the knock-on hypothesis below, not as unexplained warnings.
  const otherFailures = e.related
    .map((r) => r.title.toLowerCase().slice(0, 60))
    .filter((t) => t.length >= 12 && !t.startsWith((e.culprit?.exceptionType ?? '\0').toLowerCase()));
  const isOtherFailure = (text: string) => {
    const l = text.toLowerCase();
    return otherFailures.some((t) => l.includes(t));
  };
  const unexplained = coinciding.filter(
    (l) =>
      l.phase === 'before' &&
      (l.level === 'warn' || l.level === 'error') &&
      !SIGNALS.some((s) => s.re.test(l.text)) &&
      !isOtherFailure(l.text) &&
      (l.minutesFromFirstEvent ?? -999) >= -NEAR_BEFORE_MIN,
  );
  if (unexplained.length) {
    hypotheses.push({
      title: 'Warnings logged just before the errors began',
      score: 0.3 + Math.min(0.15, unexplained.length * 0.03),
      confidence: 'low',
      evidence: unexplained.slice(0, 4).map((h) => `log ${h.host} ${h.source} ${when(h)}: \`${code(h.text)}\``),
      check: 'Read these log lines next to the failing request to see whether they describe the same operation.',
    });
  }

  // Hypothesis: a recent change to the crash lines.
  const changes: string[] = [];
  const recent = e.git.changes.filter((c) => c.minutesBeforeFirstSeen >= -60 && c.minutesBeforeFirstSeen <= 14 * 1440);
  for (const c of e.git.changes.slice(0, 6)) {
    changes.push(
      `\`${c.commit}\` ${c.date} by ${c.author}: ${c.summary} — \`${c.path}\` lines ${c.lines.length ? `${Math.min(...c.lines)}-${Math.max(...c.lines)}` : '?'}${c.touchesCrashLine ? ' (at or next to the crash line)' : ''}, ${c.minutesBeforeFirstSeen >= 0 ? `${formatMinutes(c.minutesBeforeFirstSeen)} before` : `${formatMinutes(c.minutesBeforeFirstSeen)} after`} first seen`,
    );
  }
  if (!e.git.available) changes.push(`No git history: ${e.git.reason ?? 'unavailable'}`);
  const top = recent.sort(
    (a, b) =>
      Number(b.touchesCrashLine) - Number(a.touchesCrashLine) || a.minutesBeforeFirstSeen - b.minutesBeforeFirstSeen,
  )[0];
  if (top && top.commit !== 'uncommitted') {
    let score = 0.45;
    if (top.touchesCrashLine) score += 0.2;
    if (top.minutesBeforeFirstSeen >= 0 && top.minutesBeforeFirstSeen <= 2 * 1440) score += 0.15;
    hypotheses.push({
      title: `Regression from commit ${top.commit} (“${top.summary}”)`,
      score,
      confidence: 'low',
      evidence: [
        `${top.commit} by ${top.author} on ${top.date} changed \`${top.path}:${Math.min(...top.lines)}\`${top.touchesCrashLine ? ' — at or next to the crash line' : ''}`,
        top.minutesBeforeFirstSeen >= 0
          ? `committed ${formatMinutes(top.minutesBeforeFirstSeen)} before the issue was first seen (${firstSeen})`
          : `committed ${formatMinutes(top.minutesBeforeFirstSeen)} after first seen — the issue predates it`,
      ],
      check: `Compare the behaviour before and after ${top.commit} (git show ${top.commit}); revert it on a branch and replay the failing request.`,
    });
  }

  // Hypothesis: the release it first appeared in.
  const m = e.trend.minutesAfterRelease;
  if (e.issue.release && m !== null && m >= 0 && m <= 24 * 60) {
    hypotheses.push({
      title: `Introduced by release ${e.issue.release}`,
      score: 0.35 + (m <= 120 ? 0.15 : 0),
      confidence: 'low',
      evidence: [e.trend.firstSeenVsRelease ?? `first seen in ${e.issue.release}`],
      check: `Diff release ${e.issue.release} against the previous release for changes on the crash path.`,
    });
  }

  // Hypothesis: a cascade from an issue that began earlier in the same window.
  const earlier = e.related.filter((r) => r.minutesFromThis <= 0 && r.minutesFromThis >= -30);
  if (earlier.length) {
    const r = earlier[0]!;
    hypotheses.push({
      title: `Knock-on effect of ${r.shortId} (${r.projectSlug}), which began first`,
      score: 0.4 + (r.projectSlug !== e.issue.projectSlug ? 0.1 : 0),
      confidence: 'low',
      evidence: [
        ...earlier
          .slice(0, 3)
          .map(
            (x) =>
              `${x.shortId} [${x.projectSlug}] “${x.title}” ${x.relation === 'first-seen-in-window' ? 'first seen' : 'spiked'} ${formatMinutes(x.minutesFromThis)} before this issue's first event`,
          ),
        ...coinciding
          .filter((l) => l.phase === 'before' && isOtherFailure(l.text))
          .slice(0, 2)
          .map((h) => `its failure logged on ${h.host} ${when(h)}: \`${code(h.text)}\``),
      ],
      check: `Open ${r.shortId} and check whether its failure is upstream of this code path.`,
    });
  }

  // Baseline: a defect at the culprit frame itself (always present, ranked by the others).
  if (e.culprit) {
    const c = e.culprit;
    const matchLines = coinciding.filter(
      (l) => l.marks.includes('exception-type') || l.marks.includes('message') || l.marks.includes('trace-id'),
    );
    hypotheses.push({
      title: `${defectKind(c.exceptionType, c.exceptionValue)} at ${c.path}:${c.line}${c.function ? ` in ${c.function}` : ''}`,
      score: 0.25 + (e.code.frames.length ? 0.05 : 0),
      confidence: 'low',
      evidence: [
        `\`${c.path}:${c.line}\` raises \`${code(`${c.exceptionType}: ${c.exceptionValue}`)}\` — ${c.why}`,
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
  };
  return { ...report, markdown: renderMarkdown(e, report) };
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
    `${i.level} · ${i.status} · ${i.count} events · ${i.userCount} users · first seen ${i.firstSeen} · last seen ${i.lastSeen}${i.release ? ` · release ${i.release}` : ''}`,
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
  r.hypotheses.forEach((h, n) => {
    L.push(`${n + 1}. **${code(h.title)}** — confidence ${h.confidence} (${h.score})`);
    for (const ev of h.evidence) L.push(`   - ${ev}`);
    L.push(`   - To confirm: ${h.check}`);
  });
  if (e.budget.cuts.length) {
    L.push('');
    L.push(`_Evidence trimmed to ${e.budget.limitTokens} tokens: ${e.budget.cuts.join('; ')}._`);
  }
  return L.join('\n');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}
