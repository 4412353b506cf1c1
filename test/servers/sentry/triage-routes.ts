/**
 * The write side of the test Sentry server: issue mutations (one issue, or the bulk endpoint), notes,
 * and the member and team lists the assign picker reads. Validation and answers follow Sentry's code:
 * GroupValidator / StatusDetailsValidator (src/sentry/api/helpers/group_index/validators/),
 * update_groups and its handlers (…/group_index/update.py: the bulk answer is the changed fields, 204
 * "No groups found" when no id matched), GroupNotesEndpoint (src/sentry/issues/endpoints/group_notes.py),
 * OrganizationMemberSerializer and TeamSerializer shapes. Errors are DRF's: `{"field": ["message"]}`.
 */
import type { ApiRequest, ApiResponse, RouteContext } from './api-routes';
import { issueToApi } from './serialize';
import type { ActorRec, IssueRec, ServerState } from './server-state';
import type { JsonObject } from './types';

/** Sentry's BULK_MUTATION_LIMIT (src/sentry/api/helpers/group_index/__init__.py). */
export const BULK_MUTATION_LIMIT = 1000;
/** The token's user (the API index's `user.id`). */
export const CURRENT_USER_ID = '1';

const STATUSES = ['resolved', 'resolvedInNextRelease', 'unresolved', 'ignored'] as const;
const SUBSTATUSES = [
  'archived_until_escalating',
  'archived_until_condition_met',
  'archived_forever',
  'escalating',
  'ongoing',
  'regressed',
  'new',
] as const;
const MAX_WINDOW = 7 * 24 * 60;
const INT_FIELDS = ['ignoreDuration', 'ignoreCount', 'ignoreWindow', 'ignoreUserCount', 'ignoreUserWindow'] as const;

type Errors = Record<string, string[] | Record<string, string[]>>;

interface Mutation {
  status?: (typeof STATUSES)[number];
  substatus?: (typeof SUBSTATUSES)[number] | null;
  statusDetails?: Record<string, unknown>;
  assignedTo?: ActorRec | null;
  isBookmarked?: boolean;
  isSubscribed?: boolean;
}

const bad = (body: unknown): ApiResponse => ({ status: 400, body });

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/** DRF BooleanField accepts true/false and their usual spellings. */
function toBool(v: unknown): boolean | undefined {
  if (v === true || v === 'true' || v === 1 || v === '1' || v === 'True') return true;
  if (v === false || v === 'false' || v === 0 || v === '0' || v === 'False') return false;
  return undefined;
}

/** ActorField: `user:ID`, `team:ID`, a bare user id, a username or email; '' or null unassigns. */
function parseActor(state: ServerState, v: unknown): ActorRec | null | string {
  if (v === '' || v === null) return null;
  if (typeof v !== 'string' && typeof v !== 'number') return 'Unknown actor input';
  const s = String(v);
  const m = /^(user|team):(\d+)$/.exec(s);
  if (m?.[1] === 'team') {
    const t = state.teams.find((x) => x.id === m[2]);
    return t ? { type: 'team', id: t.id, name: t.slug } : 'Unknown actor input';
  }
  const userId = m ? m[2] : /^\d+$/.test(s) ? s : undefined;
  const member = state.members.find((x) =>
    userId !== undefined ? x.userId === userId : x.email === s || x.name === s,
  );
  if (!member || member.userId === null) return 'Unknown actor input';
  return { type: 'user', id: member.userId, name: member.name, email: member.email };
}

function validate(state: ServerState, raw: unknown, issues: IssueRec[]): Mutation | ApiResponse {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return bad({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  const b = raw as Record<string, unknown>;
  const errors: Errors = {};
  const out: Mutation = {};
  if ('status' in b) {
    if ((STATUSES as readonly unknown[]).includes(b.status)) out.status = b.status as Mutation['status'];
    else errors.status = [`"${String(b.status)}" is not a valid choice.`];
  }
  if ('substatus' in b) {
    if (b.substatus === null || (SUBSTATUSES as readonly unknown[]).includes(b.substatus))
      out.substatus = b.substatus as Mutation['substatus'];
    else errors.substatus = [`"${String(b.substatus)}" is not a valid choice.`];
  }
  if ('statusDetails' in b) {
    const d = b.statusDetails;
    if (!d || typeof d !== 'object' || Array.isArray(d)) {
      errors.statusDetails = { non_field_errors: ['Invalid data. Expected a dictionary, but got str.'] };
    } else {
      const det = d as Record<string, unknown>;
      const derr: Record<string, string[]> = {};
      for (const k of INT_FIELDS) {
        if (!(k in det)) continue;
        if (!isInt(det[k])) derr[k] = ['A valid integer is required.'];
        else if ((k === 'ignoreWindow' || k === 'ignoreUserWindow') && det[k] > MAX_WINDOW)
          derr[k] = [`Ensure this value is less than or equal to ${MAX_WINDOW}.`];
      }
      const projects = new Set(issues.map((i) => i.project));
      const releaseOf = (p: IssueRec['project']) =>
        [...p.releases.entries()].sort((x, y) => y[1] - x[1])[0]?.[0] ?? null;
      if ('inNextRelease' in det) {
        if (toBool(det.inNextRelease) === undefined) derr.inNextRelease = ['Must be a valid boolean.'];
        else if ([...projects].some((p) => !releaseOf(p)))
          derr.inNextRelease = ["No release data present in the system to form a basis for 'Next Release'"];
      }
      if ('inRelease' in det) {
        const v = det.inRelease;
        if (typeof v !== 'string' || !v) derr.inRelease = ['This field may not be blank.'];
        else if (v === 'latest') {
          if ([...projects].some((p) => !releaseOf(p)))
            derr.inRelease = ["No release data present in the system to form a basis for 'Next Release'"];
        } else if ([...projects].some((p) => !p.releases.has(v)))
          derr.inRelease = ['Unable to find a release with the given version.'];
      }
      if (Object.keys(derr).length) errors.statusDetails = derr;
      else out.statusDetails = det;
    }
  }
  if ('assignedTo' in b) {
    const a = parseActor(state, b.assignedTo);
    if (typeof a === 'string') errors.assignedTo = [a];
    else out.assignedTo = a;
  }
  for (const k of ['isBookmarked', 'isSubscribed'] as const) {
    if (!(k in b)) continue;
    const v = toBool(b[k]);
    if (v === undefined) errors[k] = ['Must be a valid boolean.'];
    else out[k] = v;
  }
  if (Object.keys(errors).length) return bad(errors);
  return out;
}

function latestRelease(issue: IssueRec): string | null {
  return [...issue.project.releases.entries()].sort((x, y) => y[1] - x[1])[0]?.[0] ?? null;
}

/**
 * Applies a validated mutation; returns the changed fields as update_groups answers them. Resolving
 * "in release" across projects is a 400 ("Cannot set resolved in … for multiple projects.").
 */
function apply(state: ServerState, m: Mutation, issues: IssueRec[], now: number): ApiResponse {
  const result: Record<string, unknown> = {};
  const details = m.statusDetails ?? {};
  const actor = { id: CURRENT_USER_ID, name: 'Test User', email: 'test@example.com' };
  if (m.status === 'resolved' || m.status === 'resolvedInNextRelease') {
    const multi = new Set(issues.map((i) => i.project.id)).size > 1;
    const next = m.status === 'resolvedInNextRelease' || toBool(details.inNextRelease) === true;
    const inRelease = typeof details.inRelease === 'string' ? details.inRelease : null;
    if (multi && next) return bad({ detail: 'Cannot set resolved in next release for multiple projects.' });
    if (multi && inRelease) return bad({ detail: 'Cannot set resolved in release for multiple projects.' });
    let statusDetails: JsonObject = {};
    if (next) statusDetails = { inNextRelease: true, actor };
    else if (inRelease)
      statusDetails = { inRelease: inRelease === 'latest' ? latestRelease(issues[0]!) : inRelease, actor };
    for (const i of issues) {
      i.status = 'resolved';
      i.substatus = null;
      i.statusDetails = statusDetails;
    }
    Object.assign(result, { status: 'resolved', statusDetails, inbox: null });
  } else if (m.status === 'unresolved') {
    for (const i of issues) {
      i.status = 'unresolved';
      i.substatus = m.substatus === 'ongoing' || m.substatus === 'regressed' ? m.substatus : 'ongoing';
      i.statusDetails = {};
    }
    Object.assign(result, { status: 'unresolved', statusDetails: {}, substatus: issues[0]!.substatus });
  } else if (m.status === 'ignored') {
    // infer_substatus: until escalating when asked, a condition when details name one, else forever.
    const condition = INT_FIELDS.some((k) => k in details);
    const substatus =
      m.substatus === 'archived_until_escalating'
        ? 'archived_until_escalating'
        : condition
          ? 'archived_until_condition_met'
          : 'archived_forever';
    let statusDetails: JsonObject = {};
    if (substatus === 'archived_until_escalating') statusDetails = { ignoreUntilEscalating: true };
    else if (condition) {
      const n = (k: string) => (isInt(details[k]) ? (details[k] as number) : null);
      const minutes = n('ignoreDuration');
      statusDetails = {
        ignoreCount: n('ignoreCount'),
        ignoreUntil: minutes ? new Date(now + minutes * 60_000).toISOString() : null,
        ignoreUserCount: n('ignoreUserCount'),
        ignoreUserWindow: n('ignoreUserWindow'),
        ignoreWindow: n('ignoreWindow'),
        actor,
      };
    }
    for (const i of issues) {
      i.status = 'ignored';
      i.substatus = substatus;
      i.statusDetails = statusDetails;
    }
    Object.assign(result, { status: 'ignored', substatus, statusDetails, inbox: null });
  }
  if ('assignedTo' in m) {
    for (const i of issues) i.assignedTo = m.assignedTo ?? null;
    result.assignedTo = m.assignedTo ? { ...m.assignedTo } : null;
  }
  if (m.isBookmarked !== undefined) {
    for (const i of issues) {
      i.isBookmarked = m.isBookmarked;
      // handle_is_bookmarked subscribes on bookmark and drops the subscription on unbookmark.
      i.isSubscribed = m.isBookmarked;
    }
    result.isBookmarked = m.isBookmarked;
  }
  if (m.isSubscribed !== undefined) {
    for (const i of issues) i.isSubscribed = m.isSubscribed;
    result.isSubscribed = m.isSubscribed;
    result.subscriptionDetails = { reason: 'unknown' };
  }
  state.version++;
  return { status: 200, body: result };
}

/** `PUT /organizations/{org}/issues/{id}/`: answers the whole issue after the change. */
export function updateOneIssue(ctx: RouteContext, req: ApiRequest, issue: IssueRec): ApiResponse {
  const m = validate(ctx.state, req.body, [issue]);
  if ('status' in m && typeof m.status === 'number') return m as ApiResponse;
  const res = apply(ctx.state, m as Mutation, [issue], req.now);
  if (res.status !== 200) return res;
  return {
    status: 200,
    body: issueToApi(issue, {
      baseUrl: ctx.baseUrl,
      org: ctx.org,
      now: req.now,
      groupStatsPeriod: '24h',
      detail: true,
    }),
  };
}

/**
 * `PUT /organizations/{org}/issues/?id=…&project=…`: the ids limited to the given projects (none =
 * the user's member projects, `-1` = all), at most 1,000; no id matching → 204. Sentry then runs the
 * query instead (update_groups_with_search_fn); this server answers 204 without touching anything,
 * and a request without ids is refused, since sentry-rca never sends one.
 */
export function bulkUpdateIssues(ctx: RouteContext, req: ApiRequest): ApiResponse {
  const sp = req.url.searchParams;
  const ids = sp.getAll('id');
  if (ids.length === 0) return bad({ detail: 'This test server needs explicit ids for a bulk mutation.' });
  if (!ids.every((id) => /^\d+$/.test(id))) return bad({ detail: 'Invalid id parameter. Values must be numbers.' });
  if (ids.length > BULK_MUTATION_LIMIT)
    return bad({ detail: `You can only mutate up to ${BULK_MUTATION_LIMIT} issues at a time.` });
  const projectParams = sp.getAll('project');
  const projects = projectParams.includes('-1')
    ? null
    : projectParams.length
      ? new Set(projectParams)
      : new Set(ctx.state.projects.filter((p) => p.isMember).map((p) => p.id));
  const issues = ids
    .map((id) => ctx.state.issue(id))
    .filter((i): i is IssueRec => i !== undefined && (!projects || projects.has(i.project.id)));
  if (issues.length === 0) return { status: 204, body: '' };
  const m = validate(ctx.state, req.body, issues);
  if ('status' in m && typeof m.status === 'number') return m as ApiResponse;
  return apply(ctx.state, m as Mutation, issues, req.now);
}

/** `POST /organizations/{org}/issues/{id}/comments/` (or `notes/`): 201 with the note activity. */
export function addNote(ctx: RouteContext, req: ApiRequest, issue: IssueRec): ApiResponse {
  const b = req.body as Record<string, unknown> | null;
  const text = b && typeof b === 'object' ? b.text : undefined;
  if (typeof text !== 'string' || text.trim() === '')
    return bad({ text: [text === undefined ? 'This field is required.' : 'This field may not be blank.'] });
  issue.notes ??= [];
  const dup = issue.notes.find(
    (n) => n.text === text && n.userId === CURRENT_USER_ID && req.now - n.createdMs < 3600_000,
  );
  if (dup) return bad({ detail: 'You have already posted that comment.' });
  const note = { id: String(ctx.state.nextNoteId++), text, userId: CURRENT_USER_ID, createdMs: req.now };
  issue.notes.push(note);
  issue.isSubscribed = true;
  ctx.state.version++;
  return {
    status: 201,
    body: {
      id: note.id,
      user: { id: CURRENT_USER_ID, name: 'Test User', username: 'test@example.com', email: 'test@example.com' },
      type: 'note',
      data: { text },
      dateCreated: new Date(note.createdMs).toISOString(),
    },
  };
}

export function listMembers(ctx: RouteContext): unknown[] {
  return ctx.state.members.map((m) => ({
    id: m.id,
    email: m.email,
    name: m.name,
    user: m.userId
      ? { id: m.userId, name: m.name, username: m.email, email: m.email, isActive: true, has2fa: false }
      : null,
    role: m.role,
    roleName: m.role[0]!.toUpperCase() + m.role.slice(1),
    orgRole: m.role,
    pending: m.userId === null,
    expired: false,
    flags: { 'sso:linked': false, 'sso:invalid': false, 'member-limit:restricted': false },
    dateCreated: '2024-01-01T00:00:00.000Z',
    inviteStatus: m.userId === null ? 'requested_to_be_invited' : 'approved',
    inviterName: null,
  }));
}

export function listTeams(ctx: RouteContext): unknown[] {
  return ctx.state.teams.map((t) => ({
    id: t.id,
    slug: t.slug,
    name: t.name,
    dateCreated: '2024-01-01T00:00:00.000Z',
    isMember: true,
    teamRole: 'contributor',
    flags: { 'idp:provisioned': false },
    access: ['event:read', 'event:write', 'project:read'],
    hasAccess: true,
    isPending: false,
    memberCount: 1,
    avatar: { avatarType: 'letter_avatar', avatarUuid: null },
  }));
}
