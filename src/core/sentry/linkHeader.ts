/** One entry of Sentry's Link header: `<url>; rel="next"; results="true"; cursor="0:100:0"`. */
export interface CursorLink {
  url: string;
  rel: string;
  results: boolean;
  cursor: string | null;
}

/** Parses a Link header into its entries; tolerant of spacing, order and unknown attributes. */
export function parseLinkHeader(header: string | null | undefined): CursorLink[] {
  if (!header) return [];
  const links: CursorLink[] = [];
  // Entries are `<...>; k="v"; k="v"` separated by commas; URLs are inside <>, so split on `,` before `<`.
  for (const part of header.split(/,\s*(?=<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/s.exec(part);
    if (!m) continue;
    const attrs: Record<string, string> = {};
    for (const a of m[2]!.matchAll(/;\s*([a-zA-Z_-]+)\s*=\s*"?([^";]*)"?/g)) attrs[a[1]!.toLowerCase()] = a[2]!;
    let cursor = attrs.cursor ?? null;
    if (cursor === null) {
      try {
        cursor = new URL(m[1]!, 'http://x').searchParams.get('cursor');
      } catch {
        cursor = null;
      }
    }
    links.push({ url: m[1]!, rel: attrs.rel ?? '', results: attrs.results === 'true', cursor });
  }
  return links;
}

export function nextLink(header: string | null | undefined): CursorLink | undefined {
  return parseLinkHeader(header).find((l) => l.rel === 'next');
}
