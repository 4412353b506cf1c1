import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * known_hosts, read the way OpenSSH reads it: plain and hashed (`|1|salt|hash`) host fields, `[host]:port`
 * for non-standard ports, `*`/`?` patterns with `!` negation, and `@revoked` markers. `@cert-authority`
 * lines are skipped: host certificates are not supported, so such hosts count as unknown.
 */

export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority';
  /** Plain patterns, or undefined for a hashed entry. */
  patterns?: string[];
  hashed?: { salt: Buffer; hash: Buffer };
  keyType: string;
  key: Buffer;
  line: number;
}

export type HostKeyVerdict =
  | { status: 'ok' }
  | { status: 'unknown' }
  | { status: 'changed'; knownTypes: string[]; lines: number[] }
  | { status: 'revoked'; lines: number[] };

export function parseKnownHosts(text: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const fields = lines[i]!.trim().split(/\s+/);
    if (!fields[0] || fields[0].startsWith('#')) continue;
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') {
      marker = fields[0] === '@revoked' ? 'revoked' : 'cert-authority';
      fields.shift();
    }
    const [hosts, keyType, keyB64] = fields;
    if (!hosts || !keyType || !keyB64) continue;
    const key = Buffer.from(keyB64, 'base64');
    if (key.length === 0) continue;
    const entry: KnownHostEntry = { keyType, key, line: i + 1 };
    if (marker) entry.marker = marker;
    const h = /^\|1\|([^|]+)\|([^|]+)$/.exec(hosts);
    if (h) entry.hashed = { salt: Buffer.from(h[1]!, 'base64'), hash: Buffer.from(h[2]!, 'base64') };
    else entry.patterns = hosts.split(',');
    out.push(entry);
  }
  return out;
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** OpenSSH pattern-list semantics: a negated match vetoes, otherwise any positive match wins. */
export function matchesPatternList(patterns: string[], name: string): boolean {
  let positive = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (globToRegExp(negated ? p.slice(1) : p).test(name)) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}

export function entryMatches(e: KnownHostEntry, name: string): boolean {
  if (e.hashed) {
    const mac = createHmac('sha1', e.hashed.salt).update(name).digest();
    return mac.length === e.hashed.hash.length && timingSafeEqual(mac, e.hashed.hash);
  }
  return matchesPatternList(e.patterns ?? [], name);
}

/** The key type named inside an SSH public key blob (its first string). */
export function keyBlobType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  return n > 0 && n < 64 && blob.length >= 4 + n ? blob.subarray(4, 4 + n).toString('latin1') : 'unknown';
}

/** `SHA256:…` as `ssh-keygen -l` and `ssh` print it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export function verifyHostKey(entries: KnownHostEntry[], name: string, blob: Buffer): HostKeyVerdict {
  const mine = entries.filter((e) => e.marker !== 'cert-authority' && entryMatches(e, name));
  const revoked = mine.filter((e) => e.marker === 'revoked' && e.key.equals(blob));
  if (revoked.length) return { status: 'revoked', lines: revoked.map((e) => e.line) };
  const plain = mine.filter((e) => !e.marker);
  if (plain.some((e) => e.key.equals(blob))) return { status: 'ok' };
  if (plain.length === 0) return { status: 'unknown' };
  return { status: 'changed', knownTypes: [...new Set(plain.map((e) => e.keyType))], lines: plain.map((e) => e.line) };
}

/** Host key algorithms to offer so the server presents a key type we already know (as OpenSSH does). */
export function hostKeyAlgorithmsFor(entries: KnownHostEntry[], name: string): string[] | undefined {
  const types = new Set(entries.filter((e) => !e.marker && entryMatches(e, name)).map((e) => e.keyType));
  if (types.size === 0) return undefined;
  const algos: string[] = [];
  for (const t of types) {
    if (t === 'ssh-rsa') algos.push('rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa');
    else algos.push(t);
  }
  return algos;
}
