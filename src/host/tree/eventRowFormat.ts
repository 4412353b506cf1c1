/**
 * Event rows that tell an issue's events apart. Five rows reading `2026-12-03 07:59:12 production…`
 * say nothing; each row's label is its relative time plus what differs from the issue's other stored
 * events (environment, release, then the first of message, culprit, user, transaction, URL that
 * varies), short enough for a 300 px side bar. The rest goes into the description and the tooltip,
 * whose time is the absolute local time with its zone. Plain data, no VS Code API.
 */
import { crashFrame } from '../../core/frames/crashSites';
import type { StoredEvent, StoredIssue } from '../../core/store/model';
import { localDateTime, localDay, relativeTime } from '../../shared/timeFormat';
import { escapeMarkdown, shortPath, type RowDescriptor } from './issueTreeFormat';

/** What an event row may name, in the order a difference is looked for. */
const FACETS = ['environment', 'release', 'message', 'culprit', 'user', 'transaction', 'url'] as const;
type Facet = (typeof FACETS)[number];

/** Facets that are named in the label only when they vary; the first varying one of these is enough. */
const DETAIL_FACETS: readonly Facet[] = ['message', 'culprit', 'user', 'transaction', 'url'];

/** Longest facet value in a label (the side bar is 300 px; the description and tooltip have the rest). */
const LABEL_VALUE_CHARS = 32;

function facetValue(event: StoredEvent, facet: Facet): string {
  switch (facet) {
    case 'environment':
      return event.environment ?? '';
    case 'release':
      return event.release ?? '';
    case 'message': {
      const last = event.exceptions[event.exceptions.length - 1];
      return (last?.value || event.message || '').replace(/\s+/g, ' ').trim();
    }
    case 'culprit': {
      const f = crashFrame(event);
      if (!f) return '';
      const file = shortPath(f.filename ?? f.absPath ?? f.module ?? '');
      const fn = f.function && f.function !== '?' ? `${f.function} ` : '';
      return `${fn}${file}${f.lineNo !== null ? `:${f.lineNo}` : ''}`.trim();
    }
    case 'user':
      // Sentry's derived tag is `id:cus_17` (or email:/username:/ip:); the value alone reads better.
      return (event.tags.user ?? '').replace(/^(id|email|username|ip):/, '');
    case 'transaction':
      return event.tags.transaction ?? '';
    case 'url': {
      const url = event.request?.url ?? event.tags.url ?? '';
      return url.replace(/^https?:\/\/[^/]+/, '');
    }
  }
}

const FACET_NAMES: Record<Facet, string> = {
  environment: 'Environment',
  release: 'Release',
  message: 'Message',
  culprit: 'Crashed in',
  user: 'User',
  transaction: 'Transaction',
  url: 'URL',
};

/** `user cus_17`, `…(reading 'zip')`: how a varying facet reads in a label. */
function labelPart(facet: Facet, value: string, commonPrefix: number): string {
  if (!value) return `no ${FACET_NAMES[facet].toLowerCase()}`;
  let text = value;
  if (facet === 'message' && commonPrefix > 12) {
    // Messages that share a long start differ later: show them from the word before the one where they part.
    const parting = value.lastIndexOf(' ', commonPrefix - 1);
    const start = parting > 0 ? value.lastIndexOf(' ', parting - 1) + 1 : 0;
    text = start > 0 ? `…${value.slice(start)}` : value;
  }
  if (text.length > LABEL_VALUE_CHARS) text = `${text.slice(0, LABEL_VALUE_CHARS - 1)}…`;
  return facet === 'user' ? `user ${text}` : text;
}

function sharedPrefixLength(values: readonly string[]): number {
  if (values.length === 0) return 0;
  let n = 0;
  const first = values[0]!;
  while (n < first.length && values.every((v) => v[n] === first[n])) n++;
  return n;
}

/**
 * Rows for an issue's stored events, latest first: labels say when and what differs, and no two
 * labels are the same (in a burst, every row gets its time of day instead; equal events their id).
 */
export function describeEvents(
  events: readonly StoredEvent[],
  now: number,
): Array<{ event: StoredEvent; row: RowDescriptor }> {
  const sorted = [...events].sort((a, b) => Date.parse(b.timestamp) - Date.parse(a.timestamp));
  const values = new Map<Facet, string[]>(FACETS.map((f) => [f, sorted.map((e) => facetValue(e, f))]));
  const varies = (f: Facet) => new Set(values.get(f)).size > 1;
  const varying = FACETS.filter(varies);
  const detail = DETAIL_FACETS.find(varies);
  const inLabel: Facet[] = [
    ...(['environment', 'release'] as const).filter((f) => varying.includes(f)),
    ...(detail ? [detail] : []),
  ];
  const prefix = new Map<Facet, number>(FACETS.map((f) => [f, sharedPrefixLength(values.get(f)!)]));

  const facetParts = sorted.map((_, i) => inLabel.map((f) => labelPart(f, values.get(f)![i]!, prefix.get(f)!)));
  // The time that tells the rows apart: relative ("2 h ago") when that and the facets suffice; in a
  // burst of events, the local time of day for every row (seconds, then milliseconds); then the event id.
  const days = new Set(sorted.map((e) => localDay(e.timestamp))).size;
  const timeOfDay = (e: StoredEvent, millis: boolean) => {
    const t = localDateTime(e.timestamp, { zone: false, timeOnly: days === 1, millis });
    return days === 1 ? t : t.slice(5); // `12-03 08:59:12` when the events span days
  };
  const clocks: Array<(e: StoredEvent) => string> = [
    (e) => relativeTime(e.timestamp, now),
    (e) => timeOfDay(e, false),
    (e) => timeOfDay(e, true),
  ];
  let labels: string[] = [];
  let clock = 0;
  for (; clock < clocks.length; clock++) {
    labels = sorted.map((e, i) => [clocks[clock]!(e), ...facetParts[i]!].join(' · '));
    if (new Set(labels).size === labels.length) break;
  }
  const absoluteClock = clock > 0;
  const seen = labels.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  labels = labels.map((l, i) => (seen.get(l)! > 1 ? `${l} · ${sorted[i]!.id.slice(0, 8)}` : l));

  return sorted.map((event, i) => {
    // The description: what is not already in the label, varying facets first, then the absolute time.
    const tx = values.get('transaction')![i]!;
    const rest = [...varying.filter((f) => !inLabel.includes(f)), 'environment' as const, 'release' as const]
      .filter((f, k, all) => !inLabel.includes(f) && all.indexOf(f) === k)
      // A URL the transaction already says (`POST /checkout` and `/checkout`) is said once.
      .filter((f) => !(f === 'url' && tx.endsWith(values.get('url')![i]!)))
      .map((f) => values.get(f)![i]!)
      .filter((v) => v !== '');
    return {
      event,
      row: {
        label: labels[i]!,
        // The time the label does not show: the absolute one, or the relative one when the label has the clock.
        description: [
          ...rest,
          absoluteClock ? relativeTime(event.timestamp, now) : localDateTime(event.timestamp),
        ].join(' · '),
        tooltip: eventTooltip(event, now, varying),
        icon: { id: 'pulse' },
      },
    };
  });
}

function eventTooltip(event: StoredEvent, now: number, varying: readonly Facet[]): string {
  const tags = Object.entries(event.tags)
    .slice(0, 12)
    .map(([k, v]) => `\`${k.replace(/`/g, "'")}\`: ${escapeMarkdown(v)}`);
  const facetLines = FACETS.filter((f) => f !== 'message')
    .map((f) => [f, facetValue(event, f)] as const)
    .filter(([, v]) => v !== '')
    .map(([f, v]) => `${FACET_NAMES[f]}: ${escapeMarkdown(v)}${varying.includes(f) ? ' *(differs)*' : ''}`);
  const message = facetValue(event, 'message');
  const lines = [
    `**${escapeMarkdown(event.title)}**`,
    message && message !== event.title ? escapeMarkdown(message.slice(0, 500)) : '',
    `${localDateTime(event.timestamp)} (${relativeTime(event.timestamp, now)})`,
    `Event ${escapeMarkdown(event.id)}`,
    ...facetLines,
    tags.length ? `\nTags: ${tags.join(', ')}` : '',
  ].filter((l) => l !== '');
  return lines.join('  \n');
}

/** Events Sentry counted that are not stored: the sync keeps only the newest few of each issue. */
export function missingEventCount(issue: StoredIssue, stored: number): number {
  return Math.max(0, issue.count - stored);
}

/** `1 more event in Sentry…`: opens the issue's event list in Sentry. */
export function describeMoreEvents(issue: StoredIssue, stored: number): RowDescriptor {
  const more = missingEventCount(issue, stored);
  return {
    label: `${more.toLocaleString('en-US')} more event${more === 1 ? '' : 's'} in Sentry…`,
    tooltip: [
      `${stored.toLocaleString('en-US')} of ${issue.count.toLocaleString('en-US')} events are synced: the sync keeps the newest events of each issue (setting \`sentryRCA.eventsPerIssue\`, up to 100).`,
      '',
      'Click to open all of them in Sentry.',
    ].join('  \n'),
    icon: { id: 'link-external' },
  };
}

/** The issue's event list in Sentry's web UI (`…/issues/123/events/`), or undefined without a web link. */
export function eventsLink(issue: StoredIssue): string | undefined {
  if (!/^https?:\/\//.test(issue.permalink)) return undefined;
  const u = new URL(issue.permalink);
  u.pathname = `${u.pathname.replace(/\/?$/, '/')}events/`;
  return u.toString();
}
