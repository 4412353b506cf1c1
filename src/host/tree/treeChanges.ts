/**
 * Which rows of the issue tree to refresh after a change, without the VS Code API. VS Code re-renders
 * every row it is told about, and a row re-rendered under the pointer loses the click that lands on it
 * (an inline action, a context-menu entry); so the tree tells it only about rows whose look changed,
 * the parent of a list whose rows came or went, and nothing when nothing shows differently.
 *
 * `ShownRows` remembers what VS Code was given: each row's look (a hash of label, description,
 * tooltip, icon, state) and each fetched child list. `changedRows` compares the tree as it is now
 * against that memory.
 */

import type { StoredIssue } from '../../core/store/model';

/** How the change computation reads the tree as it is now. Rows are identified by their TreeItem id. */
export interface RowReader<N> {
  id(node: N): string;
  /** What the row shows now, as a comparable value (see `lookHash`). */
  look(node: N): number;
  /** The rows under a row now (the top-level rows for undefined). */
  children(node: N | undefined): readonly N[];
}

/** Refresh everything (the top-level rows changed), or these rows (each with its subtree). */
export type TreeChange<N> = { all: true } | { all: false; rows: N[] };

/** The key of the top level in ShownRows. */
const ROOT = '\u0000root';

/** What VS Code was last given: row looks and child lists, by row id. */
export class ShownRows {
  private readonly looks = new Map<string, number>();
  private readonly lists = new Map<string, string[]>();

  /** VS Code asked for a row's TreeItem. */
  item(id: string, look: number): void {
    this.looks.set(id, look);
  }

  /** VS Code asked for the rows under `parent` (undefined: the top level). */
  children(parent: string | undefined, ids: string[]): void {
    this.lists.set(parent ?? ROOT, ids);
  }

  lookOf(id: string): number | undefined {
    return this.looks.get(id);
  }

  childrenOf(parent: string | undefined): readonly string[] | undefined {
    return this.lists.get(parent ?? ROOT);
  }

  /** A row is being refreshed: VS Code will ask for it and (when open) its children again. */
  refreshed(id: string, look: number): void {
    this.forgetBelow(id);
    this.looks.set(id, look);
  }

  /** The whole tree is being refreshed. */
  clear(): void {
    this.looks.clear();
    this.lists.clear();
  }

  private forgetBelow(id: string): void {
    const below = this.lists.get(id);
    if (!below) return;
    this.lists.delete(id);
    for (const child of below) {
      this.looks.delete(child);
      this.forgetBelow(child);
    }
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The rows to refresh so VS Code shows the tree as it is now: the top level when its rows changed;
 * else each shown list whose rows came, went or moved (its parent row), and each shown row whose look
 * changed — the highest such rows only, since a refreshed row brings its subtree along. Rows VS Code
 * never asked for are not looked at (a closed project's 10k issues cost nothing).
 */
export function changedRows<N>(shown: ShownRows, reader: RowReader<N>): TreeChange<N> {
  const top = shown.childrenOf(undefined);
  if (!top) return { all: false, rows: [] };
  const roots = reader.children(undefined);
  if (!sameList(top, roots.map(reader.id))) return { all: true };
  const rows: N[] = [];
  const visit = (nodes: readonly N[]): void => {
    for (const node of nodes) {
      const id = reader.id(node);
      const before = shown.lookOf(id);
      if (before !== undefined && before !== reader.look(node)) {
        rows.push(node);
        continue;
      }
      const list = shown.childrenOf(id);
      if (!list) continue;
      const now = reader.children(node);
      if (!sameList(list, now.map(reader.id))) rows.push(node);
      else visit(now);
    }
  };
  visit(roots);
  return { all: false, rows };
}

/**
 * One node object per row id across refreshes: VS Code finds the row to refresh by its object, and a
 * row kept keeps its selection, focus and expansion. `update` gives a kept node its new data.
 */
export class NodeCache<D, N> {
  private nodes = new Map<string, N>();

  constructor(
    private readonly idOf: (d: D) => string,
    private readonly create: (d: D) => N,
    private readonly update: (node: N, d: D) => void,
  ) {}

  /** The nodes for `items` in their order; nodes of items no longer there are dropped. */
  list(items: readonly D[]): N[] {
    const next = new Map<string, N>();
    const out = items.map((d) => {
      const id = this.idOf(d);
      let node = this.nodes.get(id);
      if (node) this.update(node, d);
      else node = this.create(d);
      next.set(id, node);
      return node;
    });
    this.nodes = next;
    return out;
  }
}

/**
 * Row looks computed again only when what a row is made of changed. `key` summarises the row's inputs
 * cheaply (see issueLookKey); the look itself (a whole TreeItem, hashed) is built only when the key
 * changed, so 10k unchanged issue rows cost 10k keys after a sync, not 10k TreeItems.
 */
export class LookCache {
  private readonly entries = new Map<string, { key: number; look: number }>();

  look(id: string, key: string | undefined, compute: () => number): number {
    if (key === undefined) return compute();
    const k = lookHash(key);
    const e = this.entries.get(id);
    if (e?.key === k) return e.look;
    const look = compute();
    this.entries.set(id, { key: k, look });
    return look;
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * What an issue row is made of: the issue as stored (but when it was synced), whether its events are
 * here, who "me" is and whether triage is on, and the minute (ages such as "5 min ago").
 */
export function issueLookKey(issue: StoredIssue, ...context: unknown[]): string {
  const { syncedAt: _syncedAt, ...shown } = issue;
  return JSON.stringify([shown, context]);
}

/** A 53-bit hash of a row's look (cyrb53): 10k tooltips kept as numbers, not as strings. */
export function lookHash(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
