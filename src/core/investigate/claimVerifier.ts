/**
 * Grounding: checks what the AI's answer cites against the world, so a made-up citation is shown as
 * such. `path:line` — the file exists in the workspace, the line exists, and code quoted next to it is
 * on (or within two lines of) that line; commit SHAs — git has the commit, and it touches the file the
 * same sentence names; log lines — the quoted text is in the logs that were fetched (the evidence's and
 * the model's own fetch_logs results); event ids — the issue has that event. Nothing here runs what the
 * answer says: paths go through CodeFiles' checks, SHAs are validated before git sees them.
 */
import type { ChatMessage } from '../ai/chatModel';
import type { Evidence } from './evidence';
import type { CodeFiles, RepoHistory } from './ports';

export type ClaimKind = 'file-line' | 'commit' | 'log-line' | 'event';

export interface Claim {
  /** What is cited, as the answer wrote it (`src/x.mjs:16`, a SHA, a quoted log line, an event id). */
  text: string;
  kind: ClaimKind;
  verified: boolean;
  /** Why it is (not) verified, in words. */
  why: string;
}

export interface ClaimContext {
  evidence: Evidence;
  files: CodeFiles;
  git: RepoHistory;
  /** Every event id of the issue (stored, and any fetched). */
  eventIds: Set<string>;
  /** The conversation, for the log lines the model fetched itself. */
  transcript?: ChatMessage[];
}

const SOURCE_EXT =
  'js|mjs|cjs|jsx|ts|tsx|mts|cts|py|go|rb|java|kt|kts|scala|rs|php|cs|swift|c|cc|cpp|h|hpp|json|ya?ml|toml|ini|sql|sh|vue|svelte|ex|exs|erl|clj|dart|lua';
const FILE_LINE = new RegExp(`((?:[\\w@.-]+/)*[\\w@.-]+\\.(?:${SOURCE_EXT})):(\\d+)(?:-(\\d+))?`, 'g');
const FILE_LINE_ONE = new RegExp(FILE_LINE.source);
const HEX = /\b[0-9a-f]{7,40}\b/g;
const CODE_SPAN = /`([^`\n]{6,400})`/g;
const QUOTE = /"([^"\n]{16,400})"|“([^”\n]{16,400})”/g;
const LOGGY = /\blog(s|ged)?\b|\bhost\b|\b(WARN|WARNING|ERROR|INFO|FATAL|DEBUG)\b|^\d{4}-\d{2}-\d{2}[T ]\d{2}:/i;
const MAX_CLAIMS = 40;

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Checks every citation in `markdown`; the same citation is checked once. */
export async function verifyClaims(markdown: string, ctx: ClaimContext, signal?: AbortSignal): Promise<Claim[]> {
  const claims: Claim[] = [];
  const seen = new Set<string>();
  const logs = fetchedLogText(ctx);
  const add = (c: Claim) => {
    if (!seen.has(`${c.kind}:${c.text}`) && claims.length < MAX_CLAIMS) {
      seen.add(`${c.kind}:${c.text}`);
      claims.push(c);
    }
  };
  const fileCache = new Map<string, Promise<{ lines: string[] } | { error: string }>>();
  const readFile = (path: string) => {
    if (!fileCache.has(path)) {
      fileCache.set(
        path,
        (async () => {
          const r = await ctx.files.resolve(path);
          if ('error' in r) return { error: r.error };
          try {
            const { lines } = await ctx.files.readLines(r.abs, 1, 1_000_000);
            return { lines: lines.map(([, t]) => t) };
          } catch (e) {
            return { error: e instanceof Error ? e.message : String(e) };
          }
        })(),
      );
    }
    return fileCache.get(path)!;
  };

  // Fenced code blocks hold the proposed fix, not citations.
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  for (const line of prose.split('\n')) {
    signal?.throwIfAborted();
    const spans = [...line.matchAll(CODE_SPAN)].map((m) => m[1]!);
    const fileRefs = [...line.matchAll(FILE_LINE)];
    for (const m of fileRefs) {
      const [ref, path, from, to] = m as unknown as [string, string, string, string | undefined];
      if (/^https?:/.test(line.slice(Math.max(0, (m.index ?? 0) - 8), m.index))) continue;
      const start = Number(from);
      const end = to ? Number(to) : start;
      const quote = quotedAfter(line, (m.index ?? 0) + ref.length, spans);
      const f = await readFile(path);
      if ('error' in f) {
        add({ text: ref, kind: 'file-line', verified: false, why: `not in the workspace (${f.error})` });
        continue;
      }
      if (start < 1 || end > f.lines.length || end < start) {
        add({ text: ref, kind: 'file-line', verified: false, why: `${path} has ${f.lines.length} lines` });
        continue;
      }
      if (quote) {
        const window = f.lines
          .slice(Math.max(0, start - 3), Math.min(f.lines.length, end + 2))
          .map(norm)
          .join('\n');
        const q = norm(quote);
        if (!window.includes(q)) {
          add({
            text: ref,
            kind: 'file-line',
            verified: false,
            why: `line ${start} of ${path} does not say \`${q.slice(0, 80)}\``,
          });
          continue;
        }
        add({ text: ref, kind: 'file-line', verified: true, why: `${path}:${start} says \`${q.slice(0, 80)}\`` });
      } else {
        add({ text: ref, kind: 'file-line', verified: true, why: `${path} has line ${start}` });
      }
    }

    const pathsNamed = [...new Set(fileRefs.map((m) => m[1]!))];
    for (const m of line.matchAll(HEX)) {
      const h = m[0];
      if (!/[a-f]/.test(h) || !/\d/.test(h)) continue;
      if (h.length === 32) {
        const known = ctx.eventIds.has(h) || ctx.evidence.events.some((e) => e.id === h);
        if (known || !(await isCommit(ctx.git, h, signal))) {
          add({
            text: h,
            kind: 'event',
            verified: known,
            why: known ? 'an event of this issue' : 'no event of this issue has this id',
          });
          continue;
        }
      }
      if (!(await isCommit(ctx.git, h, signal))) {
        add({ text: h, kind: 'commit', verified: false, why: 'no such commit in the workspace repository' });
        continue;
      }
      if (pathsNamed.length) {
        const touched = await ctx.git.run(['show', '--name-only', '--format=', '-M', h], { signal }).then(
          (o) => o.split('\n').filter(Boolean),
          () => [] as string[],
        );
        const missing = pathsNamed.filter(
          (p) => !touched.some((t) => t === p || t.endsWith(`/${p}`) || p.endsWith(`/${t}`)),
        );
        if (missing.length) {
          add({
            text: h,
            kind: 'commit',
            verified: false,
            why: `the commit exists but does not touch ${missing.join(', ')}`,
          });
          continue;
        }
      }
      add({
        text: h,
        kind: 'commit',
        verified: true,
        why: pathsNamed.length ? `the commit touches ${pathsNamed.join(', ')}` : 'the commit exists',
      });
    }

    // Quoted log lines: a line of the answer about logs (or a quote that looks like one).
    if (fileRefs.length === 0) {
      const quotes = [...spans, ...[...line.matchAll(QUOTE)].map((m) => (m[1] ?? m[2])!)].filter((q) => q.length >= 16);
      for (const q of quotes) {
        if (!LOGGY.test(line) && !LOGGY.test(q)) continue;
        const n = norm(q);
        const found = logs.some((l) => l.includes(n));
        add({
          text: q,
          kind: 'log-line',
          verified: found,
          why: found ? 'in the fetched logs' : 'not in any log line that was fetched',
        });
      }
    }
  }
  return claims;
}

/**
 * The code the answer says a cited line holds: a code span right after the reference, joined to it by
 * nothing but a verb of saying (`src/x.ts:9` reads `…`, `src/x.ts:9`: `…`). A span in other words
 * ("returns before `release()`") is about the code, not a quote of that line.
 */
function quotedAfter(line: string, from: number, spans: string[]): string | undefined {
  const rest = line.slice(from).replace(/^`/, '');
  const m = /^\s*(?:(?:reads|says|does|has|holds|contains|is|shows|calls)\b)?\s*[:=—-]?\s*`([^`\n]{6,400})`/i.exec(
    rest,
  );
  const q = m?.[1];
  return q && spans.includes(q) && !FILE_LINE_ONE.test(q) && /[A-Za-z]/.test(q) ? q : undefined;
}

async function isCommit(git: RepoHistory, sha: string, signal?: AbortSignal): Promise<boolean> {
  if (!/^[0-9a-f]{7,40}$/.test(sha)) return false;
  return git.run(['rev-parse', '--verify', '--quiet', `${sha}^{commit}`], { signal }).then(
    (o) => o.trim().length > 0,
    () => false,
  );
}

/** The log text that was fetched: the evidence's lines and what the model's own fetch_logs calls returned. */
function fetchedLogText(ctx: ClaimContext): string[] {
  const out = ctx.evidence.logs.flatMap((h) => h.lines.map((l) => norm(l.text)));
  const fetchIds = new Set<string>();
  for (const m of ctx.transcript ?? []) {
    if (m.role === 'assistant' && m.toolCalls)
      for (const c of m.toolCalls) if (c.name === 'fetch_logs') fetchIds.add(c.id);
  }
  for (const m of ctx.transcript ?? []) {
    if (m.role === 'tool' && fetchIds.has(m.callId)) out.push(...m.content.split('\n').map(norm));
  }
  return out;
}

/** A section appended to the answer for people: each checked citation, unverified ones flagged. */
export function claimsMarkdown(claims: Claim[]): string {
  if (!claims.length) return '';
  const bad = claims.filter((c) => !c.verified);
  const esc = (s: string) => s.replace(/`/g, 'ʼ').replace(/\s+/g, ' ').slice(0, 160);
  return [
    `## Citations checked (${claims.length - bad.length} of ${claims.length} verified)`,
    ...bad.map((c) => `- ⚠ **unverified** ${c.kind} \`${esc(c.text)}\` — ${esc(c.why)}`),
    ...claims.filter((c) => c.verified).map((c) => `- ✓ ${c.kind} \`${esc(c.text)}\` — ${esc(c.why)}`),
  ].join('\n');
}
