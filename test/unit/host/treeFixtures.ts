/** Issues and a store stand-in for the tree's unit tests (model, rows, change computation). */
import { Emitter } from '../../../src/core/common/emitter';
import type { StoredEvent, StoredIssue, StoredProject } from '../../../src/core/store/model';
import type { IssueSource } from '../../../src/host/tree/issueTreeModel';

export const NOW = Date.parse('2026-11-25T12:00:00Z');

export function issue(n: number, p: Partial<StoredIssue> = {}): StoredIssue {
  return {
    id: String(1000 + n),
    shortId: `SHOP-${n}`,
    title: `Error ${n}`,
    culprit: `handler${n}`,
    permalink: `https://sentry.example/issues/${1000 + n}/`,
    level: 'error',
    status: 'unresolved',
    substatus: null,
    platform: 'node',
    projectId: '1',
    projectSlug: 'shop',
    count: n,
    userCount: 1,
    firstSeen: '2026-11-20T00:00:00Z',
    lastSeen: new Date(NOW - n * 60_000).toISOString(),
    metadata: {},
    isUnhandled: false,
    stats24h: [],
    firstRelease: null,
    syncedAt: new Date(NOW).toISOString(),
    ...p,
  };
}

export class FakeSource implements IssueSource {
  private readonly e = new Emitter<void>();
  readonly onDidChange = this.e.event;
  constructor(
    public list: StoredIssue[],
    public projectList: StoredProject[] = [
      { id: '1', slug: 'shop', name: 'Shop', platform: 'node' },
      { id: '2', slug: 'api', name: 'API', platform: 'python' },
    ],
  ) {}
  projects() {
    return this.projectList;
  }
  issues() {
    return this.list;
  }
  /** Events by issue id (none unless a test stores some). */
  eventsById = new Map<string, StoredEvent[]>();
  events(issueId: string): StoredEvent[] {
    return this.eventsById.get(issueId) ?? [];
  }
  change(list: StoredIssue[]) {
    this.list = list;
    this.e.fire();
  }
}
