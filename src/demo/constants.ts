/** What the demo process and the extension host agree on; kept apart so the host never bundles the server. */

/** Not a secret: it opens only the loopback demo server, and the extension stores it like a real token. */
export const DEMO_TOKEN = 'sntryu_demo_0000000000000000000000000000000000000000000000000000000000000000';
export const DEMO_ORG = 'demo';

/** The state file `dist/demo.js serve` writes once its server answers. */
export interface DemoState {
  pid: number;
  url: string;
  org: string;
  token: string;
  issues: number;
  logFile: string | null;
  startedAt: string;
}
