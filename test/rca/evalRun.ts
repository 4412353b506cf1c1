/**
 * Builds each corpus incident (a real git repository with tags, the store's issues and events, the
 * service log behind a LogProvider), runs the real evidence collection with the real frame mapper,
 * and scores the current analyzer and the rule set before issue 11 (baselineAnalyzer.ts) on the same
 * evidence in the same run.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FrameMapper } from '../../src/core/frames/frameMapper';
import { WorkspaceFileIndex } from '../../src/core/frames/workspaceFileIndex';
import { frameResolverFromMapper, workspaceAccess } from '../../src/core/investigate/adapters';
import { analyze, type HypothesisKind } from '../../src/core/investigate/analyzer';
import { EvidenceCollector } from '../../src/core/investigate/evidenceCollector';
import type { Evidence } from '../../src/core/investigate/evidence';
import type { FetchedLogs, IssueSource, LogProvider } from '../../src/core/investigate/ports';
import type { StoredEvent, StoredIssue } from '../../src/core/store/model';
import { analyze as baselineAnalyze } from './baselineAnalyzer';
import type { CaseEvent, RcaCase } from './corpus';

export interface CaseScore {
  name: string;
  culpritRight: boolean;
  /** null when the truth has no cause commit. */
  top1: boolean | null;
  top3: boolean | null;
  kind: HypothesisKind | string;
  kindRight: boolean;
  /** Cascade hypotheses ranked with nothing but timing behind them. */
  falseCascades: number;
  tokens: number;
  ms: number;
  skewRight: boolean | null;
}

export interface CaseResult {
  current: CaseScore;
  baseline: CaseScore;
  evidence: Evidence;
}

const MIN = 60_000;

function git(cwd: string, args: string[], date?: Date, author = 'Sam Rivera'): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: author,
      GIT_AUTHOR_EMAIL: `${author.split(' ')[0]!.toLowerCase()}@example.com`,
      GIT_COMMITTER_NAME: author,
      GIT_COMMITTER_EMAIL: 'ci@example.com',
      GIT_CONFIG_NOSYSTEM: '1',
      ...(date ? { GIT_AUTHOR_DATE: date.toISOString(), GIT_COMMITTER_DATE: date.toISOString() } : {}),
    },
  });
}

function writeTree(root: string, files: Record<string, string | null>): void {
  for (const [p, text] of Object.entries(files)) {
    const abs = join(root, p);
    if (text === null) rmSync(abs, { force: true });
    else {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    }
  }
}

/** The workspace of a case: its history replayed with dates and tags (or only its final files). */
export function buildWorkspace(c: RcaCase, t0: number): { root: string; cleanup(): void } {
  const top = realpathSync(mkdtempSync(join(tmpdir(), `rca-eval-${c.name}-`)));
  const src = join(top, 'origin');
  mkdirSync(src);
  const mode = c.workspace ?? 'git';
  if (mode === 'none') {
    for (const k of c.commits) writeTree(src, k.files);
    return { root: src, cleanup: () => rmSync(top, { recursive: true, force: true }) };
  }
  git(src, ['init', '-q', '-b', 'main']);
  const releaseTagged = c.commits.some((k) => k.tag === c.release);
  const lastBefore =
    c.commits
      .map((k, i) => [k, i] as const)
      .filter(([k]) => k.minutesBefore > 0)
      .pop()?.[1] ?? -1;
  c.commits.forEach((k, i) => {
    writeTree(src, k.files);
    git(src, ['add', '-A']);
    git(src, ['commit', '-q', '--allow-empty', '-m', k.subject], new Date(t0 - k.minutesBefore * MIN), k.author);
    const tag = k.tag ?? (!releaseTagged && c.release && i === lastBefore ? c.release : undefined);
    if (tag) git(src, ['tag', tag]);
  });
  if (mode === 'shallow') {
    const clone = join(top, 'clone');
    git(top, ['clone', '-q', `--depth=${c.shallowDepth ?? 3}`, `file://${src}`, clone]);
    return { root: clone, cleanup: () => rmSync(top, { recursive: true, force: true }) };
  }
  return { root: src, cleanup: () => rmSync(top, { recursive: true, force: true }) };
}

export function storedEvent(
  id: string,
  issueId: string,
  projectId: string,
  at: number,
  ev: CaseEvent,
  release: string | null,
  title: string,
): StoredEvent {
  return {
    id,
    issueId,
    projectId,
    timestamp: new Date(at).toISOString(),
    level: 'error',
    title,
    message: '',
    platform: 'node',
    environment: 'production',
    release,
    exceptions: [
      {
        type: ev.type,
        value: ev.value,
        module: null,
        handled: false,
        mechanism: 'onuncaughtexception',
        frames: ev.frames.map((f) => ({
          // As the Node SDK reports a deployed file: an absolute path under the app's directory.
          filename: `/srv/app/${f.path.replace(/^services\/[^/]+\//, '')}`,
          absPath: `/srv/app/${f.path.replace(/^services\/[^/]+\//, '')}`,
          module: null,
          package: null,
          platform: 'node',
          function: f.fn,
          lineNo: f.line,
          colNo: 12,
          inApp: f.inApp ?? true,
          context: [],
        })),
      },
    ],
    tags: {
      environment: 'production',
      server_name: ev.serverName ?? 'shop-1',
      ...(ev.service ? { service: ev.service } : {}),
      ...(ev.transaction ? { transaction: ev.transaction } : {}),
    },
    breadcrumbs: (ev.breadcrumbs ?? []).map((b) => ({
      timestamp: new Date(at - 500).toISOString(),
      type: b.category === 'http' ? 'http' : 'default',
      category: b.category,
      level: 'info',
      message: b.message,
      data: b.data ?? null,
    })),
    traceId: ev.traceId ?? `${id.padEnd(32, '0').slice(0, 32)}`,
    requestId: null,
    request: ev.transaction
      ? {
          method: ev.transaction.split(' ')[0] ?? null,
          url: `https://shop.example.com${(ev.transaction.split(' ')[1] ?? '/').replace(':id', 'ord_1002')}`,
        }
      : null,
    contexts: { runtime: 'node v20.18.0' },
  };
}

export function storedIssue(
  id: string,
  project: string,
  projectId: string,
  title: string,
  first: number,
  last: number,
  release: string | null,
): StoredIssue {
  return {
    id,
    shortId: `${project.toUpperCase()}-${id}`,
    title,
    culprit: '',
    permalink: `https://sentry.example.com/issues/${id}/`,
    level: 'error',
    status: 'unresolved',
    substatus: 'new',
    platform: 'node',
    projectId,
    projectSlug: project,
    count: 5,
    userCount: 3,
    firstSeen: new Date(first).toISOString(),
    lastSeen: new Date(last).toISOString(),
    metadata: {},
    isUnhandled: true,
    stats24h: [],
    firstRelease: release,
    syncedAt: new Date(last).toISOString(),
  };
}

function logProvider(c: RcaCase, t0: number): LogProvider {
  const lines: Array<[number, string]> = [];
  const traffic = c.trafficMinutes ?? 70;
  for (let m = -traffic; m <= 10; m += 3) lines.push([t0 + m * MIN + 7_000, 'INFO GET /orders/ord_1 200 12ms']);
  for (const [m, text] of c.logs) lines.push([t0 + m * MIN, text]);
  lines.sort((a, b) => a[0] - b[0]);
  return {
    sources: () => [{ host: 'shop-1', source: 'file:/var/log/shop/app.log' }],
    fetch: async (q): Promise<FetchedLogs[]> => {
      const inWindow = lines.filter(([t]) => t >= q.window.since.getTime() && t <= q.window.until.getTime());
      return [
        {
          host: 'shop-1',
          source: 'file:/var/log/shop/app.log',
          status: inWindow.length ? 'ok' : 'empty',
          lines: inWindow.map(([t, text]) => `${new Date(t).toISOString()} ${text}`),
          times: inWindow.map(([t]) => new Date(t).toISOString()),
        },
      ];
    },
  };
}

/** What the rule set before issue 11 names as its suspects: the blamed commits, in its own order. */
function baselineSuspects(e: Evidence): string[] {
  const recent = e.git.changes.filter(
    (c) => c.minutesBeforeFirstSeen >= -60 && c.minutesBeforeFirstSeen <= 14 * 1440 && c.commit !== 'uncommitted',
  );
  recent.sort(
    (a, b) =>
      Number(b.touchesCrashLine) - Number(a.touchesCrashLine) || a.minutesBeforeFirstSeen - b.minutesBeforeFirstSeen,
  );
  return [...new Set(recent.map((c) => c.commit))];
}

/** The old rules had no kinds: read them off their titles (generously). */
function baselineKind(title: string): HypothesisKind {
  if (/Knock-on/.test(title)) return 'cascade';
  if (/Regression|Introduced by release/.test(title)) return 'code-change';
  if (/pool|Memory|Disk|restart/i.test(title)) return 'infrastructure';
  if (/dependency|Timeouts|Rate limiting/i.test(title)) return 'dependency';
  if (/Missing null|Missing key/.test(title)) return 'data';
  return 'unknown';
}

export async function runCase(c: RcaCase): Promise<CaseResult> {
  const t0 = Math.floor((Date.now() - 6 * 3600_000) / MIN) * MIN;
  const ws = buildWorkspace(c, t0);
  const index = await WorkspaceFileIndex.build([{ name: 'ws', path: ws.root }], {});
  const mapper = new FrameMapper(index, { mappings: [] });
  try {
    const project = c.project ?? 'shop';
    const title = `${c.event.type}: ${c.event.value}`;
    const issues: StoredIssue[] = [storedIssue('101', project, '1', title, t0, t0 + 4 * 30_000, c.release)];
    const events = new Map<string, StoredEvent[]>();
    events.set(
      '101',
      [4, 3, 2, 1, 0].map((i) =>
        storedEvent(`e${i}`.padEnd(32, 'a'), '101', '1', t0 + i * 30_000, c.event, c.release, title),
      ),
    );
    (c.others ?? []).forEach((o, k) => {
      const id = String(201 + k);
      const first = t0 + o.firstSeenMinutes * MIN;
      issues.push(storedIssue(id, o.project, String(2 + k), o.title, first, first + 5 * MIN, null));
      events.set(id, [storedEvent(`o${k}`.padEnd(32, 'b'), id, String(2 + k), first, o.event, null, o.title)]);
    });
    const source: IssueSource = {
      getIssue: (id) => issues.find((i) => i.id === id || i.shortId === id),
      getEvents: (id) => events.get(id) ?? [],
      listIssues: () => issues,
    };
    const started = performance.now();
    const e = await new EvidenceCollector(
      {
        issues: source,
        frames: frameResolverFromMapper(mapper),
        logs: logProvider(c, t0),
        ...workspaceAccess(ws.root),
      },
      { now: () => t0 + 10 * MIN },
    ).collect('101');
    const collectMs = performance.now() - started;
    const a0 = performance.now();
    const r = analyze(e);
    const currentMs = collectMs + (performance.now() - a0);
    const b0 = performance.now();
    const b = baselineAnalyze(e);
    const baselineMs = collectMs + (performance.now() - b0);

    const culpritRight = e.culprit?.path === c.truth.culprit.path && e.culprit.line === c.truth.culprit.line;
    const causeSha =
      c.truth.cause && (c.workspace ?? 'git') !== 'none'
        ? (git(ws.root, ['log', '--all', '--format=%H %s'])
            .split('\n')
            .find((l) => l.slice(41) === c.truth.cause)
            ?.slice(0, 40) ?? null)
        : null;
    const rank = (list: string[]) => (causeSha ? list.findIndex((s) => causeSha.startsWith(s)) : -1);
    const cur = rank(e.history.suspects.list.map((s) => s.commit));
    const base = rank(baselineSuspects(e));
    const hasCause = c.truth.cause !== null;
    const currentKind = r.hypotheses[0]?.kind ?? 'unknown';
    const baseKind = b.hypotheses[0] ? baselineKind(b.hypotheses[0].title) : 'unknown';
    const linkedIds = new Set(e.related.filter((x) => x.links.length).map((x) => x.shortId));
    const currentFalse = r.hypotheses.filter(
      (h) => h.kind === 'cascade' && ![...linkedIds].some((id) => h.title.includes(id)),
    ).length;
    const baseFalse = b.hypotheses.filter(
      (h) => /Knock-on/.test(h.title) && ![...linkedIds].some((id) => h.title.includes(id)),
    ).length;
    const skewRight =
      c.truth.skewChanged === undefined ? null : (e.history.skew?.changedSinceRelease ?? false) === c.truth.skewChanged;
    const score = (pos: number, kind: string, falseCascades: number, ms: number, skew: boolean | null): CaseScore => ({
      name: c.name,
      culpritRight,
      top1: hasCause ? pos === 0 : null,
      top3: hasCause ? pos >= 0 && pos < 3 : null,
      kind,
      kindRight: kind === c.truth.kind,
      falseCascades,
      tokens: e.budget.usedTokens,
      ms: Math.round(ms),
      skewRight: skew,
    });
    return {
      current: score(cur, currentKind, currentFalse, currentMs, skewRight),
      baseline: score(base, baseKind, baseFalse, baselineMs, skewRight === null ? null : false),
      evidence: e,
    };
  } finally {
    mapper.dispose();
    index.dispose();
    ws.cleanup();
  }
}

export interface Totals {
  cases: number;
  culprit: number;
  top1: number;
  top3: number;
  withCause: number;
  kind: number;
  falseCascades: number;
  maxTokens: number;
  totalMs: number;
}

export function totals(scores: CaseScore[]): Totals {
  const withCause = scores.filter((s) => s.top1 !== null);
  return {
    cases: scores.length,
    culprit: scores.filter((s) => s.culpritRight).length,
    top1: withCause.filter((s) => s.top1).length,
    top3: withCause.filter((s) => s.top3).length,
    withCause: withCause.length,
    kind: scores.filter((s) => s.kindRight).length,
    falseCascades: scores.reduce((a, s) => a + s.falseCascades, 0),
    maxTokens: Math.max(...scores.map((s) => s.tokens)),
    totalMs: scores.reduce((a, s) => a + s.ms, 0),
  };
}

const pct = (n: number, d: number) => (d ? `${Math.round((100 * n) / d)}%` : '—');

export function formatTable(results: CaseResult[]): string {
  const L: string[] = [];
  const yn = (x: boolean | null) => (x === null ? '—' : x ? 'yes' : 'no');
  L.push(
    '| case | culprit | top-1 (now / before) | top-3 (now / before) | top kind (now / before) | false cascades (now / before) | tokens | ms |',
  );
  L.push('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const c = r.current;
    const b = r.baseline;
    L.push(
      `| ${c.name} | ${yn(c.culpritRight)} | ${yn(c.top1)} / ${yn(b.top1)} | ${yn(c.top3)} / ${yn(b.top3)} | ${c.kind}${c.kindRight ? '' : ' ✗'} / ${b.kind}${b.kindRight ? '' : ' ✗'} | ${c.falseCascades} / ${b.falseCascades} | ${c.tokens} | ${c.ms} |`,
    );
  }
  const t = totals(results.map((r) => r.current));
  const u = totals(results.map((r) => r.baseline));
  L.push(
    `| **total (${t.cases} cases, ${t.withCause} with a cause commit)** | ${pct(t.culprit, t.cases)} | ${pct(t.top1, t.withCause)} / ${pct(u.top1, u.withCause)} | ${pct(t.top3, t.withCause)} / ${pct(u.top3, u.withCause)} | ${pct(t.kind, t.cases)} / ${pct(u.kind, u.cases)} | ${t.falseCascades} / ${u.falseCascades} | max ${t.maxTokens} | ${t.totalMs} |`,
  );
  return L.join('\n');
}
