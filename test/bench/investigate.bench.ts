/**
 * Benchmark: the investigation.
 *   0. Evidence ready with release, suspects and skew in a repository of 50,000 commits and 20,000 files
 *      (test/bench/largeRepo.ts, made with git fast-import, cached in .bench/). Target ≤ 3 s. Also how
 *      the release range and diff scans scale: suspects for ranges of 1, 10 and 40 releases (500 to
 *      20,000 commits), release resolution (all tags in one for-each-ref) and skew alone.
 *   1. Evidence ready time for a real incident with 3 hosts (3 real sshd) and a git workspace.
 *      Target ≤ 5 s. Baseline in the same run: the same collection with the hosts fetched one by one.
 *   2. Evidence size in tokens against the 12k budget, for the real incident and for one whose log
 *      window holds 20 000 lines. Baseline: the same evidence rendered with no budget.
 *   3. First streamed token: from the moment the OpenAI test server writes the first chunk to the
 *      moment the investigation's onText sees it (target ≤ 200 ms), and from a host message to the text
 *      on screen in the panel (Chromium). Baseline: waiting for the same answer without streaming.
 */
import { workspaceAccess } from '../../src/core/investigate/adapters';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { runInvestigation } from '../../src/core/investigate/investigation';
import type { Evidence } from '../../src/core/investigate/evidence';
import type { FrameResolver, IssueSource } from '../../src/core/investigate/ports';
import { GitHistory } from '../../src/core/history/gitHistory';
import { resolveRelease } from '../../src/core/history/release';
import { rankSuspects } from '../../src/core/history/suspects';
import { computeSkew } from '../../src/core/history/skew';
import { storedEvent, storedIssue } from '../rca/evalRun';
import { projectRoot } from '../vscode/codeServer';
import { LARGE, largeRepo } from './largeRepo';
import { EvidenceCollector } from '../../src/core/investigate/evidenceCollector';
import { renderEvidence } from '../../src/core/investigate/evidenceRender';
import { OpenAiTestServer } from '../servers/openai/openaiTestServer';
import { buildRealIncident, realIncidentUnavailable } from '../unit/investigate/realIncident';
import { makeScenario, T0 } from '../unit/investigate/scenario';
import { WebviewHarness } from '../unit/investigate/webviewHarness';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function evidenceReadyTime(): Promise<void> {
  const why = realIncidentUnavailable();
  if (why) {
    console.log(`evidence ready time: skipped (${why})`);
    return;
  }
  const inc = await buildRealIncident({ hosts: 3 });
  try {
    const issue = inc.poolIssue();
    const measure = async (concurrency: number) => {
      const runs: number[] = [];
      let tokens = 0;
      for (let i = 0; i < 5; i++) {
        // Fresh SSH connections and a fresh file index each run: the time includes connecting.
        const { deps, dispose } = inc.deps({ concurrency });
        const t0 = performance.now();
        const o = await runInvestigation(deps, issue.id, { ai: null });
        runs.push(performance.now() - t0);
        dispose();
        tokens = o.evidence.budget.usedTokens;
        if (o.evidence.logs.some((h) => h.status !== 'ok'))
          throw new Error(
            `log fetch failed: ${JSON.stringify(o.evidence.logs.map((h) => [h.host, h.status, h.message]))}`,
          );
      }
      return { median: median(runs), runs, tokens };
    };
    const parallel = await measure(4);
    const serial = await measure(1);
    console.log(
      `evidence ready, 3 hosts + git workspace: median ${ms(parallel.median)} (runs ${parallel.runs.map((r) => r.toFixed(0)).join(', ')} ms); target ≤ 5000 ms: ${parallel.median <= 5000 ? 'met' : 'MISSED'}`,
    );
    console.log(
      `baseline, hosts fetched one by one: median ${ms(serial.median)}; ratio ${(parallel.median / serial.median).toFixed(2)}×`,
    );
    console.log(`evidence size (real incident): ${parallel.tokens} tokens of a 12000 budget`);
  } finally {
    await inc.cleanup();
  }
}

async function evidenceSize(): Promise<void> {
  const s = makeScenario({ noise: 20_000 });
  try {
    const e = await new EvidenceCollector(
      { issues: s.issues, frames: s.frames, logs: s.logs, ...workspaceAccess(s.root) },
      { now: () => T0 + 3600_000 },
    ).collect('101');
    const unbudgeted = renderEvidence(e, 100_000_000).budget.usedTokens;
    console.log(
      `evidence size, 20 000 log lines in the window: ${e.budget.usedTokens} tokens (budget 12000: ${e.budget.usedTokens <= 12_000 ? 'within' : 'OVER'}); unbudgeted ${unbudgeted} tokens; ratio ${(e.budget.usedTokens / unbudgeted).toFixed(3)}×`,
    );
    console.log(`  cut: ${e.budget.cuts.join('; ')}`);
  } finally {
    s.cleanup();
  }
}

async function firstToken(): Promise<void> {
  const server = await new OpenAiTestServer().start();
  const s = makeScenario({ gitRepo: false });
  try {
    const chunks = Array.from({ length: 20 }, (_, i) => `piece ${i} of the answer. `);
    const latencies: number[] = [];
    const streamedTotal: number[] = [];
    for (let run = 0; run < 10; run++) {
      server.enqueue({ kind: 'text', chunks, delayMs: 50 });
      const before = server.sentChunks.length;
      let firstSeenAt = 0;
      const t0 = performance.now();
      await runInvestigation(
        { issues: s.issues, frames: s.frames, ...workspaceAccess(s.root) },
        '101',
        {
          collect: { now: () => T0 + 3600_000 },
          ai: { apiKey: 'sk-bench-0123456789abcdefghij', baseUrl: server.baseUrl, model: 'gpt-test', maxRetries: 0 },
        },
        {
          onText: () => {
            if (!firstSeenAt) firstSeenAt = performance.now();
          },
        },
      );
      streamedTotal.push(performance.now() - t0);
      const firstSent = server.sentChunks.slice(before).find((c) => c.content);
      latencies.push(firstSeenAt - firstSent!.at);
    }
    // Baseline: the same answer without streaming arrives only when the last piece is written.
    const whole: number[] = [];
    const OpenAI = (await import('openai')).default;
    const client = new OpenAI({ apiKey: 'sk-bench-0123456789abcdefghij', baseURL: server.baseUrl, maxRetries: 0 });
    for (let run = 0; run < 5; run++) {
      server.enqueue({ kind: 'text', chunks, delayMs: 50 });
      const t0 = performance.now();
      const stream = await client.chat.completions.create({
        model: 'gpt-test',
        messages: [{ role: 'user', content: 'x' }],
        stream: true,
      });
      let text = '';
      for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
      if (!text) throw new Error('no text');
      whole.push(performance.now() - t0);
    }
    const m = median(latencies);
    console.log(
      `first streamed token, server write → onText: median ${ms(m)}, max ${ms(Math.max(...latencies))}; target ≤ 200 ms: ${m <= 200 ? 'met' : 'MISSED'}`,
    );
    console.log(
      `baseline, answer complete without streaming: median ${ms(median(whole))}; ratio ${(m / median(whole)).toFixed(4)}×`,
    );
  } finally {
    await server.stop();
    s.cleanup();
  }

  const unavailable = WebviewHarness.available();
  if (unavailable) {
    console.log(`panel render: skipped (${unavailable})`);
    return;
  }
  const w = await new WebviewHarness().start();
  try {
    await w.send(
      {
        type: 'init',
        issue: {
          id: '1',
          shortId: 'X-1',
          title: 't',
          level: 'error',
          status: 'unresolved',
          projectSlug: 'p',
          count: 1,
          userCount: 1,
          firstSeen: '',
          lastSeen: '',
          release: null,
          environment: null,
          permalink: 'https://x/',
        },
        aiEnabled: true,
        model: 'm',
        restoredFrom: null,
      },
      { type: 'runStarted', runId: 1 },
    );
    const renders: number[] = [];
    for (let i = 0; i < 20; i++) {
      renders.push(
        await w.page.evaluate(
          (n) =>
            new Promise<number>((resolve) => {
              const target = document.querySelector('#ai')!;
              const t0 = performance.now();
              const obs = new MutationObserver(() => {
                if (target.textContent?.includes(`token-${n}`)) {
                  obs.disconnect();
                  resolve(performance.now() - t0);
                }
              });
              obs.observe(target, { childList: true, subtree: true, characterData: true });
              window.postMessage({ type: 'aiDelta', runId: 1, step: 1, text: ` token-${n}` }, '*');
            }),
          i,
        ),
      );
    }
    console.log(
      `panel: host message → delta on screen: median ${ms(median(renders))}, max ${ms(Math.max(...renders))} (one animation frame at most by design)`,
    );
  } finally {
    await w.stop();
  }
}

async function largeRepoHistory(): Promise<void> {
  const repo = await largeRepo(projectRoot);
  if (repo.built)
    console.log(
      `large repo built with git fast-import in ${(repo.buildMs / 1000).toFixed(1)} s (cached in .bench/ for the next run)`,
    );
  const t0 =
    Date.parse(
      execFileSync('git', ['log', '-1', '--format=%aI', repo.release], { cwd: repo.dir, encoding: 'utf8' }).trim(),
    ) + 3600_000;
  const crash = { path: LARGE.crashFile, fn: 'handle17', line: LARGE.crashLine };
  const ev = {
    type: 'TypeError',
    value: "Cannot read properties of undefined (reading 'address')",
    frames: [{ path: 'src/server.mjs', fn: 'route', line: 10, inApp: false }, crash],
    transaction: 'GET /orders/:id',
  };
  const title = `${ev.type}: ${ev.value}`;
  const issues = [storedIssue('101', 'shop', '1', title, t0, t0 + 60_000, repo.release)];
  const events = [0, 1, 2].map((i) =>
    storedEvent(`e${i}`.padEnd(32, 'c'), '101', '1', t0 + i * 20_000, ev, repo.release, title),
  );
  const source: IssueSource = {
    getIssue: (id) => issues.find((x) => x.id === id),
    getEvents: (id) => (id === '101' ? events : []),
    listIssues: () => issues,
  };
  // Frames resolve straight to the file (the workspace index is built once per session, not per diagnosis).
  const frames: FrameResolver = {
    resolve: (f) =>
      f.inApp && f.filename
        ? { path: join(repo.dir, f.filename.replace('/srv/app/', '')), line: f.lineNo ?? 1, column: null }
        : { reason: 'not in app' },
  };
  const runs: number[] = [];
  let e: Evidence | null = null;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    e = await new EvidenceCollector(
      { issues: source, frames, ...workspaceAccess(repo.dir) },
      { now: () => t0 + 600_000 },
    ).collect('101');
    runs.push(performance.now() - started);
  }
  const h = e!.history;
  const top = h.suspects.list[0];
  console.log(
    `evidence ready with release, suspects and skew, ${LARGE.commits} commits / ${LARGE.files} files: median ${ms(median(runs))} (runs ${runs.map((r) => r.toFixed(0)).join(', ')} ms); target ≤ 3000 ms: ${median(runs) <= 3000 ? 'met' : 'MISSED'}`,
  );
  console.log(
    `  release ${h.release.version} → ${h.release.commit?.slice(0, 12)} (${h.release.resolvedBy}), previous ${h.release.previousVersion}; ${h.suspects.rangeCommits} commits in range, ${h.suspects.scanned} scanned; top suspect "${top?.summary}" ${top?.summary === repo.causeSubject ? '(the cause)' : '(NOT the cause)'}; skew: ${h.skew?.summary}`,
  );
  console.log(
    `  timings: ${Object.entries(e!.timings)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  const git = new GitHistory(repo.dir);
  const timed = async (f: () => Promise<unknown>) => {
    const s = performance.now();
    await f();
    return performance.now() - s;
  };
  console.log(
    `  release resolution (for-each-ref over ${LARGE.commits / LARGE.tagEvery - 1} tags + rev-parse): ${ms(await timed(() => resolveRelease(git, { version: repo.release, firstEventMs: t0 })))}`,
  );
  for (const back of [1, 10, 40]) {
    const from = `shop@1.${Number(repo.release.split('.')[1]) - back}.0`;
    for (const cap of [300, 100_000]) {
      let scanned = 0;
      const t = await timed(async () => {
        scanned = (
          await rankSuspects(git, {
            range: { from, to: repo.release, label: `${from}..${repo.release}` },
            frames: [{ ...crash, function: crash.fn, culprit: true }],
            stackFunctions: ['handle17', 'acquire'],
            routes: ['GET /orders/:id'],
            errorText: title,
            maxCommits: cap,
          })
        ).scanned;
      });
      console.log(
        `  suspects over ${back} release(s) (${back * LARGE.tagEvery} commits), scan cap ${cap === 300 ? '300 (default)' : 'none'}: ${scanned} diffs scanned in ${ms(t)}`,
      );
    }
  }
  console.log(
    `  skew alone (release..HEAD on the crash file, -U0 line tracking): ${ms(await timed(() => computeSkew(git, { commit: h.release.commit!, version: repo.release }, [{ path: LARGE.crashFile, line: LARGE.crashLine }])))}`,
  );
}

async function main(): Promise<void> {
  await largeRepoHistory();
  // SENTRY_RCA_BENCH_ONLY=history: just the large-repository figures (the rest starts sshd and Chromium).
  if (process.env.SENTRY_RCA_BENCH_ONLY === 'history') return;
  await evidenceReadyTime();
  await evidenceSize();
  await firstToken();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
