/** The multi-root suite's title: run.ts skips that run when SENTRY_RCA_TEST_GREP does not match it. */
export const MULTI_ROOT_TITLE = 'settings renamed from sentryRca.* in a multi-root workspace';
