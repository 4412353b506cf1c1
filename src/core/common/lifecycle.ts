import { onUnexpectedError } from './errors';

/** Something that holds a resource (listener, timer, connection) until it is disposed. */
export interface Disposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return {
    dispose: () => {
      if (!done) {
        done = true;
        fn();
      }
    },
  };
}

/** Disposes `d`; a throwing dispose is reported (logged), never allowed to keep other disposables alive. */
function disposeSafely(d: Disposable): void {
  try {
    d.dispose();
  } catch (e) {
    onUnexpectedError(e, 'disposing a resource failed');
  }
}

/**
 * A set of disposables disposed together, in reverse order, exactly once (VS Code's `DisposableStore`).
 * Unlike a plain list it can let go of one item early — `delete` disposes it, `deleteAndLeak` hands it
 * back — so a long-lived owner of short-lived things (panels, runs) does not keep every one it ever had.
 */
export class DisposableStore implements Disposable {
  private readonly items = new Set<Disposable>();
  private disposed = false;

  /** Keeps `d` until the store is disposed; a store that is already disposed disposes it right away. */
  add<T extends Disposable>(d: T): T {
    if (this.disposed) disposeSafely(d);
    else this.items.add(d);
    return d;
  }

  /** Disposes `d` now and forgets it. */
  delete(d: Disposable): void {
    if (this.items.delete(d)) disposeSafely(d);
  }

  /** Forgets `d` without disposing it (it disposed itself, or another owner takes it over). */
  deleteAndLeak(d: Disposable): void {
    this.items.delete(d);
  }

  /** How many disposables the store holds. */
  get size(): number {
    return this.items.size;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const all = [...this.items].reverse();
    this.items.clear();
    for (const d of all) disposeSafely(d);
  }
}

/** Holds at most one disposable: setting a new value disposes the old one (VS Code's `MutableDisposable`). */
export class MutableDisposable<T extends Disposable> implements Disposable {
  private current: T | undefined;
  private disposed = false;

  get value(): T | undefined {
    return this.current;
  }

  set value(v: T | undefined) {
    if (this.disposed) {
      if (v) disposeSafely(v);
      return;
    }
    if (v === this.current) return;
    const old = this.current;
    this.current = v;
    if (old) disposeSafely(old);
  }

  /** Disposes the value and holds nothing. */
  clear(): void {
    this.value = undefined;
  }

  dispose(): void {
    this.clear();
    this.disposed = true;
  }
}

/** Base class that disposes everything registered with it, in reverse order, exactly once. */
export abstract class DisposableBase implements Disposable {
  private readonly disposables = new DisposableStore();

  protected register<T extends Disposable>(d: T): T {
    return this.disposables.add(d);
  }

  protected get isDisposed(): boolean {
    return this.disposables.isDisposed;
  }

  /** How many disposables are registered (tests check that closed things do not pile up). */
  get registrations(): number {
    return this.disposables.size;
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
