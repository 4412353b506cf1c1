/**
 * The frame-mapping settings a workspace carries in `.vscode/settings.json`: `sentryRCA.pathMappings`
 * (or its old name `sentryRca.pathMappings`) and `files.exclude`. The CLI reads them so that
 * `sentry-rca frames` maps exactly as the extension does in the same folder. VS Code writes that file
 * as JSON with comments and trailing commas.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingInFile } from '../settings/settingNames';
import { parsePathMappings, type PathMapping } from './pathMappings';

export interface WorkspaceFrameSettings {
  mappings: PathMapping[];
  /** `files.exclude` globs that are switched on (conditional `{ "when": … }` entries are skipped). */
  exclude: string[];
  /** Problems to show; the settings that could be read are still used. */
  warnings: string[];
}

export function readWorkspaceFrameSettings(workspace: string): WorkspaceFrameSettings {
  const file = join(workspace, '.vscode', 'settings.json');
  const out: WorkspaceFrameSettings = { mappings: [], exclude: [], warnings: [] };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out; // no settings file: nothing configured
  }
  let json: unknown;
  try {
    json = parseJsonc(text);
  } catch (e) {
    out.warnings.push(
      `${file} is not valid JSON (${(e as Error).message}); its path mappings and excludes are not used.`,
    );
    return out;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    out.warnings.push(`${file} does not hold a settings object; it is not used.`);
    return out;
  }
  const settings = json as Record<string, unknown>;
  const { mappings, errors } = parsePathMappings(settingInFile(settings, 'pathMappings'));
  out.mappings = mappings;
  out.warnings.push(...errors.map((e) => `${file}: ${e}`));
  const exclude = settings['files.exclude'];
  if (exclude !== undefined) {
    if (typeof exclude !== 'object' || exclude === null || Array.isArray(exclude)) {
      out.warnings.push(`${file}: "files.exclude" must be an object of glob → true/false.`);
    } else {
      for (const [glob, on] of Object.entries(exclude)) if (on === true) out.exclude.push(glob);
    }
  }
  return out;
}

/** JSON with `//` and `/* *\/` comments and trailing commas, as VS Code settings files are. */
export function parseJsonc(text: string): unknown {
  return JSON.parse(dropTrailingCommas(dropComments(text.replace(/^\uFEFF/, ''))));
}

function dropComments(text: string): string {
  return outsideStrings(text, (i) => {
    if (text[i] !== '/') return undefined;
    if (text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      return { out: '', next: end < 0 ? text.length : end };
    }
    if (text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new Error('unterminated /* comment');
      // Keep the line count so JSON.parse positions stay meaningful.
      return { out: text.slice(i, end + 2).replace(/[^\n]/g, ' '), next: end + 2 };
    }
    return undefined;
  });
}

function dropTrailingCommas(text: string): string {
  return outsideStrings(text, (i) => {
    if (text[i] !== ',') return undefined;
    let j = i + 1;
    while (j < text.length && /\s/.test(text[j]!)) j++;
    return text[j] === '}' || text[j] === ']' ? { out: ' ', next: i + 1 } : undefined;
  });
}

/** Copies JSON strings verbatim and lets `step` rewrite what lies between them, one position at a time. */
function outsideStrings(text: string, step: (i: number) => { out: string; next: number } | undefined): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const r = step(i);
    if (r) {
      out += r.out;
      i = r.next;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

/** Index just past the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === '"') return i + 1;
    else i++;
  }
  return text.length; // unterminated: JSON.parse will report it
}
