/** Which scope an endpoint needs, so a 403 can tell the user exactly what to add to the token. */
export type Scope = 'org:read' | 'project:read' | 'event:read' | 'project:releases';

export const REQUIRED_SCOPES: Scope[] = ['org:read', 'project:read', 'event:read'];

export function scopeFor(path: string): Scope {
  if (/\/releases\//.test(path)) return 'project:releases';
  if (/\/issues\/|\/events\/|\/eventids\//.test(path)) return 'event:read';
  if (/^\/projects\//.test(path)) return 'project:read';
  return 'org:read';
}

export const TOKEN_HELP =
  'Create a user auth token (or an internal integration token) with the scopes org:read, project:read and event:read.';

export function isOrgToken(token: string): boolean {
  return token.startsWith('sntrys_');
}

export function orgTokenNote(token: string): string {
  return isOrgToken(token) ? ' Organization tokens (sntrys_…) only carry org:ci and cannot read issues or events.' : '';
}
