// Lists a zip's entries from its central directory, so the packaging checks and the .vsix test can
// see what a .vsix holds without an unzip binary or another dependency. No ZIP64: a .vsix is small.
import { inflateRawSync } from 'node:zlib';

/** @returns {{ name: string, size: number, compressedSize: number, method: number, offset: number }[]} */
export function listZip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end-of-central-directory record)');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`corrupt zip central directory at byte ${p}`);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const method = buf.readUInt16LE(p + 10);
    const offset = buf.readUInt32LE(p + 42);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    entries.push({ name: buf.toString('utf8', p + 46, p + 46 + nameLen), size, compressedSize, method, offset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The bytes of one entry (stored or deflated), found by its exact name; throws when it is absent. */
export function readZipEntry(buf, name) {
  const e = listZip(buf).find((x) => x.name === name);
  if (!e) throw new Error(`the zip has no entry ${name}`);
  if (buf.readUInt32LE(e.offset) !== 0x04034b50) throw new Error(`corrupt local header of ${name}`);
  const start = e.offset + 30 + buf.readUInt16LE(e.offset + 26) + buf.readUInt16LE(e.offset + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  if (e.method === 0) return Buffer.from(data);
  if (e.method === 8) return inflateRawSync(data);
  throw new Error(`${name}: unsupported zip compression method ${e.method}`);
}
