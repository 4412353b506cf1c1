// vscode.l10n readiness: every `vscode.l10n.t('…')` message in the host is a key of the English bundle
// l10n/bundle.l10n.json (translators start from it), no key is stale, and the manifest points VS Code at
// the folder, which the .vsix ships.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { repoRoot } from '../../support/paths';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The first argument of each `vscode.l10n.t(...)` call; a non-literal one is reported as an error. */
function messages(file: string): { found: string[]; bad: string[] } {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const bad: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.expression.getText(sf) === 'vscode.l10n.t') {
      const arg = n.arguments[0];
      if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) found.push(arg.text);
      else bad.push(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return { found, bad };
}

test('every vscode.l10n.t message is in l10n/bundle.l10n.json and every bundle key is used', () => {
  const root = repoRoot();
  const bundle = JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;
  const used = new Set<string>();
  const bad: string[] = [];
  for (const f of sources(join(root, 'src'))) {
    const m = messages(f);
    m.found.forEach((s) => used.add(s));
    bad.push(...m.bad);
  }
  assert.deepEqual(bad, [], 'messages must be literals (the key translators see)');
  assert.ok(used.size >= 5, `found ${used.size} messages`);
  assert.deepEqual(
    [...used].filter((s) => !(s in bundle)),
    [],
    'missing from the bundle',
  );
  assert.deepEqual(
    Object.keys(bundle).filter((k) => !used.has(k)),
    [],
    'stale bundle keys',
  );
  for (const [k, v] of Object.entries(bundle)) assert.equal(v, k, 'the English bundle maps each message to itself');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { l10n?: string };
  assert.equal(pkg.l10n, './l10n');
  assert.match(readFileSync(join(root, '.vscodeignore'), 'utf8'), /^!l10n\/\*\*$/m);
});
