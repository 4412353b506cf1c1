#!/usr/bin/env node
// The manifest's user-visible strings live in package.nls.json (VS Code's localization of package.json:
// a translator adds package.nls.<locale>.json with the same keys); package.json names them as "%key%".
//   node scripts/nls.mjs            check: every user-visible string is a %key%, every key exists, none unused
//   node scripts/nls.mjs --convert  moves literal user-visible strings (a new command's title, a new setting's
//                                   description…) into package.nls.json and puts %key% in their place
// test/unit/host/manifest.test.ts runs the same check. Exit 1 (check) lists each problem with its fix.
import { readFileSync, writeFileSync } from 'node:fs';
import { convert, nlsProblems } from './nls-strings.mjs';

const root = new URL('..', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
let nls = {};
try {
  nls = JSON.parse(readFileSync(`${root}package.nls.json`, 'utf8'));
} catch {
  /* first conversion */
}
if (process.argv.includes('--convert')) {
  const r = convert(manifest, nls);
  writeFileSync(`${root}package.json`, `${JSON.stringify(r.manifest, null, 2)}\n`);
  writeFileSync(`${root}package.nls.json`, `${JSON.stringify(r.nls, null, 2)}\n`);
  const added = Object.keys(r.nls).length - Object.keys(nls).length;
  console.log(`package.nls.json: ${Object.keys(r.nls).length} strings (${added} moved from package.json)`);
}
const problems = nlsProblems(
  JSON.parse(readFileSync(`${root}package.json`, 'utf8')),
  JSON.parse(readFileSync(`${root}package.nls.json`, 'utf8')),
);
if (problems.length) {
  console.error(`package.nls.json: ${problems.length} problems\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('package.json: every user-visible string is in package.nls.json');
