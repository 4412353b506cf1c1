/**
 * Store schema versions. A migration turns the raw JSON of version N into version N+1; they run in
 * order on load and the result is written back once. Add one whenever the on-disk shape changes.
 */
export const CURRENT_SCHEMA_VERSION = 1;

export type Migration = (raw: Record<string, unknown>) => Record<string, unknown>;

/** migrations[n] upgrades a store of version n to n + 1. */
export const migrations: Record<number, Migration> = {};

export function migrate(
  raw: Record<string, unknown>,
  from: number,
  to: number,
  table: Record<number, Migration>,
): Record<string, unknown> {
  let data = raw;
  for (let v = from; v < to; v++) {
    const step = table[v];
    if (!step) throw new Error(`no migration from store schema ${v} to ${v + 1}`);
    data = { ...step(data), schemaVersion: v + 1 };
  }
  return data;
}
