/** Something that holds a resource (listener, timer, connection) until it is disposed. */
export interface Disposable {
  dispose(): void;
}

export function toDisposable(fn: () => void): Disposable {
  let done = false;
  return { dispose: () => { if (!done) { done = true; fn(); } } };
}

/** Base class that disposes everything registered with it, in reverse order, exactly once. */
export abstract class DisposableBase implements Disposable {
  private readonly disposables: Disposable[] = [];
  private disposed = false;

  protected register<T extends Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.disposables.push(d);
    return d;
  }

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const d of this.disposables.splice(0).reverse()) {
      try { d.dispose(); } catch { /* one failing disposable must not keep the others alive */ }
    }
  }
}
