/**
 * Runs the sample "orders" service (test/fixtures/sample-app) once against a DSN: the real
 * @sentry/node SDK sends its failures to the test server, and the service writes its own log file.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface SampleAppOptions {
  dsn: string;
  logFile: string;
  release?: string;
  environment?: string;
  serverName?: string;
  /** Where the sample app lives; found by walking up from this file (or the cwd) when absent. */
  dir?: string;
  timeoutMs?: number;
}

export interface SampleAppResult {
  /** HTTP statuses the replayed traffic got, e.g. {"201": 10, "422": 10, "500": 9}. */
  statuses: Record<string, number>;
  logFile: string;
  dir: string;
  release: string;
}

/** Finds test/fixtures/sample-app from wherever this code was bundled to (out/test/**, dist/). */
export function sampleAppDir(): string {
  for (const start of [__dirname, process.cwd()]) {
    let d = resolve(start);
    for (;;) {
      const candidate = join(d, 'test', 'fixtures', 'sample-app');
      if (existsSync(join(candidate, 'main.mjs'))) return candidate;
      const up = dirname(d);
      if (up === d) break;
      d = up;
    }
  }
  throw new Error('test/fixtures/sample-app not found above ' + __dirname + ' or ' + process.cwd());
}

export function runSampleApp(o: SampleAppOptions): Promise<SampleAppResult> {
  const dir = o.dir ?? sampleAppDir();
  const release = o.release ?? 'orders@2.4.0';
  const args = [join(dir, 'main.mjs'), '--dsn', o.dsn, '--log', o.logFile, '--release', release];
  if (o.environment) args.push('--environment', o.environment);
  if (o.serverName) args.push('--server-name', o.serverName);
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: dir, timeout: o.timeoutMs ?? 30_000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err)
          return reject(new Error(`sample app failed (${err.message.split('\n')[0]}): ${stderr.trim().slice(-2000)}`));
        const last = stdout.trim().split('\n').pop() ?? '';
        try {
          const out = JSON.parse(last) as { statuses: Record<string, number>; flushed: boolean };
          resolvePromise({ statuses: out.statuses, logFile: o.logFile, dir, release });
        } catch {
          reject(new Error(`sample app printed no result line: ${stdout.slice(-500)} ${stderr.slice(-500)}`));
        }
      },
    );
  });
}
