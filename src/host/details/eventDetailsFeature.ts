/**
 * The "Show Event Details" command: from an event row of the tree, or from the diagnosis panel with
 * `{ issueId, eventId? }` (no eventId: the newest synced event). The full event is fetched on demand
 * (the store keeps a trimmed copy only, to stay small), together with the issue's tag distribution;
 * both are cached for a while. When Sentry cannot be reached (offline, Restricted Mode, no token) the
 * synced copy is shown with a notice saying what is missing and why.
 */
import { errorMessage, RcaError } from '../../core/common/errors';
import { DisposableBase, DisposableStore } from '../../core/common/lifecycle';
import type { Logger } from '../../core/common/logger';
import { detailsFromApi, detailsFromStore, toTagDistribution } from '../../core/details/eventDetails';
import type { ApiEvent } from '../../core/sentry/apiTypes';
import type { SentryClient } from '../../core/sentry/sentryClient';
import type { StoredEvent, StoredIssue, StoreMeta } from '../../core/store/model';
import type { EventDetailsView, TagDistributionView } from '../../shared/eventDetailsProtocol';
import { EventNode } from '../tree/nodes/eventNode';
import { EventDetailsPanel } from './eventDetailsPanel';
import type * as vscode from 'vscode';

/** Tag distributions change as events arrive; events never change. */
const TAGS_TTL_MS = 10 * 60_000;
const MAX_CACHED_EVENTS = 30;

export interface EventDetailsDeps {
  extensionUri: vscode.Uri;
  store: {
    findIssue(idOrShortId: string): StoredIssue | undefined;
    events(issueId: string): StoredEvent[];
    meta(): StoreMeta;
  };
  /** A client behind the sync's gates (token, org, confirmed baseUrl); throws when there is none. */
  client(): Promise<SentryClient>;
  /** Restricted Mode: nothing leaves the machine, the synced copy is shown. */
  offline(): boolean;
  logger: Logger;
  reportError(e: unknown): void;
  now?: () => number;
}

export class EventDetailsFeature extends DisposableBase {
  private readonly panels = new Map<string, EventDetailsPanel>();
  private readonly open = this.register(new DisposableStore());
  private readonly events = new Map<string, ApiEvent>();
  private readonly tags = new Map<string, { at: number; value: TagDistributionView[] }>();
  private readonly now: () => number;

  constructor(private readonly deps: EventDetailsDeps) {
    super();
    this.now = deps.now ?? Date.now;
  }

  /** The open panels by `issueId:eventId` (for tests). */
  get openPanels(): ReadonlyMap<string, EventDetailsPanel> {
    return this.panels;
  }

  /** The command: an EventNode, `{ issueId, eventId? }`, or an issue id / short id. */
  async show(arg?: unknown): Promise<void> {
    const { issue, eventId } = this.target(arg);
    const key = `${issue.id}:${eventId}`;
    const existing = this.panels.get(key);
    if (existing) return existing.reveal();
    const panel = new EventDetailsPanel(
      this.deps.extensionUri,
      `Event ${issue.shortId} · ${eventId.slice(0, 8)}`,
      (fresh) => this.details(issue, eventId, fresh),
      (e) => this.deps.reportError(e),
      () => {
        this.panels.delete(key);
        this.open.deleteAndLeak(panel);
      },
    );
    this.panels.set(key, panel);
    this.open.add(panel);
  }

  private target(arg: unknown): { issue: StoredIssue; eventId: string } {
    const { store } = this.deps;
    let issueId: string | undefined;
    let eventId: string | undefined;
    if (arg instanceof EventNode) {
      issueId = arg.event.issueId;
      eventId = arg.event.id;
    } else if (arg && typeof arg === 'object') {
      const o = arg as { issueId?: unknown; eventId?: unknown };
      if (typeof o.issueId === 'string') issueId = o.issueId;
      if (typeof o.eventId === 'string' && /^[0-9a-zA-Z_-]{1,64}$/.test(o.eventId)) eventId = o.eventId;
    } else if (typeof arg === 'string') issueId = arg;
    if (!issueId) throw new RcaError('usage', 'No event selected.', 'Run this from an event row in the Sentry view.');
    const issue = store.findIssue(issueId);
    if (!issue) throw new RcaError('usage', `No synced issue "${issueId}".`, 'Sync first, or check the id.');
    eventId ??= store.events(issue.id)[0]?.id;
    if (!eventId)
      throw new RcaError(
        'usage',
        `${issue.shortId} has no synced event yet.`,
        'Expand the issue in the tree to fetch its events.',
      );
    return { issue, eventId };
  }

  private async details(issue: StoredIssue, eventId: string, fresh: boolean): Promise<EventDetailsView> {
    const stored = this.deps.store.events(issue.id).find((e) => e.id === eventId);
    if (this.deps.offline()) {
      if (!stored) throw new RcaError('usage', 'Event details need Sentry, which is off in Restricted Mode.');
      return detailsFromStore(
        stored,
        issue,
        null,
        'Restricted Mode: showing the synced copy (the last breadcrumbs, no headers, user or SDK).',
      );
    }
    let client: SentryClient;
    let event: ApiEvent;
    try {
      client = await this.deps.client();
      const regionUrl = this.deps.store.meta().regionUrl;
      if (regionUrl) client.useRegion(regionUrl);
      event = (!fresh && this.events.get(eventId)) || (await client.getEvent(issue.id, eventId));
    } catch (e) {
      if (!stored) throw e;
      this.deps.logger.warn(`[details] ${issue.shortId} event ${eventId}: ${errorMessage(e)}; showing the synced copy`);
      return detailsFromStore(
        stored,
        issue,
        null,
        `Sentry could not be reached (${errorMessage(e)}): showing the synced copy (the last breadcrumbs, no headers, user or SDK).`,
      );
    }
    this.remember(eventId, event);
    let distribution: TagDistributionView[] | null = null;
    let notice: string | null = null;
    try {
      distribution = await this.tagDistribution(client, issue.id, fresh);
    } catch (e) {
      notice = `The issue's tag distribution could not be read: ${errorMessage(e)}`;
      this.deps.logger.warn(`[details] ${issue.shortId} tags: ${errorMessage(e)}`);
    }
    return { ...detailsFromApi(event, issue, distribution), notice };
  }

  private async tagDistribution(client: SentryClient, issueId: string, fresh: boolean): Promise<TagDistributionView[]> {
    const hit = this.tags.get(issueId);
    if (!fresh && hit && this.now() - hit.at < TAGS_TTL_MS) return hit.value;
    const value = toTagDistribution(await client.getIssueTags(issueId));
    this.tags.set(issueId, { at: this.now(), value });
    return value;
  }

  private remember(eventId: string, event: ApiEvent): void {
    this.events.delete(eventId);
    this.events.set(eventId, event);
    while (this.events.size > MAX_CACHED_EVENTS) this.events.delete(this.events.keys().next().value!);
  }
}
