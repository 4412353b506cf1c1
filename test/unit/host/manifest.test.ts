// package.json ↔ code, in plain Node: command ids, view ids, context keys and values, setting keys and
// defaults must agree both ways. Everything is derived from ids.ts and settings.ts, so a command or a
// setting added on one side only fails here. The checker is also run on broken copies of the manifest,
// so each direction is shown to fail.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as ids from '../../../src/host/ids';
import {
  Commands,
  CONFIG_SECTION,
  ContextKeys,
  ContextValues,
  LEGACY_CONFIG_SECTION,
  Views,
} from '../../../src/host/ids';
import { DEFAULT_SETTINGS, SettingKeys, type Settings } from '../../../src/host/settings';
import { RENAMED_SETTING_KEYS } from '../../../src/core/settings/settingNames';
import { repoRoot } from '../../support/paths';
import { convert, nlsProblems, resolveNls, userVisibleStrings } from '../../../scripts/nls-strings.mjs';

type Json = Record<string, unknown>;

/** What the code declares, keyed the way package.json is. */
interface CodeIds {
  /** The prefix of command, view and context ids (`sentryRca`). */
  idPrefix: string;
  /** The settings' section (`sentryRCA`), and the old one (`sentryRca`) whose keys are declared deprecated. */
  section: string;
  legacySection: string;
  /** Keys (below the section) that had an old name when the section was renamed. */
  renamed: readonly string[];
  commands: string[];
  views: string[];
  contextKeys: string[];
  contextValues: string[];
  /** Full setting key → default. */
  settings: Map<string, unknown>;
}

function codeIds(): CodeIds {
  return {
    idPrefix: Views.container,
    section: CONFIG_SECTION,
    legacySection: LEGACY_CONFIG_SECTION,
    renamed: RENAMED_SETTING_KEYS,
    commands: Object.values(Commands),
    views: Object.values(Views),
    contextKeys: Object.values(ContextKeys),
    contextValues: Object.values(ContextValues),
    settings: new Map(
      (Object.keys(SettingKeys) as Array<keyof Settings>).map((k) => [
        `${CONFIG_SECTION}.${SettingKeys[k]}`,
        DEFAULT_SETTINGS[k],
      ]),
    ),
  };
}

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Every `when` clause in the manifest (menus, views, welcome content, key bindings, walkthrough completion). */
function whenClauses(c: Json): string[] {
  const out: string[] = [];
  for (const items of Object.values(obj(c.menus))) for (const m of arr(items)) out.push(str(m.when));
  for (const items of Object.values(obj(c.views))) for (const v of arr(items)) out.push(str(v.when));
  for (const w of arr(c.viewsWelcome)) out.push(str(w.when));
  for (const k of arr(c.keybindings)) out.push(str(k.when));
  // Walkthrough steps complete on `onContext:<expression>` (a context key expression like a when clause).
  for (const w of arr(c.walkthroughs))
    for (const s of arr(w.steps))
      for (const e of arr(s.completionEvents) as unknown[]) out.push(/^onContext:(.+)$/.exec(str(e))?.[1] ?? '');
  // A command's `enablement` is a when clause too (triage actions: sentryRca.canWrite).
  for (const cmd of arr(c.commands)) out.push(str(cmd.enablement));
  return out.filter(Boolean);
}

/** Commands the manifest refers to outside `contributes.commands`: menus, links and completion events. */
function commandReferences(c: Json, section: string): Array<{ id: string; where: string }> {
  const refs: Array<{ id: string; where: string }> = [];
  for (const [menu, items] of Object.entries(obj(c.menus)))
    for (const m of arr(items)) if (m.command) refs.push({ id: str(m.command), where: `menus.${menu}` });
  for (const k of arr(c.keybindings)) refs.push({ id: str(k.command), where: 'keybindings' });
  const texts: Array<{ text: string; where: string }> = arr(c.viewsWelcome).map((w) => ({
    text: str(w.contents),
    where: 'viewsWelcome',
  }));
  for (const w of arr(c.walkthroughs)) {
    for (const s of arr(w.steps)) {
      texts.push({ text: str(s.description), where: `walkthrough step ${str(s.id)}` });
      for (const e of arr(s.completionEvents) as unknown[])
        texts.push({ text: str(e), where: `walkthrough step ${str(s.id)}` });
    }
  }
  const link = new RegExp(`(?:command:|onCommand:)(${section}\\.[\\w.]+)`, 'g');
  for (const { text, where } of texts) for (const m of text.matchAll(link)) refs.push({ id: m[1]!, where });
  return refs;
}

/** Settings named by walkthrough links (`openSettings?["sentryRca.x"]`) and `onSettingChanged:` events. */
function settingReferences(c: Json, section: string): Array<{ key: string; where: string }> {
  const refs: Array<{ key: string; where: string }> = [];
  for (const w of arr(c.walkthroughs)) {
    for (const s of arr(w.steps)) {
      const where = `walkthrough step ${str(s.id)}`;
      for (const m of decodeURIComponent(str(s.description)).matchAll(
        new RegExp(`openSettings\\?\\["(${section}[\\w.]*)"\\]`, 'g'),
      ))
        refs.push({ key: m[1]!, where });
      for (const e of arr(s.completionEvents) as unknown[]) {
        const m = /^onSettingChanged:(.+)$/.exec(str(e));
        if (m) refs.push({ key: m[1]!, where });
      }
    }
  }
  return refs;
}

/** The properties of `contributes.configuration`, an object or (split into sections) an array of them. */
function settingProperties(c: Json): Map<string, Json> {
  const sections = Array.isArray(c.configuration) ? arr(c.configuration) : [obj(c.configuration)];
  const out = new Map<string, Json>();
  for (const s of sections) for (const [k, v] of Object.entries(obj(s.properties))) out.set(k, obj(v));
  return out;
}

/** Every disagreement between the manifest and the code, in words; empty when they match. */
export function manifestMismatches(manifest: Json, code: CodeIds): string[] {
  const c = obj(manifest.contributes);
  const problems: string[] = [];
  const section = code.idPrefix;

  // Commands: declared ⇔ in ids.ts; every reference names a declared one.
  const declared = arr(c.commands).map((x) => str(x.command));
  const commands = new Set(code.commands);
  for (const id of declared)
    if (!commands.has(id)) problems.push(`command ${id} is in package.json but not in Commands (ids.ts)`);
  for (const id of code.commands)
    if (!declared.includes(id))
      problems.push(`command ${id} is in Commands (ids.ts) but not in package.json contributes.commands`);
  for (const dup of declared.filter((id, i) => declared.indexOf(id) !== i))
    problems.push(`command ${dup} is declared twice in package.json`);
  for (const r of commandReferences(c, section))
    if (!commands.has(r.id)) problems.push(`${r.where} refers to command ${r.id}, which ids.ts does not define`);

  // Views and their container: declared ⇔ in Views.
  const containers = Object.values(obj(c.viewsContainers)).flatMap((list) => arr(list).map((x) => str(x.id)));
  const views = Object.values(obj(c.views)).flatMap((list) => arr(list).map((x) => str(x.id)));
  const declaredViews = [...containers, ...views];
  for (const id of declaredViews)
    if (!code.views.includes(id)) problems.push(`view (container) ${id} is in package.json but not in Views (ids.ts)`);
  for (const id of code.views)
    if (!declaredViews.includes(id))
      problems.push(`view ${id} is in Views (ids.ts) but package.json declares no such view or container`);
  for (const v of arr(c.viewsWelcome))
    if (!views.includes(str(v.view)))
      problems.push(`viewsWelcome refers to view ${str(v.view)}, which package.json does not declare`);

  // when clauses: `view == X` names a view, `viewItem == X` a context value, any other sentryRca.* a context key.
  const clauses = whenClauses(c);
  const used = new Set<string>();
  for (const w of clauses) {
    for (const m of w.matchAll(/\bview\s*==\s*([\w.]+)/g))
      if (!views.includes(m[1]!)) problems.push(`"${w}" names view ${m[1]}, which package.json does not declare`);
    for (const m of w.matchAll(/\bviewItem\s*==\s*([\w.]+)/g))
      if (!code.contextValues.includes(m[1]!))
        problems.push(`"${w}" names tree item contextValue ${m[1]}, which ContextValues (ids.ts) does not define`);
    const stripped = w.replace(/\b(view|viewItem)\s*==\s*[\w.]+/g, '');
    for (const m of stripped.matchAll(new RegExp(`\\b${section}\\.[\\w.]+`, 'g'))) {
      used.add(m[0]);
      if (!code.contextKeys.includes(m[0]))
        problems.push(`"${w}" uses context key ${m[0]}, which ContextKeys (ids.ts) does not define`);
    }
  }
  for (const k of code.contextKeys)
    if (!used.has(k))
      problems.push(`context key ${k} (ContextKeys in ids.ts) is used by no when clause in package.json`);

  // Settings: keys ⇔ SettingKeys, defaults equal DEFAULT_SETTINGS; referenced settings exist.
  const all = settingProperties(c);
  const oldName = (key: string) => `${code.legacySection}.${key.slice(code.section.length + 1)}`;
  const newName = (key: string) => `${code.section}.${key.slice(code.legacySection.length + 1)}`;
  const isOld = (key: string) => key.startsWith(`${code.legacySection}.`) && !key.startsWith(`${code.section}.`);
  const props = new Map([...all].filter(([k]) => !isOld(k)));
  // Old names: each deprecated, pointing at its live new name, with the same type and default.
  for (const [key, p] of all) {
    if (!isOld(key)) continue;
    const live = props.get(newName(key));
    if (!live) {
      problems.push(`old setting ${key} has no new setting ${newName(key)} in package.json`);
      continue;
    }
    if (!str(p.markdownDeprecationMessage).includes(`#${newName(key)}#`))
      problems.push(`old setting ${key}: markdownDeprecationMessage does not link #${newName(key)}#`);
    if (!isDeepStrictEqual(p.type, live.type) || !isDeepStrictEqual(p.default, live.default))
      problems.push(`old setting ${key}: type or default differs from ${newName(key)}`);
    if (p.scope !== live.scope) problems.push(`old setting ${key}: scope differs from ${newName(key)}`);
  }
  // Old names exactly for the settings that existed at the rename; a setting added since has none.
  for (const key of props.keys())
    if (code.renamed.includes(key.slice(code.section.length + 1)) !== all.has(oldName(key)))
      problems.push(
        all.has(oldName(key))
          ? `old setting ${oldName(key)} is declared, but ${key} is not in RENAMED_SETTING_KEYS (settings added after the rename have no old name)`
          : `setting ${key} has no deprecated old name ${oldName(key)} in package.json`,
      );
  for (const key of code.renamed)
    if (!code.settings.has(`${code.section}.${key}`))
      problems.push(`RENAMED_SETTING_KEYS names ${key}, which SettingKeys (host/settings.ts) does not define`);
  // Restricted Mode must hold back a setting under either name.
  const restricted = arr(obj(obj(manifest.capabilities).untrustedWorkspaces).restrictedConfigurations as unknown).map(
    (x) => str(x),
  );
  for (const key of restricted)
    if (!isOld(key) && !restricted.includes(oldName(key)))
      problems.push(`restrictedConfigurations lists ${key} but not its old name ${oldName(key)}`);
  for (const [key, p] of props) {
    if (!code.settings.has(key)) {
      problems.push(`setting ${key} is in package.json but not in SettingKeys (host/settings.ts)`);
      continue;
    }
    if (!('default' in p)) problems.push(`setting ${key} has no default in package.json`);
    else if (!isDeepStrictEqual(p.default, code.settings.get(key)))
      problems.push(
        `setting ${key}: package.json default ${JSON.stringify(p.default)} differs from DEFAULT_SETTINGS ${JSON.stringify(code.settings.get(key))}`,
      );
  }
  for (const key of code.settings.keys())
    if (!props.has(key))
      problems.push(
        `setting ${key} is in SettingKeys (host/settings.ts) but not in package.json contributes.configuration`,
      );
  for (const r of settingReferences(c, code.section)) {
    // A section such as `sentryRCA.ai` (opens the settings UI filtered to it) is fine when some setting is under it.
    if (!props.has(r.key) && ![...props.keys()].some((k) => k.startsWith(`${r.key}.`)))
      problems.push(`${r.where} refers to setting ${r.key}, which package.json does not declare`);
  }
  return problems;
}

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepStrictEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

const rawManifest = (): Json => JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as Json;
const nlsStrings = (): Json => JSON.parse(readFileSync(join(repoRoot(), 'package.nls.json'), 'utf8')) as Json;
/** The manifest as VS Code reads it in English: "%key%" strings resolved from package.nls.json. */
const manifest = (): Json => resolveNls(rawManifest(), nlsStrings());
const contributes = (m: Json) =>
  m.contributes as Json & { commands: Json[]; configuration: Json & { properties: Record<string, Json> } };

describe('package.json ↔ code', () => {
  test('commands, views, context keys and values, settings and their defaults agree', () => {
    assert.deepEqual(manifestMismatches(manifest(), codeIds()), []);
  });

  test('the checker sees a real manifest: dozens of ids, every setting with a default', () => {
    const code = codeIds();
    assert.ok(code.commands.length >= 20 && code.settings.size >= 15, 'ids.ts and settings.ts were read');
    // Each setting twice: its name, and its old name declared deprecated.
    assert.equal(settingProperties(contributes(manifest())).size, code.settings.size + RENAMED_SETTING_KEYS.length);
    assert.ok(
      commandReferences(contributes(manifest()), code.idPrefix).length >= 20,
      'menus and walkthrough links were read',
    );
  });

  test('a command in the code without a manifest entry fails, and the reverse', () => {
    const m = manifest();
    contributes(m).commands = contributes(m).commands.filter((c) => c.command !== Commands.copyLink);
    contributes(m).commands.push({ command: 'sentryRca.ghost', title: 'Ghost' });
    assert.deepEqual(
      manifestMismatches(m, codeIds()).filter((p) => !p.includes('menus.')),
      [
        'command sentryRca.ghost is in package.json but not in Commands (ids.ts)',
        'command sentryRca.copyLink is in Commands (ids.ts) but not in package.json contributes.commands',
      ],
    );
    const code = { ...codeIds(), commands: [...codeIds().commands, 'sentryRca.newFeature'] };
    assert.deepEqual(manifestMismatches(manifest(), code), [
      'command sentryRca.newFeature is in Commands (ids.ts) but not in package.json contributes.commands',
    ]);
  });

  test('a setting in the code without a manifest entry fails, and the reverse, and a default that differs', () => {
    const m = manifest();
    const props = contributes(m).configuration.properties;
    delete props['sentryRCA.logs.sources'];
    delete props['sentryRca.logs.sources'];
    props['sentryRCA.unknown'] = { type: 'string', default: '' };
    (props['sentryRCA.eventsPerIssue'] as Json).default = 7;
    (props['sentryRca.eventsPerIssue'] as Json).default = 7;
    assert.deepEqual(manifestMismatches(m, codeIds()).sort(), [
      'setting sentryRCA.eventsPerIssue: package.json default 7 differs from DEFAULT_SETTINGS 5',
      'setting sentryRCA.logs.sources is in SettingKeys (host/settings.ts) but not in package.json contributes.configuration',
      'setting sentryRCA.unknown is in package.json but not in SettingKeys (host/settings.ts)',
      // The step's "Add Log Sources" link (it completes on a context key, not on the setting changing).
      'walkthrough step logSources refers to setting sentryRCA.logs.sources, which package.json does not declare',
    ]);
    const code = codeIds();
    code.settings.set('sentryRCA.trust.newThing', false);
    assert.deepEqual(manifestMismatches(manifest(), code), [
      'setting sentryRCA.trust.newThing is in SettingKeys (host/settings.ts) but not in package.json contributes.configuration',
    ]);
  });

  test('every old sentryRca.* name is declared deprecated, links its new name, and has its type, default and scope', () => {
    const m = manifest();
    const props = contributes(m).configuration.properties;
    delete props['sentryRca.organization'];
    (props['sentryRca.projects'] as Json).type = 'string';
    (props['sentryRca.allowHttp'] as Json).scope = 'window';
    (props['sentryRca.baseUrl'] as Json).markdownDeprecationMessage = 'Deprecated.';
    props['sentryRca.ghost'] = {
      type: 'string',
      default: '',
      markdownDeprecationMessage: 'Renamed to `#sentryRCA.ghost#`.',
    };
    const untrusted = obj(obj(m.capabilities).untrustedWorkspaces);
    untrusted.restrictedConfigurations = arr(untrusted.restrictedConfigurations).filter(
      (k) => (k as unknown) !== 'sentryRca.ai.baseUrl',
    );
    assert.deepEqual(manifestMismatches(m, codeIds()), [
      'old setting sentryRca.baseUrl: markdownDeprecationMessage does not link #sentryRCA.baseUrl#',
      'old setting sentryRca.projects: type or default differs from sentryRCA.projects',
      'old setting sentryRca.allowHttp: scope differs from sentryRCA.allowHttp',
      'old setting sentryRca.ghost has no new setting sentryRCA.ghost in package.json',
      'setting sentryRCA.organization has no deprecated old name sentryRca.organization in package.json',
      'restrictedConfigurations lists sentryRCA.ai.baseUrl but not its old name sentryRca.ai.baseUrl',
    ]);
    // A setting added after the rename has no old name; one that existed then cannot lose its own.
    const code = { ...codeIds(), renamed: RENAMED_SETTING_KEYS.filter((k) => k !== 'baseUrl') };
    code.settings = new Map([...code.settings, ['sentryRCA.added', '']]);
    const added = manifest();
    contributes(added).configuration.properties['sentryRCA.added'] = { type: 'string', default: '' };
    assert.deepEqual(manifestMismatches(added, code), [
      'old setting sentryRca.baseUrl is declared, but sentryRCA.baseUrl is not in RENAMED_SETTING_KEYS (settings added after the rename have no old name)',
    ]);
    assert.deepEqual(manifestMismatches(manifest(), { ...codeIds(), renamed: [...RENAMED_SETTING_KEYS, 'ghost'] }), [
      'RENAMED_SETTING_KEYS names ghost, which SettingKeys (host/settings.ts) does not define',
    ]);
  });

  test('views, context values and context keys fail both ways too', () => {
    const m = manifest();
    const c = contributes(m) as Json;
    (obj(c.views) as Record<string, Json[]>).sentryRca!.push({ id: 'sentryRca.history', name: 'History' });
    arr(obj(c.menus)['view/item/context']).push({
      command: Commands.diagnoseIssue,
      when: 'view == sentryRca.issues && viewItem == sentryRca.release',
    });
    arr(obj(c.menus)['view/title']).push({
      command: Commands.syncNow,
      when: 'view == sentryRca.issues && sentryRca.offline',
    });
    assert.deepEqual(manifestMismatches(m, codeIds()), [
      'view (container) sentryRca.history is in package.json but not in Views (ids.ts)',
      '"view == sentryRca.issues && sentryRca.offline" uses context key sentryRca.offline, which ContextKeys (ids.ts) does not define',
      '"view == sentryRca.issues && viewItem == sentryRca.release" names tree item contextValue sentryRca.release, which ContextValues (ids.ts) does not define',
    ]);
    const code = {
      ...codeIds(),
      views: [...codeIds().views, 'sentryRca.triage'],
      contextKeys: [...codeIds().contextKeys, 'sentryRca.unused'],
    };
    assert.deepEqual(manifestMismatches(manifest(), code), [
      'view sentryRca.triage is in Views (ids.ts) but package.json declares no such view or container',
      'context key sentryRca.unused (ContextKeys in ids.ts) is used by no when clause in package.json',
    ]);
  });

  test('every sentryRca.* string in src names an id of ids.ts or a declared setting (a typo in the CLI fails here)', () => {
    const known = new Set<string>(codeIds().settings.keys());
    for (const k of Object.values(SettingKeys)) known.add(`${LEGACY_CONFIG_SECTION}.${k}`);
    for (const v of Object.values(ids)) {
      if (typeof v === 'string') known.add(v);
      else if (v && typeof v === 'object') for (const x of Object.values(v)) if (typeof x === 'string') known.add(x);
    }
    for (const s of arr(contributes(manifest()).submenus)) known.add(str(s.id));
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.ts')) files.push(p);
      }
    };
    walk(join(repoRoot(), 'src'));
    const unknown: string[] = [];
    let seen = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      // 'sentryRca.x' (ids) and 'sentryRCA.x' (settings) literals, and `${CONFIG_SECTION}.x` templates.
      const found = [
        ...[...text.matchAll(new RegExp(`['"\`]((?:${CONFIG_SECTION}|${Views.container})\\.[\\w.]+)['"\`]`, 'g'))].map(
          (m) => m[1]!,
        ),
        ...[...text.matchAll(/\$\{CONFIG_SECTION\}\.([\w.]+)/g)].map(
          (m) => `${CONFIG_SECTION}.${m[1]!.replace(/\.$/, '')}`,
        ),
      ];
      for (const id of found) {
        seen++;
        if (!known.has(id)) unknown.push(`${f.slice(repoRoot().length + 1)}: ${id}`);
      }
    }
    assert.deepEqual(unknown, []);
    assert.ok(seen >= 30, `read ${seen} sentryRca.* strings`);
  });

  test('every user-visible manifest string is a %key% of package.nls.json; every key is defined and used', () => {
    const problems = nlsProblems(rawManifest(), nlsStrings());
    assert.deepEqual(problems, [], `${problems.join('\n')}\nFix: node scripts/nls.mjs --convert`);
    // It looked at the strings users read: titles, settings, views, the walkthrough.
    const keys = userVisibleStrings(rawManifest()).map((s) => s.key);
    for (const k of ['command.syncNow.title', 'config.title', 'view.issues.name', 'walkthrough.gettingStarted.title'])
      assert.ok(keys.includes(k), `${k} is among the user-visible strings`);
    assert.ok(keys.length >= 60, `${keys.length} user-visible strings`);
    const resolved = manifest();
    assert.equal(contributes(resolved).configuration.title, 'Sentry RCA');
    assert.ok(!JSON.stringify(resolved).match(/"%[\w.-]+%"/), 'no %key% is left unresolved');
  });

  test('a literal title, a key without text and a text nobody uses are each named, with the fix', () => {
    const m = rawManifest();
    contributes(m).commands.push({
      command: 'sentryRca.ghost',
      title: 'Ghost Command',
      category: '%command.category%',
    });
    const nls: Json = { ...nlsStrings(), 'view.unused.name': 'Unused' };
    delete nls['command.syncNow.title'];
    const problems = nlsProblems(m, nls);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(
      problems[0]!,
      /contributes\.commands\.\d+\.title is a literal \("Ghost Command"\).*"command\.ghost\.title".*--convert/,
    );
    assert.match(problems[1]!, /names %command\.syncNow\.title%, which package\.nls\.json does not define/);
    assert.match(problems[2]!, /"view\.unused\.name", which package\.json never names/);
    // --convert moves the literal and leaves the rest as it was.
    const fixed = convert(m, nls);
    assert.equal(fixed.nls['command.ghost.title'], 'Ghost Command');
    assert.equal(contributes(fixed.manifest).commands.at(-1)!.title, '%command.ghost.title%');
    assert.equal(nlsProblems(fixed.manifest, fixed.nls).length, 2);
  });

  test('extensionKind is workspace: it reads the checkout, git and the ssh config where the code lives (remote windows too)', () => {
    assert.deepEqual(manifest().extensionKind, ['workspace']);
  });

  test('the Issues view welcome: in Restricted Mode it says why nothing syncs and offers Trust…, never Sync Now', () => {
    const welcome = arr(contributes(manifest()).viewsWelcome).filter((w) => w.view === Views.issues);
    for (const w of welcome)
      assert.match(str(w.when), /^!?isWorkspaceTrusted && /, `${str(w.when)}: says which trust it is for`);
    const untrusted = welcome.filter((w) => str(w.when).startsWith('!isWorkspaceTrusted'));
    assert.equal(untrusted.length, 2, 'one for any folder, one for the demo folder');
    for (const w of untrusted) {
      const text = str(w.contents);
      assert.match(text, /^Restricted Mode: /);
      assert.match(text, /\[Trust…\]\(command:workbench\.trust\.manage\)/);
      assert.doesNotMatch(text, /command:sentryRca\.(syncNow|setAuthToken)/, 'nothing that cannot run untrusted');
    }
    const demo = untrusted.find((w) => str(w.when).endsWith(`&& ${ContextKeys.demoFolder}`));
    assert.match(str(demo?.contents), /\[Close the Demo\]\(command:workbench\.action\.closeFolder\)/);
  });
});
