/**
 * The words of the token-check and sync failure messages, without the VS Code API. The Sentry client's
 * messages are complete sentences that already say what Sentry did ("Sentry rejected the auth token
 * (401) for GET …") and, for network failures, which host; the caller adds only what they do not say.
 * Wrapping them again produced "Sentry rejected the token: Sentry rejected the auth token (401)…".
 */
import { errorMessage, RcaError } from '../core/common/errors';

/** `sentry.example.com` (with its port when it has one) of the configured Sentry URL. */
export function sentryHost(baseUrl: string): string {
  try {
    return new URL(baseUrl).host || baseUrl;
  } catch {
    return baseUrl;
  }
}

function mentions(message: string, host: string): boolean {
  return message.toLowerCase().includes(host.toLowerCase());
}

/** Why a token could not be stored: rejected by Sentry (the client's message says so), or not checked. */
export function tokenCheckFailure(e: unknown, baseUrl: string): { rejected: boolean; message: string } {
  const detail = errorMessage(e);
  if (e instanceof RcaError && e.kind === 'auth') return { rejected: true, message: detail };
  const host = sentryHost(baseUrl);
  return {
    rejected: false,
    message: mentions(detail, host)
      ? `Could not check the token: ${detail}`
      : `Could not check the token with ${host}: ${detail}`,
  };
}

/**
 * `Sync failed talking to sentry.example.com: …`. A cause that names the host already (network
 * failures: "Cannot connect to Sentry at sentry.example.com…") is not prefixed with it again.
 */
export function syncFailure(e: unknown, baseUrl: string): string {
  const detail = errorMessage(e);
  const host = sentryHost(baseUrl);
  return mentions(detail, host) ? `Sync failed: ${detail}` : `Sync failed talking to ${host}: ${detail}`;
}
