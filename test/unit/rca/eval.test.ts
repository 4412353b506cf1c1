/**
 * The RCA corpus as a test: each floor is at or below what `npm run eval` measured (see CONTRIBUTING.md's
 * table), so a rule change that makes the diagnosis worse on these incidents fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CORPUS } from '../../rca/corpus';
import { runCase, totals, type CaseResult } from '../../rca/evalRun';

test('RCA corpus: culprit, suspects, kinds, cascades and evidence size stay above their floors', async () => {
  assert.ok(CORPUS.length >= 15, 'at least 15 incidents');
  const results: CaseResult[] = [];
  for (const c of CORPUS) results.push(await runCase(c));
  const t = totals(results.map((r) => r.current));
  const detail = results
    .map((r) => `${r.current.name}: kind ${r.current.kind}, top1 ${r.current.top1}, top3 ${r.current.top3}`)
    .join('\n');
  assert.equal(t.culprit, t.cases, `culprit 100%\n${detail}`);
  assert.ok(t.top1 / t.withCause >= 0.9, `suspect top-1 ≥ 90%\n${detail}`);
  assert.equal(t.top3, t.withCause, `suspect top-3 = 100%\n${detail}`);
  assert.ok(t.kind / t.cases >= 0.9, `top hypothesis kind ≥ 90%\n${detail}`);
  assert.equal(t.falseCascades, 0, 'no timing-only cascade is ranked');
  assert.ok(t.maxTokens <= 12_000, `evidence ≤ 12k tokens (max ${t.maxTokens})`);
  // The fix committed after the release is reported as skew.
  const fixed = results.find((r) => r.current.name === 'already-fixed')!;
  assert.equal(fixed.current.skewRight, true);
  assert.match(fixed.evidence.history.skew!.summary, /changed after shop@1\.1\.0 by [0-9a-f]{12} — not deployed yet\?/);
  // And the rules before this issue are measurably worse on the same evidence.
  const b = totals(results.map((r) => r.baseline));
  assert.ok(b.top1 < t.top1 && b.kind < t.kind && b.falseCascades > 0, JSON.stringify(b));
});
