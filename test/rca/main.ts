/**
 * `npm run eval`: runs the RCA corpus (test/rca/corpus.ts) and prints, per case and in total, whether
 * the culprit is right, the suspect commit top-1/top-3, the top hypothesis kind, false (timing-only)
 * cascades, evidence tokens and time — for the current rules and, in the same run, the rules before
 * issue 11. `--json FILE` also writes the figures.
 */
import { writeFileSync } from 'node:fs';
import { CORPUS } from './corpus';
import { formatTable, runCase, totals, type CaseResult } from './evalRun';

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const results: CaseResult[] = [];
  for (const c of CORPUS.filter((x) => only.length === 0 || only.includes(x.name))) {
    const r = await runCase(c);
    results.push(r);
    if (process.env.RCA_EVAL_VERBOSE) {
      process.stderr.write(
        `\n## ${c.name}\n${r.evidence.history.suspects.list
          .slice(0, 3)
          .map((s) => `  ${s.score} ${s.summary} — ${s.why.join('; ')}`)
          .join('\n')}\n`,
      );
    }
  }
  process.stdout.write(`${formatTable(results)}\n`);
  const jsonAt = process.argv.indexOf('--json');
  if (jsonAt > 0 && process.argv[jsonAt + 1]) {
    writeFileSync(
      process.argv[jsonAt + 1]!,
      JSON.stringify(
        {
          current: totals(results.map((r) => r.current)),
          baseline: totals(results.map((r) => r.baseline)),
          cases: results.map((r) => ({ current: r.current, baseline: r.baseline })),
        },
        null,
        2,
      ),
    );
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`eval failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
