import { RcaError } from '../common/errors';
import { parseLogSource, type LogSourceSpec } from './spec';
import { truncateForMessage, validateHostAlias } from './shellQuote';
import type { LogRequest } from './sshLogFetcher';

/**
 * Which hosts serve which Sentry project: rules in the `sentryRCA.logs.sources` setting, each
 *   `HOST=SPEC`                          for every project and environment
 *   `[PROJECT] HOST=SPEC`                for one project (`*` matches any)
 *   `[PROJECT/ENVIRONMENT] HOST=SPEC`    for one project in one environment
 * where HOST is an ssh config alias, or `{server_name}` / `{host}`: the event's tag of that name, used
 * only when the ssh config has exactly that alias (a tag is data from the monitored app, never trusted
 * as a host name otherwise).
 */

export type HostRef = { alias: string } | { tag: 'server_name' | 'host' };

export interface LogRule {
  project: string;
  environment: string;
  host: HostRef;
  source: LogSourceSpec;
}

export interface SelectionContext {
  project: string;
  environment?: string;
  /** Event tags (Sentry's `[{key, value}]` or a plain map). */
  tags?: Record<string, string> | Array<{ key: string; value: string }>;
}

export function parseLogRule(rule: string): LogRule {
  const m = /^\s*(?:\[([^\]/\s]+)(?:\/([^\]\s]+))?\]\s*)?([^=\s]+)=(.+)$/s.exec(rule);
  if (!m) {
    throw new RcaError(
      'usage',
      `Log source rule ${JSON.stringify(truncateForMessage(rule))} is not [PROJECT/ENV] HOST=SPEC.`,
      'e.g. web1=file:/var/log/app/*.log, [api/production] web1=journald:api.service or [api] {server_name}=docker:api.',
    );
  }
  const [, project = '*', environment = '*', hostText, spec] = m as unknown as [
    string,
    string | undefined,
    string | undefined,
    string,
    string,
  ];
  const tag = /^\{(server_name|host)\}$/.exec(hostText);
  const host: HostRef = tag ? { tag: tag[1] as 'server_name' | 'host' } : { alias: validateHostAlias(hostText) };
  return { project, environment, host, source: parseLogSource(spec) };
}

function tagValue(tags: SelectionContext['tags'], key: string): string | undefined {
  if (!tags) return undefined;
  if (Array.isArray(tags)) return tags.find((t) => t.key === key)?.value;
  return tags[key];
}

/** The requests that apply to an issue, plus notes on rules that were skipped and why. */
export function selectLogRequests(
  rules: string[],
  ctx: SelectionContext,
  hasAlias: (alias: string) => boolean,
): { requests: LogRequest[]; notes: string[] } {
  const requests: LogRequest[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const text of rules) {
    let rule: LogRule;
    try {
      rule = parseLogRule(text);
    } catch (e) {
      notes.push((e as RcaError).display);
      continue;
    }
    if (rule.project !== '*' && rule.project !== ctx.project) continue;
    if (rule.environment !== '*' && rule.environment !== ctx.environment) continue;
    let host: string;
    if ('alias' in rule.host) host = rule.host.alias;
    else {
      const value = tagValue(ctx.tags, rule.host.tag);
      if (!value) {
        notes.push(`The event has no ${rule.host.tag} tag, so ${text.trim()} was skipped.`);
        continue;
      }
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/.test(value) || !hasAlias(value)) {
        notes.push(
          `The event's ${rule.host.tag} "${truncateForMessage(value, 60)}" is not a Host alias in your ssh config; add one to read its logs.`,
        );
        continue;
      }
      host = value;
    }
    const key = `${host}\u0000${JSON.stringify(rule.source)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    requests.push({ host, source: rule.source });
  }
  return { requests, notes };
}
