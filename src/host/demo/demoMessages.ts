/** What "Try the Demo" says about workspace trust (no `vscode` import: the UI test matches these texts). */

/** Said before the demo folder opens, when VS Code is about to ask whether to trust it. */
export const DEMO_TRUST_NOTICE =
  'VS Code will ask whether you trust the demo folder: it holds only the sample service.';
export const DEMO_TRUST_DETAIL =
  'Sentry RCA wrote the sample "orders" service, with its git history and settings for the local demo server, into its own storage. Trust the folder so the demo can sync and diagnose; if you do not, it opens in Restricted Mode and you can trust it later.';
export const OPEN_DEMO_ACTION = 'Open the Demo';
/** Said in the demo folder when it opened in Restricted Mode, with the ways back. */
export const DEMO_UNTRUSTED_MESSAGE =
  'Sentry RCA demo: this folder is not trusted, so the demo cannot sync or diagnose. It holds only the sample service; trust it to go on, or close the demo.';
export const CLOSE_DEMO_ACTION = 'Close the Demo';
