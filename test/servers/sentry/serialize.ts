/**
 * Server records → the JSON Sentry's serializers produce: GroupSerializer (issue list/detail),
 * EventSerializer (full event) and SimpleEventSerializer (event list without `full`).
 */
import type { EventRec, IssueRec, ProjectRec, ReleaseCommitRec } from './server-state';
import type { ApiEvent, ApiEventSummary, ApiIssue, ApiProjectRef, ApiRelease } from './types';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export function projectRef(p: ProjectRec): ApiProjectRef {
  return { id: p.id, name: p.name, slug: p.slug, platform: p.platform };
}

const PROJECT_FLAGS = [
  'hasFeedbacks',
  'hasFlags',
  'hasInsightsAgentMonitoring',
  'hasInsightsAppStart',
  'hasInsightsAssets',
  'hasInsightsCaches',
  'hasInsightsDb',
  'hasInsightsHttp',
  'hasInsightsMCP',
  'hasInsightsQueues',
  'hasInsightsScreenLoad',
  'hasInsightsVitals',
  'hasLogs',
  'hasMonitors',
  'hasNewFeedbacks',
  'hasProfiles',
  'hasReplays',
  'hasTraceMetrics',
  'hasUserReports',
];

export function projectToApi(p: ProjectRec): Record<string, unknown> {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    platform: p.platform,
    dateCreated: p.dateCreated,
    isBookmarked: false,
    isMember: p.isMember,
    hasAccess: true,
    features: ['releases'],
    firstEvent: null,
    firstTransactionEvent: false,
    access: [],
    hasMinifiedStackTrace: false,
    hasSessions: false,
    // Product feature flags Sentry lists on every project; none of them matter to an error client.
    ...Object.fromEntries(PROJECT_FLAGS.map((f) => [f, false])),
    platforms: [p.platform],
    environments: ['production'],
    team: { id: '1', name: 'Backend', slug: 'backend' },
    teams: [{ id: '1', name: 'Backend', slug: 'backend' }],
    latestRelease: null,
  };
}

export function releaseToApi(
  project: ProjectRec,
  version: string | null,
  commits?: { ref: string | null; commits: ReleaseCommitRec[] },
): ApiRelease | null {
  if (!version) return null;
  const created = project.releases.get(version);
  return {
    version,
    shortVersion: version,
    dateCreated: new Date(created ?? 0).toISOString(),
    dateReleased: null,
    ref: commits?.ref ?? null,
    url: null,
    data: {},
    commitCount: commits?.commits.length ?? 0,
    deployCount: 0,
    lastDeploy: null,
    lastCommit: commits?.commits[0] ? { ...commits.commits[0], repository: { name: 'acme/shop' } } : null,
    projects: [{ id: project.id, slug: project.slug, name: project.name }],
  };
}

/** `[[bucketStartEpochSec, n], …]` for `buckets` buckets of `size` ms ending with the current one. */
function timeSeries(events: EventRec[], now: number, size: number, buckets: number): Array<[number, number]> {
  const lastStart = Math.floor(now / size) * size;
  const firstStart = lastStart - (buckets - 1) * size;
  const out: Array<[number, number]> = [];
  for (let i = 0; i < buckets; i++) out.push([(firstStart + i * size) / 1000, 0]);
  for (let i = events.length - 1; i >= 0; i--) {
    const t = events[i]!.tsMs;
    if (t < firstStart) break; // events are sorted oldest first
    const b = Math.floor((t - firstStart) / size);
    if (b < buckets) out[b]![1]++;
  }
  return out;
}

export function issueStats(
  issue: IssueRec,
  now: number,
  period: string,
): Record<string, Array<[number, number]>> | undefined {
  if (period === '24h') return { '24h': timeSeries(issue.events, now, HOUR, 24) };
  if (period === '14d') return { '14d': timeSeries(issue.events, now, DAY, 14) };
  return undefined;
}

/**
 * Seen-stats of the events in [start, end] (events are sorted oldest first), as Sentry's
 * StreamGroupSerializerSnuba computes them for the list's date window.
 */
function seenStats(
  issue: IssueRec,
  win: { start: number; end: number } | undefined,
): { count: number; userCount: number; firstSeen: number; lastSeen: number } {
  if (!win)
    return {
      count: issue.events.length,
      userCount: issue.users.size,
      firstSeen: issue.firstSeenMs,
      lastSeen: issue.lastSeenMs,
    };
  let count = 0;
  const users = new Set<string>();
  let first = Infinity;
  let last = -Infinity;
  for (let i = issue.events.length - 1; i >= 0; i--) {
    const ev = issue.events[i]!;
    if (ev.tsMs > win.end) continue;
    if (ev.tsMs < win.start) break;
    count++;
    if (ev.userKey) users.add(ev.userKey);
    first = Math.min(first, ev.tsMs);
    last = Math.max(last, ev.tsMs);
  }
  // An issue listed in the window has events in it; a stray one reads as its lifetime edges.
  return {
    count,
    userCount: users.size,
    firstSeen: count ? first : issue.firstSeenMs,
    lastSeen: count ? last : issue.lastSeenMs,
  };
}

/**
 * `window`: the list's date window (statsPeriod/start/end, default 90 days). Top-level `count`,
 * `userCount`, `firstSeen` and `lastSeen` are scoped to it; `lifetime` holds the all-time values
 * (src/sentry/api/serializers/models/group_stream.py, `__seen_stats_impl`). The detail endpoint has
 * no window: all-time values.
 */
export function issueToApi(
  issue: IssueRec,
  o: {
    baseUrl: string;
    org: string;
    now: number;
    groupStatsPeriod: string;
    detail?: boolean;
    window?: { start: number; end: number };
  },
): ApiIssue {
  const seen = seenStats(issue, o.window);
  const status = issue.status;
  const substatus =
    status === 'resolved' ? null : (issue.substatus ?? (o.now - issue.firstSeenMs < 7 * DAY ? 'new' : 'ongoing'));
  const priority =
    issue.level === 'fatal' || issue.level === 'error' ? 'high' : issue.level === 'warning' ? 'medium' : 'low';
  const api: ApiIssue = {
    id: issue.id,
    shareId: null,
    shortId: issue.shortId,
    title: issue.title,
    culprit: issue.culprit,
    permalink: `${o.baseUrl}/organizations/${o.org}/issues/${issue.id}/`,
    logger: issue.logger,
    level: issue.level,
    status,
    statusDetails: { ...(issue.statusDetails ?? {}) },
    substatus,
    isPublic: false,
    platform: issue.platform,
    project: projectRef(issue.project),
    type: issue.type,
    metadata: issue.metadata,
    numComments: issue.notes?.length ?? 0,
    assignedTo: issue.assignedTo ? { ...issue.assignedTo } : null,
    isBookmarked: issue.isBookmarked ?? false,
    isSubscribed: issue.isSubscribed ?? false,
    subscriptionDetails: null,
    hasSeen: false,
    annotations: [],
    issueType: 'error',
    issueCategory: 'error',
    priority,
    priorityLockedAt: null,
    isUnhandled: issue.isUnhandled,
    count: String(seen.count),
    userCount: seen.userCount,
    firstSeen: new Date(seen.firstSeen).toISOString(),
    lastSeen: new Date(seen.lastSeen).toISOString(),
    firstRelease: releaseToApi(issue.project, issue.firstRelease),
    filtered: null,
    inbox: null,
    owners: null,
    integrationIssues: [],
    sentryAppIssues: [],
    sessionCount: 0,
    latestEventHasAttachments: false,
    matchingEventId: null,
    matchingEventEnvironment: null,
    seerFixabilityScore: null,
    seerAutofixLastTriggered: null,
    seerExplorerAutofixLastTriggered: null,
    lifetime: {
      count: String(issue.events.length),
      userCount: issue.users.size,
      firstSeen: new Date(issue.firstSeenMs).toISOString(),
      lastSeen: new Date(issue.lastSeenMs).toISOString(),
      stats: null,
    },
  };
  const stats = o.detail
    ? { '24h': timeSeries(issue.events, o.now, HOUR, 24), '30d': timeSeries(issue.events, o.now, DAY, 30) }
    : issueStats(issue, o.now, o.groupStatsPeriod);
  if (stats) api.stats = stats;
  if (o.detail) {
    Object.assign(api, {
      lastRelease: releaseToApi(issue.project, issue.lastRelease),
      activity: [],
      seenBy: [],
      participants: [],
      pluginActions: [],
      pluginIssues: [],
      pluginContexts: [],
      userReportCount: 0,
      tags: [],
    });
  }
  return api;
}

export function eventToApi(ev: EventRec, neighbours?: { prev: string | null; next: string | null }): ApiEvent {
  const body = ev.make();
  const api: ApiEvent = {
    ...body,
    groupID: ev.issue.id,
    projectID: ev.issue.project.id,
    dateReceived: new Date(ev.receivedMs).toISOString(),
    release: releaseToApi(ev.issue.project, ev.release),
  };
  if (neighbours) {
    api.previousEventID = neighbours.prev;
    api.nextEventID = neighbours.next;
  }
  return api;
}

export function eventToSummary(ev: EventRec): ApiEventSummary {
  const b = ev.make();
  return {
    id: b.id,
    eventID: b.eventID,
    groupID: ev.issue.id,
    projectID: ev.issue.project.id,
    title: b.title,
    message: b.message,
    platform: b.platform,
    dateCreated: b.dateCreated,
    'event.type': b.type,
    tags: b.tags,
    user: b.user,
    location: b.location,
    culprit: b.culprit,
    crashFile: null,
    metadata: b.metadata,
  };
}
