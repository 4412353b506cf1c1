/**
 * Crash sites in the editor on a 10k-issue store over a 2,000-file workspace: what the CodeLens
 * provider waits for. Figures: the first computation (cold mapper: index suffix matches, every
 * crashing file read once to check its line), a recomputation after a sync (store change; the mapper's
 * memo and file texts are warm), and one editor's lenses once computed (lookup, group by line, titles).
 * Baseline, same run: recomputing without reusing the locations of issues whose newest event did not
 * change, i.e. collectCrashSites over every open issue (warm mapper: its memo and cached file texts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Emitter } from '../../src/core/common/emitter';
import { nullLogger } from '../../src/core/common/logger';
import { collectCrashSites } from '../../src/core/frames/crashSites';
import { FrameMapper } from '../../src/core/frames/frameMapper';
import { WorkspaceFileIndex } from '../../src/core/frames/workspaceFileIndex';
import type { StoredEvent, StoredIssue } from '../../src/core/store/model';
import { lensTitle } from '../../src/host/editor/crashSiteFormat';
import { CrashSiteIndex, crashSiteItems, sitesByLine } from '../../src/host/editor/crashSiteIndex';

const ISSUES = 10_000;
const MODULES = 40;
const FILES_PER_MODULE = 50;
const LINES = 60;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => Promise<unknown>, runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

const lineText = (m: number, f: number, l: number) => `  const v${l} = handler${m}_${f}(input, ${l}); // line ${l}`;

async function main(): Promise<void> {
  const ws = mkdtempSync(join(tmpdir(), 'rca-bench-sites-'));
  try {
    for (let m = 0; m < MODULES; m++) {
      mkdirSync(join(ws, 'src', `mod${m}`), { recursive: true });
      for (let f = 0; f < FILES_PER_MODULE; f++) {
        writeFileSync(
          join(ws, 'src', `mod${m}`, `file${f}.ts`),
          Array.from({ length: LINES }, (_, l) => lineText(m, f, l + 1)).join('\n') + '\n',
        );
      }
    }
    const now = Date.now();
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const issues: StoredIssue[] = [];
    const events = new Map<string, StoredEvent[]>();
    for (let i = 0; i < ISSUES; i++) {
      const id = String(200000 + i);
      const m = Math.floor(rnd() * MODULES);
      const f = Math.floor(rnd() * FILES_PER_MODULE);
      const line = 1 + Math.floor(rnd() * LINES);
      const project = `service-${i % 5}`;
      issues.push({
        id,
        shortId: `S${i % 5}-${i}`,
        title: `TypeError: Cannot read properties of undefined (reading 'f${i % 97}')`,
        culprit: '',
        permalink: '',
        level: 'error',
        status: 'unresolved',
        substatus: null,
        platform: 'node',
        projectId: String(i % 5),
        projectSlug: project,
        count: Math.floor(rnd() * 5000),
        userCount: 1,
        firstSeen: new Date(now - 86_400_000).toISOString(),
        lastSeen: new Date(now - Math.floor(rnd() * 86_400_000)).toISOString(),
        metadata: {},
        isUnhandled: true,
        stats24h: [],
        firstRelease: null,
        syncedAt: new Date(now).toISOString(),
      });
      const frame = (mm: number, ff: number, ll: number, inApp: boolean) => ({
        filename: `/srv/app/releases/20261120/src/mod${mm}/file${ff}.ts`,
        absPath: `/srv/app/releases/20261120/src/mod${mm}/file${ff}.ts`,
        module: null,
        package: null,
        platform: 'node',
        function: 'handle',
        lineNo: ll,
        colNo: 9,
        inApp,
        context: [[ll, lineText(mm, ff, ll)]] as Array<[number, string]>,
      });
      events.set(id, [
        {
          id: `e${id}`,
          issueId: id,
          projectId: String(i % 5),
          timestamp: new Date(now).toISOString(),
          level: 'error',
          title: '',
          message: '',
          platform: 'node',
          environment: null,
          release: null,
          tags: {},
          breadcrumbs: [],
          traceId: null,
          requestId: null,
          request: null,
          contexts: {},
          exceptions: [
            {
              type: 'TypeError',
              value: 'x',
              module: null,
              handled: false,
              mechanism: null,
              frames: [
                frame((m + 1) % MODULES, f, 5, true),
                frame(m, f, line, true),
                {
                  ...frame(0, 0, 1, false),
                  absPath: '/srv/app/node_modules/express/lib/router.js',
                  filename: '/srv/app/node_modules/express/lib/router.js',
                },
              ],
            },
          ],
        },
      ]);
    }
    const changed = new Emitter<void>();
    const store = { issues: () => issues, events: (id: string) => events.get(id) ?? [], onDidChange: changed.event };
    const index = await WorkspaceFileIndex.build([{ name: 'app', path: ws }]);
    const mapper = new FrameMapper(index);
    const sites = new CrashSiteIndex(
      store,
      { mapper: () => Promise.resolve(mapper), onDidChange: new Emitter<void>().event },
      nullLogger,
    );

    const c0 = process.cpuUsage();
    const t = performance.now();
    const first = await sites.all();
    const coldMs = performance.now() - t;
    const coldCpu = process.cpuUsage(c0);
    const mappedSites = [...first.values()].reduce((n, l) => n + l.length, 0);

    const recompute = await time(async () => {
      changed.fire();
      await sites.all();
    }, 5);
    const docs = [...first.keys()].slice(0, 50);
    const lenses = await time(async () => {
      for (const path of docs) {
        for (const [, onLine] of sitesByLine(await sites.sitesIn(path))) lensTitle(onLine[0]!, now);
      }
    }, 5);
    const perDoc = median(lenses) / docs.length;

    // Baseline: the adapter without per-issue reuse, i.e. collectCrashSites over every open issue after each sync (warm mapper).
    const items = crashSiteItems(store);
    const baseline = await time(() => collectCrashSites(items, mapper), 5);
    console.log(
      `workspace ${index.size} files; ${ISSUES} open issues, ${mappedSites} crash sites in ${first.size} files`,
    );
    console.log(
      `first computation (cold mapper, files read for line checks): ${coldMs.toFixed(0)} ms (CPU ${((coldCpu.user + coldCpu.system) / 1000).toFixed(0)} ms, reads in the thread pool included) — target ≤ 500 ms`,
    );
    console.log(
      `recomputation after a sync (warm mapper, newest events unchanged): median ${median(recompute).toFixed(1)} ms`,
    );
    console.log(
      `baseline, mapping every issue again after a sync: median ${median(baseline).toFixed(1)} ms → ${(median(baseline) / median(recompute)).toFixed(0)}× the recomputation`,
    );
    console.log(`one editor's lenses once computed: ${(perDoc * 1000).toFixed(1)} µs per document`);
    mapper.dispose();
    index.dispose();
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
