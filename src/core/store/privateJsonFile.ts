/**
 * lowdb adapter for the store file, readable by its owner only: events carry users' data (emails, IPs,
 * request bodies), so the file is written 0600 — through a temp file of that mode and a rename, so a
 * crash mid-write keeps the previous file — and an older file with wider permissions is narrowed on
 * first read. Writes are serialised in call order.
 */
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Adapter } from 'lowdb';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;
let writes = 0;

export class PrivateJsonFile<T> implements Adapter<T> {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    if (process.platform !== 'win32') await chmod(this.file, PRIVATE_FILE_MODE).catch(() => { /* not ours to change: reading still works */ });
    return JSON.parse(text) as T;
  }

  write(data: T): Promise<void> {
    const run = this.queue.then(async () => {
      const tmp = `${this.file}.${process.pid}.${++writes}.tmp`;
      try {
        await writeFile(tmp, JSON.stringify(data), { mode: PRIVATE_FILE_MODE });
        await rename(tmp, this.file);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
    });
    this.queue = run.catch(() => {});
    return run;
  }
}
