/**
 * Renders evidence into the text the model receives, within a token budget. Each section has a share
 * of the budget; inside a section, what is nearest the crash (code lines near the crash line, log lines
 * near the event times, the newest breadcrumbs) is kept first, and whatever is left out is said.
 * Unused budget of small sections goes to the sections that were cut.
 */
import type { Evidence, EvidenceBudget, EvidenceSection } from './evidence';
import { distanceFromWindow, formatOffset } from './logCorrelation';
import { formatMinutes } from './trend';
import { countOf } from '../../shared/countOf';

export const DEFAULT_TOKEN_BUDGET = 12_000;

/** About four characters a token for English and code: close enough for budgeting, cheap to compute. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

type EvidenceInput = Omit<Evidence, 'budget' | 'rendered'>;

interface Item {
  text: string;
  /** Lower is kept first. */
  priority: number;
  /** Output position. */
  order: number;
  /** Lines that always come with the item (a file header before its first line). */
  group?: string;
}

interface Piece {
  name: string;
  share: number;
  header: string;
  items: Item[];
  /** What one item is, for the "cut" sentence: "log lines", "frames". */
  unit: string;
  /** How the kept items were chosen, for the "cut" sentence. */
  rule: string;
}

const MAX_LINE = 300;

export function renderEvidence(e: EvidenceInput, limitTokens: number): { budget: EvidenceBudget; rendered: string } {
  const pieces = buildPieces(e);
  // The "left out" footer is part of what is sent, so it counts too: shrink the sections until the
  // whole text fits (a few passes at most; each takes off what the last one overshot).
  let target = limitTokens;
  let result = renderWithin(pieces, target, limitTokens);
  for (let pass = 0; pass < 6 && result.budget.usedTokens > limitTokens && target > 0; pass++) {
    target = Math.max(0, target - (result.budget.usedTokens - limitTokens) - 16);
    result = renderWithin(pieces, target, limitTokens);
  }
  return result;
}

function renderWithin(
  pieces: Piece[],
  target: number,
  limitTokens: number,
): { budget: EvidenceBudget; rendered: string } {
  const shares = pieces.reduce((a, p) => a + p.share, 0);
  const budgets = pieces.map((p) => Math.floor((target * p.share) / shares));
  let rendered = pieces.map((p, i) => fit(p, budgets[i]!));
  // Second pass: hand what small sections did not use to the sections that had to cut, in order.
  let spare = target - rendered.reduce((a, r) => a + r.tokens, 0);
  for (let i = 0; i < pieces.length && spare > 0; i++) {
    if (!rendered[i]!.cut) continue;
    const more = fit(pieces[i]!, budgets[i]! + spare);
    spare -= more.tokens - rendered[i]!.tokens;
    budgets[i] = budgets[i]! + Math.max(0, more.tokens - rendered[i]!.tokens);
    rendered[i] = more;
  }
  const cuts = rendered.filter((r) => r.cut).map((r) => `${r.name}: ${r.cut}`);
  rendered = rendered.filter((r) => r.text.length > 0);
  const text = rendered.map((r) => r.text).join('\n\n');
  const final = cuts.length
    ? `${text}\n\n## Left out to stay within ${limitTokens} tokens\n${cuts.map((c) => `- ${c}`).join('\n')}`
    : text;
  return {
    budget: { limitTokens, usedTokens: estimateTokens(final), sections: rendered, cuts },
    rendered: final,
  };
}

function fit(p: Piece, maxTokens: number): EvidenceSection {
  if (p.items.length === 0 && !p.header) return { name: p.name, text: '', chars: 0, tokens: 0 };
  let used = estimateTokens(p.header) + 1;
  if (used > maxTokens && p.items.length > 0)
    return {
      name: p.name,
      text: '',
      chars: 0,
      tokens: 0,
      cut: `left out entirely (${p.items.length} ${p.unit}; no room in the budget)`,
    };
  const kept: Item[] = [];
  const groupsShown = new Set<string>();
  const sorted = [...p.items].sort((a, b) => a.priority - b.priority || a.order - b.order);
  for (const it of sorted) {
    const groupCost = it.group && !groupsShown.has(it.group) ? estimateTokens(it.group) + 1 : 0;
    const cost = estimateTokens(it.text) + 1 + groupCost;
    if (used + cost > maxTokens) continue; // a smaller, farther item may still fit
    used += cost;
    kept.push(it);
    if (it.group) groupsShown.add(it.group);
  }
  kept.sort((a, b) => a.order - b.order);
  const lines: string[] = [p.header];
  let lastGroup: string | undefined;
  for (const it of kept) {
    if (it.group && it.group !== lastGroup) lines.push(it.group);
    lastGroup = it.group;
    lines.push(it.text);
  }
  const dropped = p.items.length - kept.length;
  const text = lines.join('\n');
  return {
    name: p.name,
    text,
    chars: text.length,
    tokens: estimateTokens(text),
    ...(dropped > 0 ? { cut: `kept ${kept.length} of ${p.items.length} ${p.unit} (${p.rule})` } : {}),
  };
}

function clip(s: string): string {
  const one = s.replace(/\r?\n/g, ' ⏎ ');
  return one.length > MAX_LINE ? `${one.slice(0, MAX_LINE)}… [${one.length - MAX_LINE} more chars]` : one;
}

function buildPieces(e: EvidenceInput): Piece[] {
  const pieces: Piece[] = [];
  const i = e.issue;
  const t = e.trend;
  const facts = [
    `- ${i.shortId}: ${clip(i.title)}`,
    `- level ${i.level}, status ${i.status}, project ${i.projectSlug}, ${countOf(i.count, 'event')}, ${countOf(i.userCount, 'user')}`,
    `- first seen ${i.firstSeen}, last seen ${i.lastSeen}, release ${i.release ?? 'unknown'}, environment ${i.environment ?? 'unknown'}`,
    `- culprit (Sentry): ${clip(i.culprit)}`,
    `- trend: ${t.verdict}. ${t.why}`,
    `- events per hour, 24 h to ${t.endsAt}, oldest first: ${t.hourly24h.map(([, n]) => n).join(' ')}`,
    ...(t.firstSeenVsRelease ? [`- ${t.firstSeenVsRelease}`] : []),
    ...(e.eventWindow ? [`- stored events span ${e.eventWindow.first} … ${e.eventWindow.last}`] : []),
    ...e.notes.map((n) => `- note: ${clip(n)}`),
  ];
  pieces.push({
    name: 'issue',
    share: 6,
    header: '## Issue',
    items: facts.map((text, n) => ({ text, priority: n, order: n })),
    unit: 'facts',
    rule: 'first facts first',
  });

  const c = e.culprit;
  const crash: Item[] = [];
  if (c) {
    crash.push({ text: `- exception: ${clip(`${c.exceptionType}: ${c.exceptionValue}`)}`, priority: 0, order: 0 });
    crash.push({
      text: `- culprit frame: ${c.function ?? '?'} at ${c.path}:${c.line}${c.mapped ? '' : ' (not in this workspace)'} — ${c.why}`,
      priority: 0,
      order: 1,
    });
  }
  e.code.unmapped.forEach((u, n) =>
    crash.push({
      text: `- unmapped frame: ${u.function ?? '?'} ${u.filename ?? '?'}:${u.line ?? '?'}${u.inApp ? ' (in-app)' : ''} — ${u.reason}`,
      priority: 10 + n,
      order: 10 + n,
    }),
  );
  pieces.push({
    name: 'crash',
    share: 6,
    header: '## Crash',
    items: crash,
    unit: 'frames',
    rule: 'innermost frames first',
  });

  const code: Item[] = [];
  e.code.frames.forEach((f, rank) => {
    const group = `### ${f.path}:${f.line} in ${f.function ?? '?'}${rank === 0 ? ' (crash)' : ' (caller)'}`;
    f.excerpt.forEach(([n, text], k) =>
      code.push({
        text: `${n === f.line ? '>' : ' '}${String(n).padStart(5)} | ${clip(text)}`,
        priority: rank * 8 + Math.abs(n - f.line),
        order: rank * 10000 + k,
        group,
      }),
    );
  });
  pieces.push({
    name: 'code',
    share: 22,
    header: code.length ? '## Code at the crash frames (workspace files)' : '',
    items: code,
    unit: 'code lines',
    rule: 'lines nearest the crash line, crash frame first',
  });

  const g = e.git;
  const git: Item[] = [];
  if (!g.available) git.push({ text: `- no history: ${g.reason ?? 'unavailable'}`, priority: 0, order: 0 });
  g.changes.forEach((ch, n) =>
    git.push({
      text: `- ${ch.commit} ${ch.date} ${clip(ch.author)}: ${clip(ch.summary)} — ${ch.path} lines ${compactLines(ch.lines)}${ch.touchesCrashLine ? ' (at or next to the crash line)' : ''}; ${ch.minutesBeforeFirstSeen >= 0 ? `${formatMinutes(ch.minutesBeforeFirstSeen)} before` : `${formatMinutes(ch.minutesBeforeFirstSeen)} after`} the issue was first seen`,
      priority: (ch.touchesCrashLine ? 0 : 20) + n,
      order: n,
    }),
  );
  if (g.history)
    g.history
      .split('\n')
      .slice(0, 120)
      .forEach((l, n) =>
        git.push({ text: clip(l), priority: 40 + n, order: 1000 + n, group: '### git log -L (crash lines)' }),
      );
  pieces.push({
    name: 'git',
    share: 12,
    header: '## Recent changes to these lines (git)',
    items: git,
    unit: 'git lines',
    rule: 'changes touching the crash line and newest first',
  });

  const hist: Item[] = [];
  const h = e.history;
  const rl = h.release;
  hist.push({
    text: `- release ${rl.version ?? 'unknown'} → ${rl.commit ? `commit ${rl.commit.slice(0, 12)} (by ${rl.resolvedBy})` : 'no commit found'}; previous release ${rl.previousVersion ?? '-'}${rl.previousCommit ? ` (${rl.previousCommit.slice(0, 12)})` : ''}`,
    priority: 0,
    order: 0,
  });
  rl.notes.forEach((n, k) => hist.push({ text: `- ${clip(n)}`, priority: 30 + k, order: 1 + k }));
  if (h.skew)
    hist.push({
      text: `- version skew (workspace ${h.skew.relation} the release): ${clip(h.skew.summary)}${
        h.skew.commits.length
          ? ` Commits on the crash files since: ${h.skew.commits
              .slice(-5)
              .map(
                (c) =>
                  `${c.commit.slice(0, 9)} ${clip(c.summary)}${c.changedCrashLine ? ' [changes a crash line]' : ''}`,
              )
              .join('; ')}`
          : ''
      }`,
      priority: 1,
      order: 20,
    });
  else if (h.skewNote) hist.push({ text: `- version skew: ${clip(h.skewNote)}`, priority: 40, order: 20 });
  if (h.suspects.range)
    hist.push({
      text: `### Suspect commits in ${clip(h.suspects.range)} (${h.suspects.rangeCommits} commits${h.suspects.scanned < h.suspects.rangeCommits ? `, newest ${h.suspects.scanned} scanned` : ''}), best first`,
      priority: 2,
      order: 30,
    });
  h.suspects.list.forEach((x, k) =>
    hist.push({
      text: `- ${x.commit} ${x.date.slice(0, 10)} ${clip(x.author)}: ${clip(x.summary)} — score ${x.score}; ${x.why.map(clip).join('; ')}; files ${x.files.slice(0, 6).join(', ')}${x.files.length > 6 ? ` (+${x.files.length - 6})` : ''}`,
      priority: 3 + k * 2,
      order: 31 + k,
    }),
  );
  h.suspects.notes.forEach((n, k) => hist.push({ text: `- ${clip(n)}`, priority: 35 + k, order: 60 + k }));
  pieces.push({
    name: 'history',
    share: 12,
    header: '## Release, suspect commits and version skew',
    items: hist,
    unit: 'history lines',
    rule: 'the release, skew and the best suspects first',
  });

  const logs: Item[] = [];
  const first = e.eventWindow ? Date.parse(e.eventWindow.first) : 0;
  const last = e.eventWindow ? Date.parse(e.eventWindow.last) : 0;
  e.logs.forEach((h, hi) => {
    const group = `### ${h.host} ${h.source}: ${h.status}${h.message ? ` (${clip(h.message)})` : ''}; ${h.totalLines} lines — before ${h.counts.before}, during ${h.counts.during}, after ${h.counts.after} (warnings/errors/matches: ${h.notable.before}/${h.notable.during}/${h.notable.after})`;
    if (h.lines.length === 0) logs.push({ text: '(no lines)', priority: 0, order: hi * 1e7, group });
    h.lines.forEach((l, k) => {
      const dist = distanceFromWindow(l, first, last) / 60000;
      const markBonus = l.marks.length ? 10 : 0;
      const tag = `[${l.phase}${l.minutesFromFirstEvent !== null ? ` ${formatOffset(l.minutesFromFirstEvent)}` : ''}${l.marks.length ? ` ${l.marks.join(',')}` : ''}]`;
      logs.push({ text: `${tag} ${clip(l.text)}`, priority: dist - markBonus, order: hi * 1e7 + k, group });
    });
  });
  pieces.push({
    name: 'logs',
    share: 30,
    header: e.logs.length
      ? `## Server logs${e.logWindow ? ` ${e.logWindow.since} … ${e.logWindow.until}` : ''} (phase relative to the error events)`
      : '',
    items: logs,
    unit: 'log lines',
    rule: 'marked lines and those nearest the event times',
  });

  const events: Item[] = e.events.map((ev, n) => ({
    text: `- ${ev.id} ${ev.timestamp} release=${ev.release ?? '-'} env=${ev.environment ?? '-'}${ev.traceId ? ` trace=${ev.traceId}` : ''}${ev.request ? ` ${clip(ev.request)}` : ''} — ${clip(ev.exception || ev.message)}`,
    priority: n,
    order: n,
  }));
  pieces.push({
    name: 'events',
    share: 7,
    header: events.length ? '## Events (newest first)' : '',
    items: events,
    unit: 'events',
    rule: 'newest first',
  });

  const bc: Item[] = e.breadcrumbs.map((b, n) => ({
    text: `- ${b.timestamp ?? '?'} ${b.category ?? ''} ${b.level ?? ''} ${clip(b.message)}`.replace(/ +/g, ' '),
    priority: e.breadcrumbs.length - n,
    order: n,
  }));
  pieces.push({
    name: 'breadcrumbs',
    share: 7,
    header: bc.length ? '## Breadcrumbs before the latest event (oldest first)' : '',
    items: bc,
    unit: 'breadcrumbs',
    rule: 'those nearest the crash',
  });

  const tags: Item[] = Object.entries(e.tags).map(([k, vals], n) => ({
    text: `- ${clip(k)}: ${vals.map(([v, c2]) => `${clip(v)} (${c2})`).join(', ')}`,
    priority: n,
    order: n,
  }));
  pieces.push({
    name: 'tags',
    share: 3,
    header: tags.length ? '## Tags across events' : '',
    items: tags,
    unit: 'tags',
    rule: 'first tags',
  });

  const rel: Item[] = e.related.map((r, n) => ({
    text: `- ${r.shortId} [${r.projectSlug}] ${clip(r.title)} — ${r.relation === 'first-seen-in-window' ? 'first seen' : 'spiked'} ${r.minutesFromThis <= 0 ? `${formatMinutes(r.minutesFromThis)} before` : `${formatMinutes(r.minutesFromThis)} after`} this issue's first event in the window${r.links.length ? `; linked: ${r.links.map(clip).join('; ')}` : ' (timing only, no link found)'}`,
    priority: Math.abs(r.minutesFromThis) - (r.links.length ? 1e6 : 0),
    order: n,
  }));
  pieces.push({
    name: 'related',
    share: 5,
    header: rel.length ? '## Other issues that began or spiked in the same window' : '',
    items: rel,
    unit: 'issues',
    rule: 'nearest in time',
  });
  return pieces;
}

function compactLines(lines: number[]): string {
  const s = [...new Set(lines)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let k = 0; k < s.length; k++) {
    const start = s[k]!;
    while (k + 1 < s.length && s[k + 1] === s[k]! + 1) k++;
    out.push(start === s[k] ? `${start}` : `${start}-${s[k]}`);
  }
  return out.join(',');
}
