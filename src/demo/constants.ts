/** What the demo process and the extension host agree on; kept apart so the host never bundles the server. */

/** Not a secret: it opens only the loopback demo server, and the extension stores it like a real token. */
export const DEMO_TOKEN = 'sntryu_demo_0000000000000000000000000000000000000000000000000000000000000000';
export const DEMO_ORG = 'demo';

/** The demo server runs on users' machines: no unauthenticated control routes, no recorded headers
 *  (Authorization included), and only Host values of this machine (no DNS rebinding from a web page). */
export const DEMO_SERVER_HARDENING = { controlRoutes: false, recordHeaders: false, loopbackHostOnly: true } as const;

/** The state file `dist/demo.js serve` writes once its server answers. */
export interface DemoState {
  pid: number;
  url: string;
  org: string;
  token: string;
  issues: number;
  logFile: string | null;
  /** The local sshd standing in for the production host: settings for Diagnose to read the log over SSH. */
  ssh: { configFile: string; logSources: string[] } | null;
  /** Why the diagnosis runs without server logs (no sshd, or it failed to start); null when ssh is set. */
  sshNote: string | null;
  startedAt: string;
}
