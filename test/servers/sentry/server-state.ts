/**
 * What the test Sentry server holds: projects, issues grouped from events, releases. Events keep a
 * `make()` that builds their API body on demand, so ingested events (kept whole) and synthetic ones
 * (built from a template when first asked for) look the same to the HTTP layer, and 10k issues × 10
 * events cost a few MB instead of GBs.
 */
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { parseEnvelope } from './envelope';
import { IngestError, normalizeEvent, type NormalizedEvent } from './normalize';
import type { ApiIssue, JsonObject } from './types';

export type EventBody = NormalizedEvent['event'];

export interface ProjectRec {
  id: string;
  slug: string;
  name: string;
  platform: string;
  publicKey: string;
  dateCreated: string;
  nextShortNo: number;
  releases: Map<string, number>;
  /**
   * Whether the token's user is on one of the project's teams. Sentry's organisation endpoints with no
   * `project` parameter cover only such projects; `project=-1` covers every project the user can access.
   */
  isMember: boolean;
}

/** An assignee as Sentry serialises it (ActorSerializer). */
export interface ActorRec {
  type: 'user' | 'team';
  id: string;
  name: string;
  email?: string;
}

/** An organization member (user id, not the member id, is what `assignedTo: "user:ID"` names). */
export interface MemberRec {
  id: string;
  userId: string | null;
  name: string;
  email: string;
  role: string;
}

export interface TeamRec {
  id: string;
  slug: string;
  name: string;
}

export interface NoteRec {
  id: string;
  text: string;
  userId: string;
  createdMs: number;
}

export interface ReleaseCommitRec {
  id: string;
  message: string;
  dateCreated: string;
  author: { name: string; email: string };
}

export interface EventRec {
  id: string;
  issue: IssueRec;
  tsMs: number;
  receivedMs: number;
  release: string | null;
  environment: string | null;
  /** Who saw it (for the window-scoped `userCount`). */
  userKey: string | null;
  make(): EventBody;
}

export interface IssueRec {
  id: string;
  project: ProjectRec;
  shortId: string;
  groupingKey: string;
  title: string;
  culprit: string;
  metadata: ApiIssue['metadata'];
  level: string;
  type: 'error' | 'default';
  platform: string;
  logger: string | null;
  status: 'unresolved' | 'resolved' | 'ignored';
  /** Set when an event reopens a resolved issue or a triage request sets it; otherwise derived (new/ongoing) when serialised. */
  substatus:
    'regressed' | 'ongoing' | 'archived_until_escalating' | 'archived_forever' | 'archived_until_condition_met' | null;
  /** Triage state (PUT requests); absent = unassigned, not bookmarked, no status details, no notes. */
  assignedTo?: ActorRec | null;
  isBookmarked?: boolean;
  isSubscribed?: boolean;
  statusDetails?: JsonObject;
  notes?: NoteRec[];
  firstSeenMs: number;
  lastSeenMs: number;
  users: Set<string>;
  /** Oldest first. */
  events: EventRec[];
  firstRelease: string | null;
  lastRelease: string | null;
  isUnhandled: boolean;
}

/** Sentry writes the number in short ids in Crockford base32: ORDERS-9, ORDERS-A, ORDERS-10 (= 32). */
function base32(n: number): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let out = '';
  do {
    out = alphabet[n % 32] + out;
    n = Math.floor(n / 32);
  } while (n > 0);
  return out;
}

/** Inserts keeping `events` sorted by time (SDK timestamps can arrive out of order). */
function insertByTime(events: EventRec[], ev: EventRec): void {
  let i = events.length;
  while (i > 0 && events[i - 1]!.tsMs > ev.tsMs) i--;
  events.splice(i, 0, ev);
}

export class ServerState {
  readonly projects: ProjectRec[] = [];
  readonly issues: IssueRec[] = [];
  private readonly issueById = new Map<string, IssueRec>();
  private readonly issueByShortId = new Map<string, IssueRec>();
  private readonly issueByKey = new Map<string, IssueRec>();
  private readonly eventById = new Map<string, EventRec>();
  private nextProjectId = 1;
  private nextIssueId = 100001;
  /** Bumped on every change, so cached query results know when they are stale. */
  version = 0;
  /** Members and teams of the organization (the token's user is member 1, user 1). */
  readonly members: MemberRec[] = [
    { id: '1', userId: '1', name: 'Test User', email: 'test@example.com', role: 'owner' },
  ];
  readonly teams: TeamRec[] = [];
  nextNoteId = 1;
  /** Commits associated with a release (what `sentry-cli releases set-commits` records), newest first. */
  readonly releaseCommits = new Map<string, { ref: string | null; commits: ReleaseCommitRec[] }>();

  constructor(readonly now: () => number) {}

  /** Records a release's commits (newest first) and optional ref, creating the release in `project` if it has no events yet. */
  setReleaseCommits(
    project: ProjectRec,
    version: string,
    commits: ReleaseCommitRec[],
    ref: string | null = null,
    createdMs = this.now(),
  ): void {
    if (!project.releases.has(version)) project.releases.set(version, createdMs);
    this.releaseCommits.set(version, { ref, commits });
    this.version++;
  }

  addProject(p: { slug: string; name?: string; platform?: string; isMember?: boolean }): ProjectRec {
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(p.slug))
      throw new Error(`invalid project slug ${JSON.stringify(p.slug)}: use lower-case letters, digits, - and _`);
    const existing = this.projectBySlug(p.slug);
    if (existing) return existing;
    const id = String(this.nextProjectId++);
    const project: ProjectRec = {
      id,
      slug: p.slug,
      name: p.name ?? p.slug.replace(/(^|-)(\w)/g, (_m, sep: string, c: string) => (sep ? ' ' : '') + c.toUpperCase()),
      platform: p.platform ?? 'node',
      publicKey: createHash('md5').update(`key:${id}:${p.slug}`).digest('hex'),
      dateCreated: new Date(this.now()).toISOString(),
      nextShortNo: 1,
      releases: new Map(),
      isMember: p.isMember ?? true,
    };
    this.projects.push(project);
    this.version++;
    return project;
  }

  projectBySlug(slug: string): ProjectRec | undefined {
    return this.projects.find((p) => p.slug === slug);
  }

  projectById(id: string): ProjectRec | undefined {
    return this.projects.find((p) => p.id === id);
  }

  /** Issue by numeric id or short id (`ORDERS-3`, case-insensitive, as Sentry accepts). */
  issue(idOrShortId: string): IssueRec | undefined {
    return this.issueById.get(idOrShortId) ?? this.issueByShortId.get(idOrShortId.toUpperCase());
  }

  /** Event ids are unique per project (Sentry dedupes SDK retries per project). */
  event(project: ProjectRec, id: string): EventRec | undefined {
    return this.eventById.get(`${project.id}:${id}`);
  }

  /**
   * Ingests one envelope body for a project (gunzipped already, or gzip bytes which are detected).
   * Non-event items (sessions, attachments, client reports…) are skipped as Relay would store them
   * elsewhere. Returns the envelope's event id (or the first event item's).
   */
  ingestEnvelope(project: ProjectRec, body: Buffer | string): string {
    let buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    if (buf.length > 2 && buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
    const env = parseEnvelope(buf);
    let id = typeof env.header.event_id === 'string' ? env.header.event_id.replace(/-/g, '') : '';
    for (const item of env.items) {
      if (item.header.type !== 'event' && item.header.type !== 'error') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(item.payload.toString('utf8'));
      } catch {
        throw new IngestError('event item payload is not valid JSON');
      }
      if (raw && typeof raw === 'object' && !('event_id' in raw) && id) (raw as Record<string, unknown>).event_id = id;
      const eid = this.ingestEvent(project, raw as Record<string, unknown>);
      id ||= eid;
    }
    return id;
  }

  /** Ingests one event payload in ingest (snake_case) format. */
  ingestEvent(project: ProjectRec, raw: Record<string, unknown>): string {
    const receivedMs = this.now();
    const n = normalizeEvent(raw, receivedMs, () => randomBytes(16).toString('hex'));
    if (this.event(project, n.eventId)) return n.eventId; // SDK retries resend the same event id
    const body = n.event;
    this.addEvent(project, n, receivedMs, () => body);
    return n.eventId;
  }

  /** Files an event under its issue (creating the issue on first sight) and updates the issue's counters. */
  addEvent(
    project: ProjectRec,
    n: Omit<NormalizedEvent, 'event'>,
    receivedMs: number,
    make: () => EventBody,
  ): EventRec {
    const key = `${project.id}|${n.groupingKey}`;
    let issue = this.issueByKey.get(key);
    if (!issue) {
      const shortNo = project.nextShortNo++;
      issue = {
        id: String(this.nextIssueId++),
        project,
        shortId: `${project.slug.toUpperCase()}-${base32(shortNo)}`,
        groupingKey: n.groupingKey,
        title: n.title,
        culprit: n.culprit,
        metadata: n.metadata,
        level: n.level,
        type: n.type,
        platform: n.platform,
        logger: n.logger,
        status: 'unresolved',
        substatus: null,
        firstSeenMs: n.timestampMs,
        lastSeenMs: n.timestampMs,
        users: new Set(),
        events: [],
        firstRelease: n.release,
        lastRelease: n.release,
        isUnhandled: false,
      };
      this.issues.push(issue);
      this.issueById.set(issue.id, issue);
      this.issueByShortId.set(issue.shortId, issue);
      this.issueByKey.set(key, issue);
    }
    const ev: EventRec = {
      id: n.eventId,
      issue,
      tsMs: n.timestampMs,
      receivedMs,
      release: n.release,
      environment: n.environment,
      userKey: n.userKey,
      make,
    };
    insertByTime(issue.events, ev);
    this.eventById.set(`${project.id}:${ev.id}`, ev);
    if (n.timestampMs >= issue.lastSeenMs) {
      // Like Sentry, the issue's title/level follow its newest event.
      issue.lastSeenMs = n.timestampMs;
      issue.title = n.title;
      issue.culprit = n.culprit;
      issue.metadata = n.metadata;
      issue.level = n.level;
      if (n.release) issue.lastRelease = n.release;
    }
    if (n.timestampMs < issue.firstSeenMs) issue.firstSeenMs = n.timestampMs;
    if (n.userKey) issue.users.add(n.userKey);
    if (n.isUnhandled) issue.isUnhandled = true;
    if (n.release && !project.releases.has(n.release)) project.releases.set(n.release, receivedMs);
    if (issue.status === 'resolved') {
      issue.status = 'unresolved';
      issue.substatus = 'regressed';
    }
    this.version++;
    return ev;
  }

  /** Adds `newEvents` events "now" to each issue (copies of its newest event with fresh ids), moving lastSeen. */
  touch(issues: IssueRec[], newEvents: number): string[] {
    // Timestamps end at "now" (not after it), so a request made on the same clock tick sees them.
    const total = issues.length * newEvents;
    const base = this.now() - total + 1;
    let k = 0;
    for (const issue of issues) {
      const template = issue.events[issue.events.length - 1];
      if (!template) continue;
      for (let i = 0; i < newEvents; i++) {
        const ts = base + k++;
        const id = createHash('md5').update(`touch:${issue.id}:${ts}:${i}`).digest('hex');
        const make = (): EventBody => {
          const b = template.make();
          return { ...b, id, eventID: id, dateCreated: new Date(ts).toISOString() };
        };
        const tb = template.make();
        this.addEvent(
          issue.project,
          {
            eventId: id,
            timestampMs: ts,
            level: issue.level,
            platform: issue.platform,
            type: issue.type,
            title: tb.title,
            culprit: issue.culprit,
            metadata: issue.metadata,
            logger: issue.logger,
            release: template.release,
            environment: template.environment,
            userKey: null,
            isUnhandled: issue.isUnhandled,
            groupingKey: issue.groupingKey,
          },
          ts,
          make,
        );
      }
    }
    return issues.map((i) => i.id);
  }

  addMember(m: { name: string; email: string; userId?: string | null; role?: string }): MemberRec {
    const id = String(this.members.length + 1);
    const rec: MemberRec = {
      id,
      userId: m.userId === undefined ? String(100 + this.members.length) : m.userId,
      name: m.name,
      email: m.email,
      role: m.role ?? 'member',
    };
    this.members.push(rec);
    return rec;
  }

  addTeam(t: { slug: string; name?: string }): TeamRec {
    const rec: TeamRec = { id: String(this.teams.length + 1), slug: t.slug, name: t.name ?? t.slug };
    this.teams.push(rec);
    return rec;
  }

  resolve(idOrShortId: string): void {
    const issue = this.issue(idOrShortId);
    if (!issue) throw new Error(`no issue ${idOrShortId}`);
    issue.status = 'resolved';
    issue.substatus = null;
    this.version++;
  }
}
