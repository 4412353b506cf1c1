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

/** The store file as text (the store codec writes its own JSON), with the same mode and temp-file rename. */
export class PrivateTextFile implements Adapter<string> {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  async read(): Promise<string | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    if (process.platform !== 'win32')
      await chmod(this.file, PRIVATE_FILE_MODE).catch(() => {
        /* not ours to change: reading still works */
      });
    return text;
  }

  write(text: string): Promise<void> {
    const run = this.queue.then(async () => {
      const tmp = `${this.file}.${process.pid}.${++writes}.tmp`;
      try {
        await writeFile(tmp, text, { mode: PRIVATE_FILE_MODE });
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

export class PrivateJsonFile<T> implements Adapter<T> {
  private readonly text: PrivateTextFile;

  constructor(file: string) {
    this.text = new PrivateTextFile(file);
  }

  async read(): Promise<T | null> {
    const text = await this.text.read();
    return text === null ? null : (JSON.parse(text) as T);
  }

  write(data: T): Promise<void> {
    return this.text.write(JSON.stringify(data));
  }
}
