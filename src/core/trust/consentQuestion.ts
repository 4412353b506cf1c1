/**
 * The words of the consent modal for a workspace value of a dangerous setting: exactly what would
 * happen if the user allows it (the server that gets a secret, the hosts and the commands that run).
 * Loaded only when a question is asked: it parses log sources, which pulls in the SSH module.
 */
import { parseLogSources } from '../investigate/adapters';
import { truncateForMessage } from '../logs/shellQuote';
import type { ConsentSetting } from './workspaceValues';

export interface ConsentQuestion {
  /** The modal's first line: what will happen, naming the destination or the hosts and commands. */
  message: string;
  detail: string;
  /** The button that allows it. */
  allow: string;
}

/** Words the consent modal for a workspace value: exactly what would happen if the user allows it. */
export function consentQuestion(setting: ConsentSetting, value: unknown, current: unknown): ConsentQuestion {
  const origin = (u: unknown) => {
    if (typeof u !== 'string' || !u) return '';
    try {
      return new URL(u).origin;
    } catch {
      return truncateForMessage(String(u));
    }
  };
  const from = "This folder's workspace settings (.vscode/settings.json, which comes with the repository)";
  const only =
    'Allow only if you trust this repository and that destination. Your answer is remembered for this workspace and this exact value; a changed value asks again.';
  switch (setting) {
    case 'baseUrl':
      return {
        message: `Send your Sentry auth token to ${origin(value)}?`,
        detail: `${from} set sentryRCA.baseUrl to ${String(value)}. Syncing would send the Sentry auth token you stored to that server. Until you allow it, your own setting (${String(current)}) is used. ${only}`,
        allow: `Send Token to ${origin(value)}`,
      };
    case 'aiBaseUrl':
      return {
        message: `Send your AI API key and the diagnosis evidence to ${origin(value)}?`,
        detail: `${from} set sentryRCA.ai.baseUrl to ${String(value)}. A diagnosis would send your OpenAI API key and the evidence (code excerpts, Sentry events, server log lines) to that server. Until you allow it, ${current ? `your own setting (${String(current)})` : "OpenAI's API (or OPENAI_BASE_URL)"} is used. ${only}`,
        allow: `Use ${origin(value)}`,
      };
    case 'sshConfigFile':
      return {
        message: `Use the SSH config file ${String(value)} for server logs?`,
        detail: `${from} set sentryRCA.ssh.configFile to ${String(value)}. That file decides which hosts, user names, keys, jump hosts and known_hosts file your SSH connections use when a diagnosis reads logs. Until you allow it, ${current ? `your own setting (${String(current)})` : '~/.ssh/config'} is used. ${only}`,
        allow: 'Use This SSH Config',
      };
    case 'logSources': {
      const lines = describeLogSources(
        Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [],
      );
      const hosts = [...new Set(lines.map((l) => l.host))];
      return {
        message: `Run log commands on ${hosts.length === 1 ? 'host' : 'hosts'} ${hosts.join(', ')} over SSH?`,
        detail: `${from} set sentryRCA.logs.sources. A diagnosis would connect with your SSH keys and run:\n${lines.map((l) => `• ${l.host}: ${l.action}`).join('\n')}\nUntil you allow it, your own log sources are used (${Array.isArray(current) && current.length ? current.length : 'none'}). ${only}`,
        allow: 'Run These on My Hosts',
      };
    }
  }
}

/** One line per log source: the host and what runs there (commands quoted as the template says). */
export function describeLogSources(sources: readonly string[]): Array<{ host: string; action: string }> {
  return sources.map((raw) => {
    try {
      const [r] = parseLogSources([raw], 'sentryRCA.logs.sources');
      const s = r!.source;
      const action =
        s.kind === 'file'
          ? `read the files ${s.path} (with sh, awk, tail)`
          : s.kind === 'journald'
            ? `\`journalctl -u ${s.unit} …\``
            : s.kind === 'docker'
              ? `\`docker logs ${s.container} …\``
              : `\`${truncateForMessage(s.template, 300)}\``;
      return { host: r!.host, action };
    } catch {
      return {
        host: '?',
        action: `${JSON.stringify(truncateForMessage(raw, 120))} (not a valid log source; it would be refused)`,
      };
    }
  });
}
