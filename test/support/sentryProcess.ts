import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

export interface SentryProcess {
  url: string;
  token: string;
  org: string;
  projects: Array<{ id: string; slug: string; dsn: string }>;
  /** POST /__control/<op> with a JSON body. */
  control(op: string, body?: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Starts the test Sentry server (out/test/servers/sentry/main.js) as its own process, so that a
 * benchmark or a VS Code test measures the client, not a server sharing its event loop.
 */
export async function startSentryProcess(args: string[]): Promise<SentryProcess> {
  const main = join(repoRoot(), 'out', 'test', 'servers', 'sentry', 'main.js');
  const child: ChildProcess = spawn(process.execPath, [main, '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const info = await new Promise<{ url: string; token: string; org: string; projects: SentryProcess['projects'] }>(
    (resolve, reject) => {
      let buf = '';
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (d: string) => {
        buf += d;
        const nl = buf.indexOf('\n');
        if (nl >= 0) {
          try {
            resolve(JSON.parse(buf.slice(0, nl)));
          } catch (e) {
            reject(e as Error);
          }
        }
      });
      child.on('exit', (code) => reject(new Error(`test Sentry server exited with ${code}`)));
    },
  );
  return {
    ...info,
    async control(op, body = {}) {
      const res = await fetch(`${info.url}/__control/${op}`, { method: 'POST', body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`control ${op}: ${res.status} ${await res.text()}`);
      return res.json();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
