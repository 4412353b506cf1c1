/** Small HTTP helpers for the test Sentry server's own tests. */
import { startSentryServer, type SentryServerOptions, type SentryTestServer } from '../../servers/sentry';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
}

export async function get(server: SentryTestServer, path: string, token: string | null = server.token): Promise<Reply> {
  const res = await fetch(path.startsWith('http') ? path : `${server.url}/api/0${path}`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    redirect: 'manual',
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}

/** Parses Sentry's Link header into {previous, next} with url, results and cursor. */
export function parseLink(header: string | null): Record<string, { url: string; results: boolean; cursor: string }> {
  const out: Record<string, { url: string; results: boolean; cursor: string }> = {};
  for (const m of (header ?? '').matchAll(/<([^>]*)>; rel="(\w+)"; results="(true|false)"; cursor="([^"]*)"/g)) {
    out[m[2]!] = { url: m[1]!, results: m[3] === 'true', cursor: m[4]! };
  }
  return out;
}

/** Starts a server for one test file; the caller closes it in `after`. */
export function withServer(opts: SentryServerOptions = {}): Promise<SentryTestServer> {
  return startSentryServer(opts);
}
