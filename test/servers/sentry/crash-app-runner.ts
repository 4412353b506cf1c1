/**
 * Runs the crashing "payments" service (test/fixtures/crash-app) once against a DSN: the real @sentry/node
 * SDK sends one fatal event with breadcrumbs, a user, contexts and a request carrying credentials.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { sampleAppDir } from './sample-app-runner';

export interface CrashAppOptions {
  dsn: string;
  /** Each kind (default `declined`) crashes in a different place: one issue each. */
  kind?: 'declined' | 'timeout' | 'refund';
  release?: string;
  environment?: string;
}

export function runCrashApp(o: CrashAppOptions): Promise<{ eventId: string }> {
  const dir = join(sampleAppDir(), '..', 'crash-app');
  const args = [join(dir, 'main.mjs'), '--dsn', o.dsn, '--kind', o.kind ?? 'declined'];
  if (o.release) args.push('--release', o.release);
  if (o.environment) args.push('--environment', o.environment);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: dir, timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`crash app failed (${err.message.split('\n')[0]}): ${stderr.slice(-2000)}`));
      try {
        const out = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { eventId: string; flushed: boolean };
        if (!out.flushed) return reject(new Error('crash app: the SDK did not flush its event'));
        resolve({ eventId: out.eventId });
      } catch {
        reject(new Error(`crash app printed no result line: ${stdout.slice(-500)} ${stderr.slice(-500)}`));
      }
    });
  });
}
