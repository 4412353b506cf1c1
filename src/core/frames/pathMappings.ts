/**
 * User path mappings (`sentryRCA.pathMappings`): `{ "from": "/app/", "to": "${workspaceFolder}/" }`,
 * optionally limited to one Sentry project. They run before every automatic rule, so a user can always
 * fix a frame the heuristics get wrong, including frames that point at URLs.
 */
import { isAbsolute, join, relative } from 'node:path';
import type { WorkspaceRoot } from './workspaceFileIndex';

export interface PathMapping {
  /** Prefix of the frame's path (absPath, else filename) as Sentry shows it. */
  from: string;
  /** Local folder; may use `${workspaceFolder}` or `${workspaceFolder:name}`. */
  to: string;
  /** Project slug the mapping is limited to; all projects when absent. */
  project?: string;
}

/**
 * Validates the raw setting value. Bad entries are dropped with a message naming the entry and what
 * is wrong, so the host can show it once instead of silently ignoring the user's setting.
 */
export function parsePathMappings(
  raw: unknown,
  setting = 'sentryRCA.pathMappings',
): { mappings: PathMapping[]; errors: string[] } {
  const mappings: PathMapping[] = [];
  const errors: string[] = [];
  if (raw === undefined || raw === null) return { mappings, errors };
  if (!Array.isArray(raw)) {
    errors.push(`${setting} must be a list of { "from": "...", "to": "..." } objects.`);
    return { mappings, errors };
  }
  raw.forEach((item: unknown, i) => {
    const where = `${setting}[${i}]`;
    if (typeof item !== 'object' || item === null) {
      errors.push(`${where} must be an object with "from" and "to".`);
      return;
    }
    const { from, to, project } = item as Record<string, unknown>;
    if (typeof from !== 'string' || !from.trim()) {
      errors.push(`${where}: "from" must be a non-empty string (the path prefix the frames show, e.g. "/app/").`);
      return;
    }
    if (typeof to !== 'string' || !to.trim()) {
      errors.push(`${where}: "to" must be a non-empty string (a local folder, e.g. "\${workspaceFolder}/").`);
      return;
    }
    if (project !== undefined && (typeof project !== 'string' || !project.trim())) {
      errors.push(`${where}: "project" must be a project slug string when given.`);
      return;
    }
    const bad = /\$\{(?!workspaceFolder(?::[^}]+)?\})[^}]*\}/.exec(to);
    if (bad) {
      errors.push(
        `${where}: "to" uses ${bad[0]}; only \${workspaceFolder} and \${workspaceFolder:name} are supported.`,
      );
      return;
    }
    mappings.push(project === undefined ? { from, to } : { from, to, project: (project as string).trim() });
  });
  return { mappings, errors };
}

/** Expands `${workspaceFolder}` / `${workspaceFolder:name}`; an error names the missing folder. */
export function resolveMappingTarget(
  to: string,
  roots: readonly WorkspaceRoot[],
): { ok: true; path: string } | { ok: false; error: string } {
  let error: string | undefined;
  const path = to.replace(/\$\{workspaceFolder(?::([^}]+))?\}/g, (_m, name: string | undefined) => {
    if (roots.length === 0) {
      error = `the path mapping target ${to} needs an open workspace folder`;
      return '';
    }
    if (name === undefined) return roots[0]!.path;
    const root = roots.find((r) => r.name === name);
    if (!root) {
      error = `the path mapping target ${to} names workspace folder "${name}", which is not open (open folders: ${roots.map((r) => r.name).join(', ')})`;
      return '';
    }
    return root.path;
  });
  return error ? { ok: false, error } : { ok: true, path };
}

/**
 * If `mapping.from` is a prefix of the frame path at a segment boundary, the remainder joined onto
 * the mapping target; otherwise undefined. Drive-letter prefixes compare case-insensitively.
 */
export function applyMapping(framePath: string, mapping: PathMapping, target: string): string | undefined {
  const path = framePath.replace(/\\/g, '/');
  const from = mapping.from.trim().replace(/\\/g, '/');
  const ci = /^[A-Za-z]:\//.test(from);
  const hay = ci ? path.toLowerCase() : path;
  const needle = ci ? from.toLowerCase() : from;
  if (!hay.startsWith(needle)) return undefined;
  const atBoundary = needle.endsWith('/') || hay.length === needle.length || hay[needle.length] === '/';
  if (!atBoundary) return undefined;
  const rest = path
    .slice(from.length)
    .replace(/^\/+/, '')
    .replace(/[?#].*$/, '');
  if (!rest) return join(target);
  const mapped = join(target, ...rest.split('/'));
  // A frame path is data from Sentry: `..` segments must not lead out of the mapping's folder.
  const inside = relative(join(target), mapped);
  return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside)) ? mapped : undefined;
}

export function mappingsFor(mappings: readonly PathMapping[], project: string | undefined): PathMapping[] {
  return mappings.filter((m) => !m.project || m.project === project);
}

export function describeMapping(m: PathMapping): string {
  return `${m.from} → ${m.to}${m.project ? ` (project ${m.project})` : ''}`;
}
