/**
 * A real incident, built from real parts: the sample "orders" service sends its failures with the real
 * @sentry/node SDK to the test Sentry server, the real SyncEngine stores them, the service's own log file
 * is served by real OpenSSH sshd processes (one per host alias), and the workspace is a git repository
 * whose history replays the service's releases (2.3 long ago, the 2.4.0 promo-code change an hour
 * before the errors). Used by the evidence test and the investigation benchmark.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { SentryClient } from '../../../src/core/sentry/sentryClient';
import { IssueStore } from '../../../src/core/store/issueStore';
import { SyncEngine } from '../../../src/core/sync/syncEngine';
import { FrameMapper } from '../../../src/core/frames/frameMapper';
import { WorkspaceFileIndex } from '../../../src/core/frames/workspaceFileIndex';
import { SshLogFetcher, type LogRequest } from '../../../src/core/logs';
import {
  frameResolverFromMapper,
  issueSourceFromStore,
  sshLogProvider,
  workspaceAccess,
} from '../../../src/core/investigate/adapters';
import type { InvestigationDeps } from '../../../src/core/investigate/ports';
import type { StoredIssue } from '../../../src/core/store/model';
import { runSampleApp, sampleAppDir, startSentryServer, type SentryTestServer } from '../../servers/sentry';
import { freePort, generateKey, sshdAvailable, SshdServer } from '../../servers/sshd/sshdServer';

export interface RealIncident {
  sentry: SentryTestServer;
  store: IssueStore;
  storeDir: string;
  workspace: string;
  home: string;
  sshConfig: string;
  logFile: string;
  requests: LogRequest[];
  /** How the workspace history was built: `releases` (2.3 then 2.4.0) or `single` (no git history to replay). */
  history: 'releases' | 'single';
  poolIssue(): StoredIssue;
  deps(options?: { concurrency?: number }): { deps: InvestigationDeps; dispose(): void };
  cleanup(): Promise<void>;
}

export function realIncidentUnavailable(): string | null {
  if (!sshdAvailable()) return '/usr/sbin/sshd is not installed (scripts/ensure-test-env.sh installs openssh-server)';
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'git is not installed';
  }
  return null;
}

function git(cwd: string, args: string[], date?: string): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Robin Release',
      GIT_AUTHOR_EMAIL: 'robin@example.com',
      GIT_COMMITTER_NAME: 'Robin Release',
      GIT_COMMITTER_EMAIL: 'robin@example.com',
      ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}),
    },
  });
}

/** Writes the sample app's files as of `rev` (or the working tree) into `dest`. */
function copySampleApp(repoRoot: string, appRel: string, dest: string, rev: string | null): void {
  const files = rev
    ? git(repoRoot, ['ls-tree', '-r', '--name-only', rev, '--', appRel]).split('\n').filter(Boolean)
    : git(repoRoot, ['ls-files', '--', appRel]).split('\n').filter(Boolean);
  for (const f of files) {
    const out = join(dest, f.slice(appRel.length + 1));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, rev ? git(repoRoot, ['show', `${rev}:${f}`]) : readFileSync(join(repoRoot, f)));
  }
}

/**
 * `fixAfterRelease`: after the orders@2.4.0 tag, a commit changes the line that crashed (pool.mjs's
 * throw), as a fix that is committed but not deployed: the diagnosis must report version skew.
 */
export async function buildRealIncident(
  opts: { hosts?: number; unreachableHost?: boolean; fixAfterRelease?: boolean } = {},
): Promise<RealIncident> {
  const cleanups: Array<() => unknown> = [];
  const tmp = (p: string) => {
    const d = realpathSync(mkdtempSync(join(tmpdir(), p)));
    cleanups.push(() => rmSync(d, { recursive: true, force: true }));
    return d;
  };
  const sentry = await startSentryServer();
  cleanups.push(() => sentry.close());
  try {
    const project = sentry.addProject({ slug: 'orders', platform: 'node' });
    const logDir = tmp('rca-incident-logs-');
    const logFile = join(logDir, 'orders.log');
    await runSampleApp({ dsn: project.dsn, logFile, serverName: 'orders-api-1' });

    const storeDir = tmp('rca-incident-store-');
    const store = await IssueStore.open(storeDir);
    cleanups.push(() => store.dispose());
    const client = new SentryClient({
      baseUrl: sentry.url,
      token: sentry.token,
      org: sentry.org,
      backoffBaseMs: 10,
      backoffMaxMs: 50,
    });
    await new SyncEngine({ client, store, baseUrl: sentry.url }, { concurrency: 4, minLevel: 'debug' }).run();

    // The workspace: the sample app as its own git repository, with the release history replayed.
    const appDir = sampleAppDir();
    const repoRoot = git(appDir, ['rev-parse', '--show-toplevel']).trim();
    const appRel = appDir.slice(repoRoot.length + 1);
    const workspace = tmp('rca-incident-ws-');
    const now = Date.now();
    git(workspace, ['init', '-q', '-b', 'main']);
    let history: RealIncident['history'] = 'single';
    const first = (() => {
      try {
        return git(repoRoot, ['log', '--reverse', '--format=%H', '--', appRel]).split('\n').filter(Boolean)[0] ?? null;
      } catch {
        return null;
      }
    })();
    if (first) {
      copySampleApp(repoRoot, appRel, workspace, first);
      git(workspace, ['add', '.']);
      git(workspace, ['commit', '-q', '-m', 'orders 2.3'], new Date(now - 20 * 86_400_000).toISOString());
      git(workspace, ['tag', 'orders@2.3.0']);
      history = 'releases';
    }
    copySampleApp(repoRoot, appRel, workspace, null);
    git(workspace, ['add', '.']);
    git(
      workspace,
      ['commit', '-q', '--allow-empty', '-m', 'orders 2.4.0: apply promo codes at checkout'],
      new Date(now - 3600_000).toISOString(),
    );
    git(workspace, ['tag', 'orders@2.4.0']);
    if (opts.fixAfterRelease) {
      const pool = join(workspace, 'src/db/pool.mjs');
      writeFileSync(
        pool,
        readFileSync(pool, 'utf8').replace(
          '      throw new PoolExhaustedError(this.inUse.size, this.size);',
          '      throw new PoolExhaustedError(this.inUse.size, this.size, { waited: 0 });',
        ),
      );
      git(
        workspace,
        ['commit', '-q', '-am', 'pool: say how long acquire waited'],
        new Date(now - 600_000).toISOString(),
      );
    }

    // SSH: one real sshd per host alias, all reading the service's log file.
    const home = tmp('rca-incident-home-');
    mkdirSync(join(home, '.ssh'));
    const key = generateKey(join(home, '.ssh'), 'id_orders');
    const hosts = opts.hosts ?? 1;
    const config: string[] = [];
    const known: string[] = [];
    const requests: LogRequest[] = [];
    for (let i = 1; i <= hosts; i++) {
      const sshd = await SshdServer.start({ authorizedKeys: [key.publicLine] });
      cleanups.push(() => sshd.stop());
      config.push(
        `Host orders-api-${i}`,
        '  HostName 127.0.0.1',
        `  Port ${sshd.port}`,
        '  User root',
        '  IdentityFile ~/.ssh/id_orders',
        '',
      );
      known.push(sshd.knownHostsLine());
      requests.push({ host: `orders-api-${i}`, source: { kind: 'file', path: logFile } });
    }
    if (opts.unreachableHost) {
      config.push(
        'Host orders-api-down',
        '  HostName 127.0.0.1',
        `  Port ${await freePort()}`,
        '  User root',
        '  IdentityFile ~/.ssh/id_orders',
        '  ConnectTimeout 3',
        '',
      );
      requests.push({ host: 'orders-api-down', source: { kind: 'file', path: logFile } });
    }
    const sshConfig = join(home, '.ssh', 'config');
    writeFileSync(sshConfig, config.join('\n'));
    writeFileSync(join(home, '.ssh', 'known_hosts'), known.join('\n') + '\n');

    return {
      sentry,
      store,
      storeDir,
      workspace,
      home,
      sshConfig,
      logFile,
      requests,
      history,
      poolIssue: () => {
        const i = store.issues().find((x) => /PoolExhausted/.test(x.title));
        if (!i)
          throw new Error(
            `no PoolExhaustedError issue among: ${store
              .issues()
              .map((x) => x.title)
              .join(' | ')}`,
          );
        return i;
      },
      deps: (o = {}) => {
        // The agent of whoever runs the tests must not offer its keys to the test sshd.
        const fetcher = new SshLogFetcher({ sshConfigPath: sshConfig, home, identityAgent: '' });
        let index: WorkspaceFileIndex | undefined;
        let mapper: FrameMapper | undefined;
        const frames = {
          resolve: async (f: Parameters<FrameMapper['map']>[0], p?: string) => {
            index ??= await WorkspaceFileIndex.build([{ name: 'orders', path: workspace }]);
            mapper ??= new FrameMapper(index);
            return frameResolverFromMapper(mapper).resolve(f, p);
          },
        };
        return {
          deps: {
            issues: issueSourceFromStore(store),
            frames,
            logs: sshLogProvider(fetcher, requests, o.concurrency ? { concurrency: o.concurrency } : {}),
            ...workspaceAccess(workspace),
          },
          dispose: () => {
            fetcher.dispose();
            mapper?.dispose();
            index?.dispose();
          },
        };
      },
      cleanup: async () => {
        for (const c of cleanups.reverse()) await c();
      },
    };
  } catch (e) {
    for (const c of cleanups.reverse()) await c();
    throw e;
  }
}
