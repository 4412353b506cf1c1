#!/usr/bin/env node
// `npm run demo`: the whole product, headless, with no Sentry account, no AI key and no servers of
// your own. It starts a local Sentry stand-in fed by the sample "orders" service through the real
// @sentry/node SDK, a local OpenSSH server holding that service's log (when openssh-server is
// installed), then runs the CLI: sync, issues, frames and diagnose.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);
const require = createRequire(import.meta.url);
const say = (s) => process.stdout.write(`\n\x1b[1m▸ ${s}\x1b[0m\n`);
const cleanups = [];
const cleanup = async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
};
process.on('SIGINT', () => void cleanup().then(() => process.exit(130)));

function cli(args, env = {}) {
  say(`sentry-rca ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], {
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (r.status !== 0 && r.status !== 3) throw new Error(`sentry-rca ${args[0]} exited with ${r.status}`);
}

async function main() {
  say('Building');
  for (const args of [['esbuild.mjs'], ['esbuild.mjs', '--tests']]) {
    if (spawnSync(process.execPath, args, { stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  }
  const demo = join(root, '.demo');
  rmSync(demo, { recursive: true, force: true });
  mkdirSync(demo, { recursive: true });
  const logFile = join(demo, 'orders.log');

  say('Starting the local Sentry stand-in and running the sample "orders" service against it (real @sentry/node SDK)');
  const server = spawn(
    process.execPath,
    ['out/test/servers/sentry/main.js', '--port', '0', '--seed-sample', '--sample-log', logFile],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  cleanups.push(
    () =>
      new Promise((r) => {
        server.once('exit', r);
        server.kill('SIGTERM');
      }),
  );
  const info = await new Promise((resolve, reject) => {
    let buf = '';
    server.stdout.setEncoding('utf8');
    server.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)));
    });
    server.once('exit', (code) => reject(new Error(`the Sentry stand-in exited (${code})`)));
  });
  console.log(
    `  Sentry stand-in at ${info.url} (org "${info.org}"), ${info.issues ?? '?'} issues from the sample service; its log: ${logFile}`,
  );
  const env = { SENTRY_AUTH_TOKEN: info.token, SENTRY_URL: info.url, SENTRY_ORG: info.org };

  const logArgs = [];
  const { SshdServer, generateKey, sshdAvailable } = require(join(root, 'out/test/servers/sshd/sshdServer.js'));
  if (sshdAvailable()) {
    say('Starting a local OpenSSH server as the "production" host orders-api-1 (loopback only, generated keys)');
    const keyDir = join(demo, 'ssh');
    mkdirSync(keyDir, { recursive: true });
    const user = generateKey(keyDir, 'id_ed25519');
    const sshd = await SshdServer.start({ authorizedKeys: [user.publicLine] });
    cleanups.push(() => sshd.stop());
    writeFileSync(join(keyDir, 'known_hosts'), sshd.knownHostsLine() + '\n');
    const config = join(keyDir, 'config');
    writeFileSync(
      config,
      [
        'Host orders-api-1',
        '  HostName 127.0.0.1',
        `  Port ${sshd.port}`,
        `  User ${process.env.USER || 'root'}`,
        `  IdentityFile ${user.privatePath}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${join(keyDir, 'known_hosts')}`,
        '',
      ].join('\n'),
    );
    console.log(`  ssh config: ${config}`);
    logArgs.push('--ssh-config', config, '--logs', `orders-api-1=file:${logFile}`);
  } else {
    console.log('  openssh-server is not installed, so the diagnosis runs without server logs.');
    console.log('  (apt-get install openssh-server, then run the demo again to see logs fetched over SSH.)');
  }

  const store = join(demo, 'store');
  cli(['sync', '--store', store], env);
  cli(['issues', '--store', store]);
  const issues = JSON.parse(
    spawnSync(process.execPath, ['dist/cli.js', 'issues', '--store', store, '--json'], { encoding: 'utf8' }).stdout,
  );
  const top = issues.find((i) => /Pool/i.test(i.title)) ?? issues[0];
  if (!top) throw new Error('the sync stored no issues');
  // The service's checkout as its team would have it: the same sources with their git history, the
  // buggy release committed yesterday and the rest months old (the same workspace Try the Demo opens).
  say('Checking out the sample service as its team would have it (git history of its releases)');
  const workspace = join(demo, 'workspace');
  const recordingDir = join(demo, 'recording');
  const made =
    spawnSync(process.execPath, ['scripts/package-demo.mjs', '--out', recordingDir], { encoding: 'utf8' }).status ===
      0 &&
    spawnSync(
      process.execPath,
      ['dist/demo.js', 'workspace', '--recording', join(recordingDir, 'recording.json'), '--into', workspace],
      { stdio: 'inherit' },
    ).status === 0;
  if (!made) {
    console.log('  (could not build the checkout with history; using the sample sources in the repository)');
    rmSync(workspace, { recursive: true, force: true });
  }
  const sourceDir = made ? workspace : (info.sample?.dir ?? join(root, 'test/fixtures/sample-app'));
  cli(['frames', top.shortId, '--store', store, '--workspace', sourceDir]);
  const ai = process.env.OPENAI_API_KEY ? 'openai' : 'none';
  cli(['diagnose', top.shortId, '--store', store, '--workspace', sourceDir, '--ai', ai, ...logArgs], env);

  say('Next');
  console.log(
    '  The demo in VS Code, set up for you: npm run package && code --install-extension sentry-rca-0.1.0.vsix,',
  );
  console.log(
    '  then run "Sentry RCA: Try the Demo" (a scratch workspace with this service, its own demo server and token).',
  );
  console.log(`  Or point VS Code at this server while it runs: "Sentry RCA: Set Auth Token" with ${info.token},`);
  console.log(`  sentryRCA.baseUrl ${info.url}, sentryRCA.organization ${info.org}, and open ${workspace}.`);
  if (ai === 'none')
    console.log(
      '  Set OPENAI_API_KEY (and OPENAI_BASE_URL for any OpenAI-compatible server) to add the AI investigation.',
    );
}

main().then(cleanup, async (e) => {
  console.error(`\ndemo failed: ${e.message}`);
  await cleanup();
  process.exit(1);
});
