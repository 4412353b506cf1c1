// Types for scripts/package-zip.mjs (the .vsix test imports it).
export interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
  method: number;
  offset: number;
}
export function listZip(buf: Buffer): ZipEntry[];
export function readZipEntry(buf: Buffer, name: string): Buffer;
