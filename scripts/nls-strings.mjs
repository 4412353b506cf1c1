// The manifest's user-visible strings and package.nls.json: which strings users read (and so belong in
// package.nls.json as "%key%"), what is wrong with the pair, the English manifest, and the conversion.
// scripts/nls.mjs is the command; the manifest unit test and scripts/package.mjs use these functions.
const NLS_REF = /^%([\w.-]+)%$/;

/** The section prefix of setting keys and command ids (`sentryRca.`), left out of the nls keys. */
const short = (id) => String(id).replace(/^sentryRca\./i, '');

/**
 * Every user-visible string of the manifest: where it is (`at`, a path of keys), the nls key it gets
 * (`key`) and its current value. Strings for the model (languageModelTools' modelDescription, input
 * schemas) are not for users and stay as they are.
 * @returns {{ at: (string|number)[], key: string, value: string }[]}
 */
export function userVisibleStrings(m) {
  const out = [];
  const add = (at, key) => {
    let v = m;
    for (const p of at) v = v?.[p];
    if (typeof v === 'string') out.push({ at, key, value: v });
  };
  add(['displayName'], 'displayName');
  add(['description'], 'description');
  for (const kind of ['untrustedWorkspaces', 'virtualWorkspaces'])
    add(['capabilities', kind, 'description'], `capabilities.${kind}.description`);
  const c = m.contributes ?? {};
  (c.commands ?? []).forEach((cmd, i) => {
    add(['contributes', 'commands', i, 'title'], `command.${short(cmd.command)}.title`);
    add(['contributes', 'commands', i, 'shortTitle'], `command.${short(cmd.command)}.shortTitle`);
    add(['contributes', 'commands', i, 'category'], 'command.category');
  });
  const configs = Array.isArray(c.configuration) ? c.configuration : c.configuration ? [c.configuration] : [];
  configs.forEach((conf, ci) => {
    const base = Array.isArray(c.configuration)
      ? ['contributes', 'configuration', ci]
      : ['contributes', 'configuration'];
    add([...base, 'title'], ci === 0 ? 'config.title' : `config.${short(conf.id ?? ci)}.title`);
    for (const [key, prop] of Object.entries(conf.properties ?? {})) {
      const at = [...base, 'properties', key];
      const k = `config.${short(key)}`;
      const walk = (schema, path, prefix) => {
        for (const f of [
          'description',
          'markdownDescription',
          'deprecationMessage',
          'markdownDeprecationMessage',
          'patternErrorMessage',
          'title',
        ])
          add([...path, f], `${prefix}.${f}`);
        for (const f of ['enumDescriptions', 'markdownEnumDescriptions', 'enumItemLabels'])
          (schema[f] ?? []).forEach((_, i) => add([...path, f, i], `${prefix}.${f}.${i}`));
        for (const [name, sub] of Object.entries(schema.properties ?? {}))
          walk(sub, [...path, 'properties', name], `${prefix}.${name}`);
        if (schema.items && typeof schema.items === 'object') walk(schema.items, [...path, 'items'], `${prefix}.items`);
      };
      walk(prop, at, k);
    }
  });
  for (const [where, list] of Object.entries(c.viewsContainers ?? {}))
    (list ?? []).forEach((v, i) =>
      add(['contributes', 'viewsContainers', where, i, 'title'], `viewsContainer.${short(v.id)}.title`),
    );
  for (const [container, list] of Object.entries(c.views ?? {}))
    (list ?? []).forEach((v, i) => {
      add(['contributes', 'views', container, i, 'name'], `view.${short(v.id)}.name`);
      add(['contributes', 'views', container, i, 'contextualTitle'], `view.${short(v.id)}.contextualTitle`);
    });
  const welcomeSeen = {};
  (c.viewsWelcome ?? []).forEach((w, i) => {
    const n = (welcomeSeen[w.view] = (welcomeSeen[w.view] ?? 0) + 1);
    add(['contributes', 'viewsWelcome', i, 'contents'], `viewsWelcome.${short(w.view)}.${n}`);
  });
  (c.submenus ?? []).forEach((s, i) => add(['contributes', 'submenus', i, 'label'], `submenu.${short(s.id)}.label`));
  (c.walkthroughs ?? []).forEach((w, i) => {
    const at = ['contributes', 'walkthroughs', i];
    add([...at, 'title'], `walkthrough.${w.id}.title`);
    add([...at, 'description'], `walkthrough.${w.id}.description`);
    (w.steps ?? []).forEach((s, j) => {
      add([...at, 'steps', j, 'title'], `walkthrough.${w.id}.${s.id}.title`);
      add([...at, 'steps', j, 'description'], `walkthrough.${w.id}.${s.id}.description`);
      add([...at, 'steps', j, 'media', 'altText'], `walkthrough.${w.id}.${s.id}.altText`);
    });
  });
  (c.languageModelTools ?? []).forEach((t, i) => {
    add(['contributes', 'languageModelTools', i, 'displayName'], `tool.${t.name}.displayName`);
    add(['contributes', 'languageModelTools', i, 'userDescription'], `tool.${t.name}.userDescription`);
  });
  (c.chatParticipants ?? []).forEach((p, i) => {
    add(['contributes', 'chatParticipants', i, 'fullName'], `chat.${p.id}.fullName`);
    add(['contributes', 'chatParticipants', i, 'description'], `chat.${p.id}.description`);
  });
  return out;
}

/** Every `%key%` the manifest names, anywhere in it. */
function referencedKeys(m, out = new Set()) {
  if (typeof m === 'string') {
    const r = NLS_REF.exec(m);
    if (r) out.add(r[1]);
  } else if (m && typeof m === 'object') for (const v of Object.values(m)) referencedKeys(v, out);
  return out;
}

/** What is wrong, one line each with the fix: literal user-visible strings, missing keys, unused keys. */
export function nlsProblems(manifest, nls) {
  const problems = [];
  const literal = userVisibleStrings(manifest).filter((s) => !NLS_REF.test(s.value));
  for (const s of literal)
    problems.push(
      `package.json ${s.at.join('.')} is a literal ("${s.value.slice(0, 50)}"): put it in package.nls.json as "${s.key}" and write "%${s.key}%" (node scripts/nls.mjs --convert does both)`,
    );
  const refs = referencedKeys(manifest);
  for (const k of refs)
    if (!(k in nls)) problems.push(`package.json names %${k}%, which package.nls.json does not define`);
  for (const k of Object.keys(nls))
    if (!refs.has(k)) problems.push(`package.nls.json defines "${k}", which package.json never names`);
  for (const [k, v] of Object.entries(nls))
    if (typeof v !== 'string' || v.trim() === '') problems.push(`package.nls.json "${k}" is empty or not a string`);
  return problems;
}

/** The manifest as VS Code shows it in English: each "%key%" replaced by its package.nls.json text. */
export function resolveNls(manifest, nls) {
  const r = (v) => {
    if (typeof v === 'string') {
      const k = NLS_REF.exec(v);
      return k && typeof nls[k[1]] === 'string' ? nls[k[1]] : v;
    }
    if (Array.isArray(v)) return v.map(r);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, r(x)]));
    return v;
  };
  return r(manifest);
}

/** Moves literal user-visible strings into `nls` (the same text keeps one key) and returns both, changed. */
export function convert(manifest, nls) {
  const m = structuredClone(manifest);
  const out = { ...nls };
  for (const s of userVisibleStrings(m)) {
    if (NLS_REF.test(s.value)) continue;
    let key = s.key;
    for (let n = 2; key in out && out[key] !== s.value; n++) key = `${s.key}.${n}`;
    out[key] = s.value;
    let parent = m;
    for (const p of s.at.slice(0, -1)) parent = parent[p];
    parent[s.at.at(-1)] = `%${key}%`;
  }
  return { manifest: m, nls: out };
}
