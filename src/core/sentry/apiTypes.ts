/**
 * The parts of Sentry's REST API v0 responses (camelCase "API format") that sentry-rca reads.
 * Everything is optional or nullable on purpose: self-hosted versions, GlitchTip and older
 * events omit fields, and a malformed event must not crash the sync.
 */

export interface ApiOrganization {
  id?: string;
  slug?: string;
  name?: string;
  links?: { organizationUrl?: string | null; regionUrl?: string | null } | null;
}

export interface ApiProject {
  id: string;
  slug: string;
  name?: string;
  platform?: string | null;
}

export interface ApiIssue {
  id: string;
  shortId?: string;
  title?: string;
  culprit?: string | null;
  permalink?: string | null;
  level?: string | null;
  status?: string | null;
  substatus?: string | null;
  platform?: string | null;
  project?: { id?: string | number; slug?: string; name?: string; platform?: string | null } | null;
  count?: string | number | null;
  userCount?: number | null;
  firstSeen?: string | null;
  lastSeen?: string | null;
  metadata?: Record<string, unknown> | null;
  isUnhandled?: boolean | null;
  stats?: Record<string, Array<[number, number]>> | null;
  firstRelease?: { version?: string | null; shortVersion?: string | null } | null;
  /** `{type: 'user'|'team', id, name, email?}` or null (ActorSerializer). */
  assignedTo?: { type?: string; id?: string | number; name?: string | null; email?: string | null } | null;
  isBookmarked?: boolean | null;
  isSubscribed?: boolean | null;
  statusDetails?: Record<string, unknown> | null;
  /**
   * The same seen-stats over all time. Top-level `count`, `userCount`, `firstSeen` and `lastSeen` of the
   * issue list are scoped to its `statsPeriod`/`start`/`end` window (default 90 days); `lifetime` is
   * not, and is sent unless `collapse=stats` or `collapse=lifetime` (see docs/SENTRY_SEMANTICS.md).
   */
  lifetime?: {
    count?: string | number | null;
    userCount?: number | null;
    firstSeen?: string | null;
    lastSeen?: string | null;
  } | null;
}

export interface ApiFrame {
  filename?: string | null;
  absPath?: string | null;
  module?: string | null;
  package?: string | null;
  platform?: string | null;
  function?: string | null;
  rawFunction?: string | null;
  lineNo?: number | null;
  colNo?: number | null;
  inApp?: boolean | null;
  context?: Array<[number, string | null]> | null;
}

export interface ApiStacktrace {
  frames?: ApiFrame[] | null;
}

export interface ApiExceptionValue {
  type?: string | null;
  value?: string | null;
  module?: string | null;
  mechanism?: { type?: string | null; handled?: boolean | null } | null;
  stacktrace?: ApiStacktrace | null;
}

export interface ApiBreadcrumb {
  timestamp?: string | number | null;
  type?: string | null;
  category?: string | null;
  level?: string | null;
  message?: string | null;
  data?: Record<string, unknown> | null;
}

export type ApiEntry =
  | { type: 'exception'; data?: { values?: ApiExceptionValue[] | null } | null }
  | { type: 'message'; data?: { formatted?: string | null; message?: string | null } | null }
  | { type: 'breadcrumbs'; data?: { values?: ApiBreadcrumb[] | null } | null }
  | { type: 'request'; data?: { method?: string | null; url?: string | null } | null }
  | { type: 'stacktrace'; data?: ApiStacktrace | null }
  | { type: string; data?: unknown };

export interface ApiEvent {
  id?: string;
  eventID?: string;
  groupID?: string | null;
  projectID?: string | number | null;
  dateCreated?: string | null;
  dateReceived?: string | null;
  message?: string | null;
  title?: string | null;
  platform?: string | null;
  type?: string | null;
  tags?: Array<{ key?: string; value?: string | null }> | null;
  contexts?: Record<string, Record<string, unknown> | null> | null;
  release?: { version?: string | null } | string | null;
  metadata?: Record<string, unknown> | null;
  entries?: ApiEntry[] | null;
}

/** A commit as the releases API returns it (`lastCommit`, `…/releases/{version}/commits/`). */
export interface ApiReleaseCommit {
  id: string;
  message?: string | null;
  dateCreated?: string | null;
  author?: { name?: string | null; email?: string | null } | null;
}

/** `GET /organizations/{org}/releases/{version}/` and the release list (fields this product reads). */
export interface ApiRelease {
  version: string;
  shortVersion?: string | null;
  /** The VCS ref given at `releases new --ref`/`set-commits`, often a SHA. */
  ref?: string | null;
  dateCreated: string;
  dateReleased?: string | null;
  commitCount?: number | null;
  lastCommit?: ApiReleaseCommit | null;
  projects?: Array<{ id?: string | number; slug?: string; name?: string }> | null;
}

/** `GET /organizations/{org}/members/` items (OrganizationMemberSerializer; `user` is null for a pending invite). */
export interface ApiMember {
  id: string;
  email?: string | null;
  name?: string | null;
  role?: string | null;
  pending?: boolean | null;
  user?: { id?: string | number; name?: string | null; username?: string | null; email?: string | null } | null;
}

/** `GET /organizations/{org}/teams/` items. */
export interface ApiTeam {
  id: string;
  slug: string;
  name?: string | null;
  isMember?: boolean | null;
}

/** `POST /organizations/{org}/issues/{id}/comments/` answer (ActivitySerializer of a note). */
export interface ApiNote {
  id: string;
  type?: string;
  data?: { text?: string } | null;
  dateCreated?: string;
  user?: { id?: string; name?: string } | null;
}
