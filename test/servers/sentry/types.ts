/**
 * Shapes the test Sentry server speaks: the REST API's camelCase JSON (as in the OpenAPI examples under
 * /work/shared/sentry-fixtures/openapi-*.json) and the server's own knobs (faults, recorded requests).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ApiProjectRef {
  id: string;
  name: string;
  slug: string;
  platform: string | null;
}

/** One issue as `GET /organizations/{org}/issues/` returns it (the fields our client and tests use, plus Sentry's usual extras). */
export interface ApiIssue {
  id: string;
  shortId: string;
  title: string;
  culprit: string;
  permalink: string;
  logger: string | null;
  level: string;
  status: 'unresolved' | 'resolved' | 'ignored';
  substatus:
    | 'ongoing'
    | 'new'
    | 'regressed'
    | 'escalating'
    | 'archived_until_escalating'
    | 'archived_forever'
    | 'archived_until_condition_met'
    | null;
  statusDetails: JsonObject;
  platform: string | null;
  project: ApiProjectRef;
  type: 'error' | 'default';
  issueType: string;
  issueCategory: string;
  metadata: {
    type?: string;
    value?: string;
    filename?: string;
    function?: string;
    title?: string;
    in_app_frame_mix?: string;
  };
  /** Sentry serialises the event count as a string. */
  count: string;
  userCount: number;
  firstSeen: string;
  lastSeen: string;
  stats?: Record<string, Array<[number, number]>>;
  firstRelease: ApiRelease | null;
  isUnhandled: boolean;
  priority: 'high' | 'medium' | 'low';
  [extra: string]: unknown;
}

export interface ApiRelease {
  version: string;
  shortVersion: string;
  dateCreated: string;
  dateReleased: string | null;
  ref: string | null;
  url: string | null;
  data: JsonObject;
  commitCount: number;
  deployCount: number;
  lastDeploy: null;
  lastCommit: ApiReleaseCommit | null;
  projects?: Array<{ id: string; slug: string; name: string }>;
}

export interface ApiReleaseCommit {
  id: string;
  message: string;
  dateCreated: string;
  author: { name: string; email: string };
  repository?: { name: string } | null;
}

export interface ApiFrame {
  filename: string | null;
  absPath: string | null;
  module: string | null;
  package: string | null;
  platform: string | null;
  instructionAddr: string | null;
  symbolAddr: string | null;
  function: string | null;
  rawFunction: string | null;
  symbol: string | null;
  context: Array<[number, string]>;
  lineNo: number | null;
  colNo: number | null;
  inApp: boolean;
  trust: string | null;
  errors: null;
  lock: null;
  sourceLink: null;
  vars: JsonObject | null;
}

export interface ApiStacktrace {
  frames: ApiFrame[];
  framesOmitted: null;
  registers: JsonObject | null;
  hasSystemFrames: boolean;
}

export interface ApiExceptionValue {
  type: string | null;
  value: string | null;
  module: string | null;
  mechanism: JsonObject | null;
  threadId: number | string | null;
  stacktrace: ApiStacktrace | null;
  rawStacktrace: ApiStacktrace | null;
}

export interface ApiEntry {
  type: string;
  data: JsonObject | { values: unknown[]; [k: string]: unknown } | { [k: string]: unknown };
}

/** `EventSerializer` shape: `GET …/events/{id}/` and the events list with `full=true`. */
export interface ApiEvent {
  id: string;
  eventID: string;
  groupID: string;
  projectID: string;
  dateCreated: string;
  dateReceived: string;
  message: string;
  title: string;
  culprit: string;
  location: string | null;
  platform: string;
  type: 'error' | 'default';
  tags: Array<{ key: string; value: string }>;
  user: JsonObject | null;
  contexts: JsonObject;
  context: JsonObject;
  sdk: JsonObject | null;
  release: ApiRelease | null;
  dist: string | null;
  metadata: ApiIssue['metadata'];
  entries: ApiEntry[];
  packages: JsonObject;
  fingerprints: string[];
  errors: unknown[];
  size: number;
  crashFile: null;
  userReport: null;
  occurrence: null;
  sdkUpdates: unknown[];
  resolvedWith: unknown[];
  groupingConfig: { id: string; enhancements: string };
  _meta: JsonObject;
  nextEventID?: string | null;
  previousEventID?: string | null;
}

/** `SimpleEventSerializer` shape: the events list without `full=true` (see openapi-issue-events-list.json). */
export interface ApiEventSummary {
  id: string;
  eventID: string;
  groupID: string;
  projectID: string;
  title: string;
  message: string;
  platform: string;
  dateCreated: string;
  'event.type': string;
  tags: Array<{ key: string; value: string }>;
  user: JsonObject | null;
  location: string | null;
  culprit: string;
  crashFile: null;
  metadata: ApiIssue['metadata'];
}

export type FaultKind =
  /** 429 with `Retry-After: retryAfterSec` (default 1) and the rate-limit headers. */
  | '429-retry-after'
  /** 429 with only `X-Sentry-Rate-Limit-Reset` (now + resetInSec, default 1), as Sentry's middleware sends it. */
  | '429-reset'
  /** 429 with neither header: the client must fall back to its own backoff. */
  | '429-bare'
  | '500'
  | '502'
  /** 503; with `retryAfterSec` it also carries `Retry-After`. */
  | '503'
  /** The normal response, `delayMs` (default 2000) late. */
  | 'slow'
  /** The socket is destroyed before any byte of the response. */
  | 'reset'
  /** 200 with the first half of the normal JSON body (Content-Length matches what is sent). */
  | 'truncated-json'
  /** 200 with the normal body made syntactically invalid. */
  | 'malformed-json'
  /** The normal page, but `rel="next"` points at the same cursor again with `results="true"`. */
  | 'repeat-cursor'
  /** The normal page padded to `sizeBytes` (default 10 MiB) inside the first item's metadata.value. */
  | 'huge-page'
  /** 302 to the same path and query on another origin (`redirectTo`, default the server's decoy listener on `localhost`). */
  | 'redirect';

export interface Fault {
  /** Which request paths it applies to: a RegExp tested against the path, or a substring of it. All API paths when absent. */
  match?: RegExp | string;
  /** How many matching requests it affects; default 1; `Infinity` for ever (until clearFaults). */
  times?: number;
  kind: FaultKind;
  retryAfterSec?: number;
  resetInSec?: number;
  delayMs?: number;
  sizeBytes?: number;
  redirectTo?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-cased request headers, `authorization` included so tests can assert which origin got the token. */
  headers: Record<string, string>;
  /** The status sent; 0 while in flight or when the connection was reset. */
  status: number;
  /** Epoch ms when the request arrived. */
  at: number;
  /** Origin of the listener that received it: the server's url, or the redirect decoy's. */
  origin: string;
  /** What the server did instead of answering normally, if a fault or the rate limiter applied. */
  fault?: FaultKind | 'rate-limit' | 'concurrency-limit';
  /** The parsed JSON body of a PUT or POST (the raw text when it is not JSON). */
  body?: unknown;
}

export interface RateLimit {
  /** Requests per fixed one-second window, per token and endpoint family. */
  perSecond: number;
  /** Requests in flight at once, per token and endpoint family. */
  concurrency: number;
}

export interface SentryServerOptions {
  port?: number;
  host?: string;
  org?: string;
  token?: string;
  scopes?: string[];
  latencyMs?: number;
  rateLimit?: RateLimit | null;
  /** What `GET /organizations/{org}/` reports as `links.regionUrl`; default the server's own url. */
  regionUrl?: string;
  /** Clock for event timestamps of synthetic/touched data and the rate limiter's windows; default Date.now. */
  now?: () => number;
  /** Serve `/__control/*` (default true). The demo, which users run, has none: they are unauthenticated. */
  controlRoutes?: boolean;
  /** Keep request headers (Authorization included) in `requests` (default true). The demo keeps none. */
  recordHeaders?: boolean;
  /** Answer only requests whose Host header names this machine (127.0.0.1, localhost, [::1]), so a web
   *  page cannot reach the server through DNS rebinding (default false; the demo sets it). */
  loopbackHostOnly?: boolean;
}

export interface SyntheticOptions {
  /** Number of projects to create (`synth-1`…) or the slugs to use (created when missing). */
  projects: number | string[];
  issuesPerProject?: number;
  /** Total issues, spread round-robin over the projects (instead of issuesPerProject). */
  issues?: number;
  eventsPerIssue: number;
  /** Levels to cycle through; default error, error, warning, fatal, info. */
  levels?: string[];
  seed?: number;
  /** lastSeen of issues spreads over this many hours before now (default 72). */
  spanHours?: number;
}

export interface TouchOptions {
  /** New events per touched issue (default 1), timestamped now. */
  newEvents?: number;
}
