/** Issues and a store stand-in for the tree's unit tests (model, rows, change computation). */
import { Emitter } from '../../../src/core/common/emitter';
import type { StoredEvent, StoredIssue, StoredProject } from '../../../src/core/store/model';
import { describeEvents } from '../../../src/host/tree/eventRowFormat';
import { describeIssue, describeProject } from '../../../src/host/tree/issueTreeFormat';
import type { IssueSource, IssueTreeModel, ProjectGroup } from '../../../src/host/tree/issueTreeModel';
import {
  issueLookKey,
  LookCache,
  lookHash,
  NodeCache,
  type RowReader,
  type ShownRows,
} from '../../../src/host/tree/treeChanges';

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

/**
 * The tree as the provider builds it, without VS Code: project → issue → event rows, one object per
 * row id kept in NodeCaches (as the real nodes do), each row's look from the real row wording.
 */
export interface Row {
  id: string;
  kind: 'project' | 'issue' | 'event';
  data: ProjectGroup | StoredIssue | StoredEvent;
  rowText?: string;
  cache?: NodeCache<never, Row>;
}

export function treeOf(model: IssueTreeModel, source: IssueSource, now = NOW, cacheLooks = true): RowReader<Row> {
  const projects = new NodeCache<ProjectGroup, Row>(
    (g) => g.project.id,
    (g) => ({ id: `project:${g.project.id}`, kind: 'project', data: g }),
    (row, g) => (row.data = g),
  );
  const issueCaches = new Map<string, NodeCache<StoredIssue, Row>>();
  const eventCaches = new Map<string, NodeCache<{ event: StoredEvent; text: string }, Row>>();
  // As the provider does: an issue row is described again only when its data changed.
  const looks = new LookCache();
  const reader: RowReader<Row> = {
    id: (row) => row.id,
    look: (row) => {
      if (row.kind === 'project') {
        const g = row.data as ProjectGroup;
        return lookHash(JSON.stringify(describeProject(g.project, g.issues.length, g.total)));
      }
      if (row.kind === 'issue') {
        const issue = row.data as StoredIssue;
        const key = cacheLooks ? issueLookKey(issue, Math.floor(now / 60_000)) : undefined;
        return looks.look(row.id, key, () => lookHash(JSON.stringify(describeIssue(issue, now))));
      }
      return lookHash(row.rowText ?? '');
    },
    children: (row) => {
      if (!row) return projects.list(model.projectGroups());
      if (row.kind === 'project') {
        let cache = issueCaches.get(row.id);
        if (!cache)
          issueCaches.set(
            row.id,
            (cache = new NodeCache<StoredIssue, Row>(
              (i) => i.id,
              (i) => ({ id: `issue:${i.id}`, kind: 'issue', data: i }),
              (r, i) => (r.data = i),
            )),
          );
        return cache.list((row.data as ProjectGroup).issues);
      }
      if (row.kind === 'issue') {
        let cache = eventCaches.get(row.id);
        if (!cache)
          eventCaches.set(
            row.id,
            (cache = new NodeCache<{ event: StoredEvent; text: string }, Row>(
              ({ event }) => event.id,
              ({ event, text }) => ({ id: `event:${event.id}`, kind: 'event', data: event, rowText: text }),
              (r, { event, text }) => {
                r.data = event;
                r.rowText = text;
              },
            )),
          );
        const events = source.events((row.data as StoredIssue).id);
        return cache.list(describeEvents(events, now).map(({ event, row: d }) => ({ event, text: JSON.stringify(d) })));
      }
      return [];
    },
  };
  return reader;
}

/** What VS Code does when it shows the tree: asks for the top rows, each row's item, and the open rows' children. */
export function render(reader: RowReader<Row>, shown: ShownRows, open: Set<string>): void {
  const walk = (parent: Row | undefined) => {
    const children = reader.children(parent);
    shown.children(
      parent?.id,
      children.map((c) => c.id),
    );
    for (const c of children) {
      shown.item(c.id, reader.look(c));
      if (c.kind === 'project' || open.has(c.id)) walk(c);
    }
  };
  walk(undefined);
}
