/** Which scope an endpoint needs, so a 403 can tell the user exactly what to add to the token. */
export type Scope = 'org:read' | 'project:read' | 'event:read' | 'project:releases' | 'event:write' | 'member:read';

export const REQUIRED_SCOPES: Scope[] = ['org:read', 'project:read', 'event:read'];

/**
 * The scope a request needs (docs.sentry.io/api/permissions/): changing issues and posting notes is
 * event:write (GroupPermission / OrganizationEventPermission PUT and POST; event:admin also does), the
 * member list member:read (MemberPermission), the team list org:read.
 */
export function scopeFor(path: string, method: string = 'GET'): Scope {
  if (method !== 'GET' && /\/issues\//.test(path)) return 'event:write';
  if (/\/members\/$/.test(path)) return 'member:read';
  if (/\/releases\//.test(path)) return 'project:releases';
  if (/\/issues\/|\/events\/|\/eventids\//.test(path)) return 'event:read';
  if (/^\/projects\//.test(path)) return 'project:read';
  return 'org:read';
}

export const TOKEN_HELP =
  'Create a user auth token (or an internal integration token) with the scopes org:read, project:read and event:read.';

/** Why triage actions are unavailable, and what fixes it. */
export const WRITE_HELP =
  'Resolving, archiving, assigning, bookmarking and notes need a token with the event:write scope (or event:admin); member:read adds members to the assign list. Create a new user auth token with them and run "Set Auth Token" (CLI: SENTRY_AUTH_TOKEN).';

export function isOrgToken(token: string): boolean {
  return token.startsWith('sntrys_');
}

export function orgTokenNote(token: string): string {
  return isOrgToken(token) ? ' Organization tokens (sntrys_…) only carry org:ci and cannot read issues or events.' : '';
}
