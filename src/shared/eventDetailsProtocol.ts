/**
 * Messages between the "Event details" webview and the host, declared once (the investigation
 * panel's are in protocol.ts; this view is a separate page with its own small bundle). Everything in
 * `EventDetailsView` is already redacted by the host; the webview still renders it only as text.
 */

export type Pairs = Array<[string, string]>;

export interface BreadcrumbView {
  timestamp: string | null;
  type: string | null;
  category: string | null;
  level: string | null;
  message: string | null;
  data: Pairs;
}

export interface TagDistributionView {
  key: string;
  name: string;
  totalValues: number;
  top: Array<{ value: string; count: number }>;
}

export interface EventDetailsView {
  issue: { id: string; shortId: string; title: string; projectSlug: string };
  event: {
    id: string;
    title: string;
    message: string;
    timestamp: string;
    level: string;
    platform: string | null;
    environment: string | null;
    release: string | null;
  };
  tags: Pairs;
  /** The issue's tag distribution (`/issues/{id}/tags/`); null when it could not be read. */
  tagDistribution: TagDistributionView[] | null;
  breadcrumbs: BreadcrumbView[];
  request: {
    method: string | null;
    url: string | null;
    query: Pairs;
    headers: Pairs;
    cookies: Pairs;
    data: string | null;
  } | null;
  user: Pairs | null;
  contexts: Array<{ name: string; fields: Pairs }>;
  sdk: { name: string; version: string | null } | null;
  /** `sentry`: the full event just fetched; `store`: the synced (trimmed) copy, with `notice` saying why. */
  source: 'sentry' | 'store';
  notice: string | null;
}

export type DetailsHostToWebview = { type: 'loading'; what: string } | { type: 'details'; view: EventDetailsView };

export type DetailsWebviewToHost = { type: 'ready' } | { type: 'refresh' };

export function isDetailsWebviewToHost(m: unknown): m is DetailsWebviewToHost {
  return (
    typeof m === 'object' &&
    m !== null &&
    ((m as { type?: unknown }).type === 'ready' || (m as { type?: unknown }).type === 'refresh')
  );
}

export function isDetailsHostToWebview(m: unknown): m is DetailsHostToWebview {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  if (t === 'loading') return typeof (m as { what?: unknown }).what === 'string';
  if (t === 'details') {
    const v = (m as { view?: unknown }).view as Partial<EventDetailsView> | undefined;
    return (
      typeof v === 'object' &&
      v !== null &&
      Array.isArray(v.tags) &&
      Array.isArray(v.breadcrumbs) &&
      Array.isArray(v.contexts) &&
      typeof v.event === 'object' &&
      v.event !== null
    );
  }
  return false;
}
