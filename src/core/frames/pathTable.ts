/**
 * The storage behind the workspace file index: every path of the workspace held as integers, so a
 * million files cost a few tens of bytes each instead of an object, an array and map entries apiece.
 *
 * - Segments (folder and file names) are interned once, as UTF-8 bytes in one pool: `src` or
 *   `index.ts` is stored once however often it occurs, and no name is a heap object.
 * - Folders form a tree of ids (parent, name); a file is (folder, name).
 * - Lookups never build per-file objects: a file is found by (folder, name), and files are chained
 *   by name and by `parent/name` (the last two segments, where suffix matching starts) through
 *   typed arrays. Hash tables are open-addressing arrays of ids whose keys are read back from the
 *   id columns, so a table costs 4 bytes a slot.
 *
 * Ids of removed files are reused. Segments of removed files stay interned (a few bytes each; the
 * index is rebuilt when folders or excludes change).
 */

const EMPTY = -1;

/**
 * Open-addressing set of ids (linear probing, backward-shift removal); keys live with the caller,
 * who probes `slots` itself (no closure per lookup) from `start(hash)` with `next(i)`.
 */
class IdTable {
  slots: Int32Array<ArrayBuffer>;
  private mask: number;
  private count = 0;

  constructor(
    private readonly hashOf: (id: number) => number,
    capacity = 1024,
  ) {
    this.slots = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.count;
  }

  start(h: number): number {
    return h & this.mask;
  }

  next(i: number): number {
    return (i + 1) & this.mask;
  }

  add(id: number): void {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    this.place(id);
    this.count++;
  }

  /** Replaces `oldId` (which must be present) by `newId` with the same key. */
  replace(oldId: number, newId: number): void {
    const slots = this.slots;
    for (let i = this.hashOf(oldId) & this.mask; ; i = (i + 1) & this.mask) {
      if (slots[i] === oldId) {
        slots[i] = newId;
        return;
      }
      if (slots[i] === EMPTY) return;
    }
  }

  remove(id: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = this.hashOf(id) & mask;
    while (slots[i] !== id) {
      if (slots[i] === EMPTY) return;
      i = (i + 1) & mask;
    }
    // Backward shift: move later entries of the probe run into the hole so lookups never stop early.
    for (let j = (i + 1) & mask; slots[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.hashOf(slots[j]!) & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        slots[i] = slots[j]!;
        i = j;
      }
    }
    slots[i] = EMPTY;
    this.count--;
  }

  private place(id: number): void {
    const slots = this.slots;
    let i = this.hashOf(id) & this.mask;
    while (slots[i] !== EMPTY) i = (i + 1) & this.mask;
    slots[i] = id;
  }

  private grow(): void {
    // Quadruple while small, so a million entries rehash a few times, not twenty.
    this.resize(this.slots.length * (this.slots.length < 1 << 20 ? 4 : 2));
  }

  /** Makes room for `count` entries in all (the size a bulk listing is expected to reach) in one rehash. */
  reserve(count: number): void {
    let n = this.slots.length;
    while ((count + 1) * 2 > n) n *= 2;
    if (n > this.slots.length) this.resize(n);
  }

  private resize(length: number): void {
    const old = this.slots;
    this.slots = new Int32Array(length).fill(EMPTY);
    this.mask = length - 1;
    for (const id of old) if (id !== EMPTY) this.place(id);
  }
}

function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}

/** FNV-1a over UTF-8 bytes. */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h ^ (h >>> 16);
}

const utf8 = new TextDecoder();

function copyInto<T extends Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(to: T, from: T): T {
  to.set(from);
  return to;
}

function grown(a: Int32Array<ArrayBuffer>, min: number): Int32Array<ArrayBuffer> {
  if (a.length >= min) return a;
  const out = new Int32Array(Math.max(min, Math.ceil(a.length * 1.5))).fill(EMPTY);
  out.set(a);
  return out;
}

export class PathTable {
  // Segments: their UTF-8 bytes in one pool (no string per name: a million names would be a
  // million heap objects for the collector to trace), with offsets, lengths and hashes.
  private pool = new Uint8Array(1 << 16);
  private poolLen = 0;
  /** Where each segment starts in the pool; it ends where the next one starts (or at poolLen). */
  private segOff = new Int32Array(1024);
  private segHash = new Int32Array(1024);
  private segCount = 0;
  private readonly segTable = new IdTable((id) => this.segHash[id]!);
  /** First file with this segment as its name (chained through nextByName). */
  private nameHead = new Int32Array(1024).fill(EMPTY);
  /** Lower-cased name → segment ids, built on first case-insensitive lookup. */
  private lowerNames: Map<string, number[]> | undefined;

  // Folders. A root folder has parent -1 and its root's name segment.
  private dirParent = new Int32Array(1024).fill(EMPTY);
  private dirName = new Int32Array(1024).fill(EMPTY);
  /** 1 when a dependency/build folder lies on the way (the folder itself included). */
  private dirLib = new Uint8Array(1024);
  private dirCount = 0;
  private readonly dirTable = new IdTable((d) => mix(this.dirParent[d]!, this.dirName[d]!));

  // Files. A free slot has fileDir -1 and is chained through nextByName. The chains are singly
  // linked (removal walks a chain: short, except for names like index.ts, still well under a ms).
  private fileDir = new Int32Array(1024).fill(EMPTY);
  private fileName = new Int32Array(1024).fill(EMPTY);
  private nextByName = new Int32Array(1024).fill(EMPTY);
  private nextByTail = new Int32Array(1024).fill(EMPTY);
  private fileSlots = 0;
  private freeHead = EMPTY;
  private live = 0;
  /** (folder, name) → file. */
  private readonly fileTable = new IdTable((f) => mix(this.fileDir[f]!, this.fileName[f]!));
  /** (parent folder's name, name) → first file of that tail chain. */
  private readonly tailTable = new IdTable((f) => mix(this.tailParent(f), this.fileName[f]!));

  constructor(private readonly isLibraryDir: (name: string) => boolean) {}

  get size(): number {
    return this.live;
  }

  /** Slots ever used (ids are below this). */
  get capacity(): number {
    return this.fileSlots;
  }

  // ---- segments -------------------------------------------------------------------------------

  /** The segment id of `s[start, end)`, or -1 when no path has it. */
  segmentId(s: string, start = 0, end = s.length): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        const bytes = Buffer.from(s.slice(start, end), 'utf8');
        return this.find(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length));
      }
      h = Math.imul(h ^ c, 0x01000193);
    }
    h ^= h >>> 16;
    const len = end - start;
    const t = this.segTable;
    for (let i = t.start(h); ; i = t.next(i)) {
      const id = t.slots[i]!;
      if (id === EMPTY) return EMPTY;
      if (this.segHash[id] !== h || this.segLength(id) !== len) continue;
      const off = this.segOff[id]!;
      let k = 0;
      while (k < len && this.pool[off + k] === s.charCodeAt(start + k)) k++;
      if (k === len) return id;
    }
  }

  intern(s: string): number {
    const known = this.segmentId(s);
    if (known !== EMPTY) return known;
    const bytes = Buffer.from(s, 'utf8');
    return this.addSegment(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length));
  }

  /** Interns the UTF-8 bytes `buf[start, end)` (a path segment of git's output) without making a string. */
  internBytes(buf: Uint8Array, start: number, end: number): number {
    const h = hashBytes(buf, start, end);
    const id = this.find(buf, start, end, h);
    return id !== EMPTY ? id : this.addSegment(buf, start, end, h);
  }

  /** A segment as a string (made on each call: callers are the files a lookup returns). */
  segment(id: number): string {
    const off = this.segOff[id]!;
    const end = off + this.segLength(id);
    const pool = this.pool;
    let ascii = '';
    for (let i = off; i < end; i++) {
      const b = pool[i]!;
      if (b >= 0x80) return utf8.decode(pool.subarray(off, end));
      ascii += String.fromCharCode(b);
    }
    return ascii;
  }

  private segLength(id: number): number {
    return (id + 1 < this.segCount ? this.segOff[id + 1]! : this.poolLen) - this.segOff[id]!;
  }

  /**
   * Gives back the spare room of the growable columns after a bulk listing (up to half of each),
   * keeping a little headroom so the next watcher events do not reallocate.
   */
  trim(): void {
    const fit = (used: number) => used + Math.max(4096, used >> 5);
    const cut = <T extends Int32Array<ArrayBuffer> | Uint8Array<ArrayBuffer>>(a: T, used: number): T =>
      a.length > fit(used) ? (a.slice(0, fit(used)) as T) : a;
    const grow = (a: Int32Array<ArrayBuffer>, used: number) => {
      const out = cut(a, used);
      if (out !== a) out.fill(EMPTY, used);
      return out;
    };
    this.pool = cut(this.pool, this.poolLen);
    this.segOff = cut(this.segOff, this.segCount);
    this.segHash = cut(this.segHash, this.segCount);
    this.nameHead = grow(this.nameHead, this.segCount);
    this.fileDir = grow(this.fileDir, this.fileSlots);
    this.fileName = grow(this.fileName, this.fileSlots);
    this.nextByName = grow(this.nextByName, this.fileSlots);
    this.nextByTail = grow(this.nextByTail, this.fileSlots);
  }

  private find(buf: Uint8Array, start: number, end: number, h: number): number {
    const len = end - start;
    const t = this.segTable;
    const pool = this.pool;
    for (let i = t.start(h); ; i = t.next(i)) {
      const id = t.slots[i]!;
      if (id === EMPTY) return EMPTY;
      if (this.segHash[id] !== h || this.segLength(id) !== len) continue;
      const off = this.segOff[id]!;
      let k = 0;
      while (k < len && pool[off + k] === buf[start + k]) k++;
      if (k === len) return id;
    }
  }

  private addSegment(buf: Uint8Array, start: number, end: number, h: number): number {
    const id = this.segCount++;
    if (id >= this.segHash.length) {
      const n = this.segHash.length * 2;
      this.segHash = copyInto(new Int32Array(n), this.segHash);
      this.segOff = copyInto(new Int32Array(n), this.segOff);
    }
    const len = end - start;
    if (this.poolLen + len > this.pool.length)
      this.pool = copyInto(new Uint8Array(Math.max(this.pool.length * 2, this.poolLen + len)), this.pool);
    const pool = this.pool;
    for (let i = 0, o = this.poolLen; i < len; i++) pool[o + i] = buf[start + i]!;
    this.segOff[id] = this.poolLen;
    this.segHash[id] = h;
    this.poolLen += len;
    this.nameHead = grown(this.nameHead, id + 1);
    this.segTable.add(id);
    this.lowerNames = undefined;
    return id;
  }

  // ---- folders --------------------------------------------------------------------------------

  /** A new root folder (one per workspace folder) named after its root. */
  addRoot(name: string): number {
    return this.newDir(EMPTY, this.intern(name));
  }

  /** The child folder `name` of `parent`, created when `create`; -1 when absent. */
  child(parent: number, name: number, create: boolean): number {
    const t = this.dirTable;
    for (let i = t.start(mix(parent, name)); ; i = t.next(i)) {
      const d = t.slots[i]!;
      if (d === EMPTY) break;
      if (this.dirParent[d] === parent && this.dirName[d] === name) return d;
    }
    return create ? this.newDir(parent, name) : EMPTY;
  }

  /** The folder at `segs` under `dir`, or -1 (created when `create`). */
  dirAt(dir: number, segs: readonly string[], create: boolean): number {
    for (const s of segs) {
      const id = create ? this.intern(s) : this.segmentId(s);
      if (id === EMPTY) return EMPTY;
      dir = this.child(dir, id, create);
      if (dir === EMPTY) return EMPTY;
    }
    return dir;
  }

  /** The file at the `/`-separated path `rel` under root folder `dir`, or -1; no strings are made. */
  fileAtPath(dir: number, rel: string): number {
    const slash = rel.lastIndexOf('/');
    // The name first: most paths that are not in the index fail here.
    const name = this.segmentId(rel, slash + 1, rel.length);
    if (name === EMPTY) return EMPTY;
    let start = 0;
    while (start <= slash) {
      let end = rel.indexOf('/', start);
      if (end < 0 || end > slash) end = slash;
      const seg = this.segmentId(rel, start, end);
      if (seg === EMPTY) return EMPTY;
      dir = this.child(dir, seg, false);
      if (dir === EMPTY) return EMPTY;
      start = end + 1;
    }
    return this.fileIn(dir, name);
  }

  parentOf(dir: number): number {
    return this.dirParent[dir]!;
  }

  dirNameOf(dir: number): number {
    return this.dirName[dir]!;
  }

  get dirs(): number {
    return this.dirCount;
  }

  /** Whether a dependency/build folder lies on the way to this folder (itself included). */
  inLibraryDir(dir: number): boolean {
    return this.dirLib[dir] === 1;
  }

  /** Marks, per folder id, whether it is `top` or below it (parents always have lower ids). */
  dirsUnder(top: number): Uint8Array {
    const under = new Uint8Array(this.dirCount);
    under[top] = 1;
    for (let d = top + 1; d < this.dirCount; d++) {
      const p = this.dirParent[d]!;
      if (p !== EMPTY && under[p] === 1) under[d] = 1;
    }
    return under;
  }

  private newDir(parent: number, name: number): number {
    const d = this.dirCount++;
    if (d >= this.dirParent.length) {
      this.dirParent = grown(this.dirParent, d + 1);
      this.dirName = grown(this.dirName, d + 1);
      const lib = new Uint8Array(this.dirParent.length);
      lib.set(this.dirLib);
      this.dirLib = lib;
    }
    this.dirParent[d] = parent;
    this.dirName[d] = name;
    this.dirLib[d] = parent !== EMPTY && (this.dirLib[parent] === 1 || this.isLibraryDir(this.segment(name))) ? 1 : 0;
    this.dirTable.add(d);
    return d;
  }

  // ---- files ----------------------------------------------------------------------------------

  fileIn(dir: number, name: number): number {
    const t = this.fileTable;
    for (let i = t.start(mix(dir, name)); ; i = t.next(i)) {
      const f = t.slots[i]!;
      if (f === EMPTY) return EMPTY;
      if (this.fileDir[f] === dir && this.fileName[f] === name) return f;
    }
  }

  /**
   * Adds the file; returns its id, or -1 when it was already there. `known` skips that check for a
   * caller that knows the file is new (a listing of distinct paths), saving a probe per file.
   */
  addFile(dir: number, name: number, known = false): number {
    if (!known && this.fileIn(dir, name) !== EMPTY) return EMPTY;
    let f = this.freeHead;
    if (f !== EMPTY) this.freeHead = this.nextByName[f]!;
    else {
      f = this.fileSlots++;
      if (f >= this.fileDir.length) this.growFiles(f + 1);
    }
    this.fileDir[f] = dir;
    this.fileName[f] = name;
    this.fileTable.add(f);
    this.nextByName[f] = this.nameHead[name]!;
    this.nameHead[name] = f;
    // Tail chain: the new file becomes its head.
    const head = this.tailHead(this.dirName[dir]!, name);
    this.nextByTail[f] = head;
    if (head !== EMPTY) this.tailTable.replace(head, f);
    else this.tailTable.add(f);
    this.live++;
    return f;
  }

  removeFile(f: number): void {
    if (!this.isLive(f)) return;
    const name = this.fileName[f]!;
    this.fileTable.remove(f);
    // Name chain.
    if (this.nameHead[name] === f) this.nameHead[name] = this.nextByName[f]!;
    else {
      let p = this.nameHead[name]!;
      while (p !== EMPTY && this.nextByName[p] !== f) p = this.nextByName[p]!;
      if (p !== EMPTY) this.nextByName[p] = this.nextByName[f]!;
    }
    // Tail chain.
    const head = this.tailHead(this.tailParent(f), name);
    const next = this.nextByTail[f]!;
    if (head === f) {
      if (next !== EMPTY) this.tailTable.replace(f, next);
      else this.tailTable.remove(f);
    } else {
      let p = head;
      while (p !== EMPTY && this.nextByTail[p] !== f) p = this.nextByTail[p]!;
      if (p !== EMPTY) this.nextByTail[p] = next;
    }
    this.fileDir[f] = EMPTY;
    this.fileName[f] = EMPTY;
    this.nextByTail[f] = EMPTY;
    this.nextByName[f] = this.freeHead;
    this.freeHead = f;
    this.live--;
  }

  isLive(f: number): boolean {
    return f >= 0 && f < this.fileSlots && this.fileDir[f] !== EMPTY;
  }

  dirOf(f: number): number {
    return this.fileDir[f]!;
  }

  nameOf(f: number): number {
    return this.fileName[f]!;
  }

  /** Files named `name` (a segment id), appended to `out`. */
  filesNamed(name: number, out: number[] = []): number[] {
    for (let f = name === EMPTY ? EMPTY : this.nameHead[name]!; f !== EMPTY; f = this.nextByName[f]!) out.push(f);
    return out;
  }

  /** Files whose parent folder is named `parent` and whose name is `name` (segment ids). */
  filesEndingWith(parent: number, name: number): number[] {
    const out: number[] = [];
    if (parent === EMPTY || name === EMPTY) return out;
    for (let f = this.tailHead(parent, name); f !== EMPTY; f = this.nextByTail[f]!) out.push(f);
    return out;
  }

  /** Segment ids of names equal to `name` ignoring case. */
  namesIgnoringCase(name: string): readonly number[] {
    if (!this.lowerNames) {
      this.lowerNames = new Map();
      for (let id = 0; id < this.segCount; id++) {
        if (this.nameHead[id] === EMPTY) continue;
        const key = this.segment(id).toLowerCase();
        const list = this.lowerNames.get(key);
        if (list) list.push(id);
        else this.lowerNames.set(key, [id]);
      }
    }
    return this.lowerNames.get(name.toLowerCase()) ?? [];
  }

  /** Drops the case-insensitive lookup (names were added). */
  namesChanged(): void {
    this.lowerNames = undefined;
  }

  /** The segments of the folder from its root down (the root's own name excluded). */
  dirSegments(dir: number): string[] {
    const out: string[] = [];
    for (let d = dir; this.dirParent[d] !== EMPTY; d = this.dirParent[d]!) out.push(this.segment(this.dirName[d]!));
    return out.reverse();
  }

  /** Number of folders between a folder and its root (0 for a root). */
  depthOf(dir: number): number {
    let n = 0;
    for (let d = dir; this.dirParent[d] !== EMPTY; d = this.dirParent[d]!) n++;
    return n;
  }

  /** Trailing segments shared by the file (`dir`, `name`) and the path `ids` (segment ids, -1 unknown). */
  commonSuffix(dir: number, name: number, ids: readonly number[]): number {
    let i = ids.length - 1;
    if (i < 0 || ids[i] !== name) return 0;
    let n = 1;
    for (let d = dir; this.dirParent[d] !== EMPTY && --i >= 0; d = this.dirParent[d]!) {
      if (ids[i] !== this.dirName[d]) break;
      n++;
    }
    return n;
  }

  /** The root folder id of a folder. */
  rootDirOf(dir: number): number {
    let d = dir;
    while (this.dirParent[d] !== EMPTY) d = this.dirParent[d]!;
    return d;
  }

  private tailHead(parent: number, name: number): number {
    const t = this.tailTable;
    for (let i = t.start(mix(parent, name)); ; i = t.next(i)) {
      const f = t.slots[i]!;
      if (f === EMPTY) return EMPTY;
      if (this.fileName[f] === name && this.dirName[this.fileDir[f]!] === parent) return f;
    }
  }

  private tailParent(f: number): number {
    return this.dirName[this.fileDir[f]!]!;
  }

  /**
   * Makes room for `more` files beyond those indexed (a listing that knows its size, e.g. from git's
   * index header), so a million files are not copied and rehashed on the way; `trim` gives back
   * what was not used.
   */
  reserveFiles(more: number): void {
    if (!(more > 0)) return;
    const total = this.fileSlots + Math.min(more, 1 << 26);
    if (total > this.fileDir.length) this.growFiles(total);
    this.fileTable.reserve(this.live + more);
  }

  private growFiles(min: number): void {
    this.fileDir = grown(this.fileDir, min);
    this.fileName = grown(this.fileName, min);
    this.nextByName = grown(this.nextByName, min);
    this.nextByTail = grown(this.nextByTail, min);
  }
}
