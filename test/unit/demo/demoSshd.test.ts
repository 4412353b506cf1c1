/**
 * The demo's stand-in for the production host orders-api-1 (src/demo/demoSshd.ts): the real
 * /usr/sbin/sshd, reached with the real OpenSSH client through the ssh config and known_hosts it
 * writes (strict host key checking), stopped with its owner, and replaced after an owner was killed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { describeNeeding, missingFile } from '../../support/needs';
import { SSHD_PATH, startDemoSshd, type DemoSshd } from '../../../src/demo/demoSshd';

const scratch = mkdtempSync(join(tmpdir(), 'sentry-rca-demo-sshd-'));
const running: DemoSshd[] = [];
const noSshd = missingFile(SSHD_PATH, 'Debian: openssh-server');

function ssh(configFile: string, command: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(
    'ssh',
    ['-F', configFile, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', 'orders-api-1', command],
    { encoding: 'utf8', timeout: 20_000 },
  );
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

after(async () => {
  for (const s of running) await s.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describeNeeding('demo sshd (orders-api-1)', noSshd, {}, () => {
  test('serves the log over SSH through the config and known_hosts it writes, and stops', async () => {
    const dir = join(scratch, 'a');
    const log = join(scratch, 'orders.log');
    writeFileSync(log, '2026-11-25T10:00:00.000Z WARN pool nearly exhausted (9/10 in use)\n');
    const sshd = await startDemoSshd(dir, log);
    running.push(sshd);
    assert.equal(sshd.logSource, `orders-api-1=file:${log}`);
    const config = readFileSync(sshd.configFile, 'utf8');
    assert.match(config, new RegExp(`Port ${sshd.port}\\b`));
    assert.match(config, /UserKnownHostsFile .*known_hosts/);
    const r = ssh(sshd.configFile, `cat ${log}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /WARN pool nearly exhausted/);
    await sshd.stop();
    assert.equal(await portOpen(sshd.port), false, 'the port is closed after stop()');
  });

  test('keeps its keys across restarts, and replaces the sshd of an owner that was killed', async () => {
    const dir = join(scratch, 'b');
    const log = join(scratch, 'orders.log');
    const first = await startDemoSshd(dir, log);
    running.push(first);
    const hostKey = readFileSync(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8');
    const userKey = readFileSync(join(dir, 'id_ed25519.pub'), 'utf8');
    const firstPid = Number(readFileSync(join(dir, 'sshd.pid'), 'utf8').trim());
    assert.ok(alive(firstPid));
    // As if the owner died by SIGKILL: no stop(); the next start must find and end the old sshd.
    const second = await startDemoSshd(dir, log);
    running.push(second);
    for (let i = 0; i < 30 && alive(firstPid); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(firstPid), false, 'the old sshd was stopped');
    assert.equal(readFileSync(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8'), hostKey);
    assert.equal(readFileSync(join(dir, 'id_ed25519.pub'), 'utf8'), userKey);
    const r = ssh(second.configFile, 'echo ok');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'ok');
  });

  test('a wrong host key in known_hosts is refused (the config really pins the host)', async () => {
    const dir = join(scratch, 'c');
    const sshd = await startDemoSshd(dir, join(scratch, 'orders.log'));
    running.push(sshd);
    const other = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(scratch, 'other')], {
      encoding: 'utf8',
    });
    assert.equal(other.status, 0, other.stderr);
    const [type, key] = readFileSync(join(scratch, 'other.pub'), 'utf8').trim().split(/\s+/);
    writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${sshd.port} ${type} ${key}\n`);
    const r = ssh(sshd.configFile, 'echo ok');
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /HOST IDENTIFICATION HAS CHANGED|Host key verification failed/i);
  });
});
