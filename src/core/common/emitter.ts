import { onUnexpectedError } from './errors';
import type { Disposable } from './lifecycle';

/** A listener registration function, shaped like vscode.Event so host code can use either. */
export type Event<T> = (listener: (e: T) => void) => Disposable;

/** Minimal event emitter with the vscode.EventEmitter shape, for the vscode-free core. */
export class Emitter<T> implements Disposable {
  private listeners = new Set<(e: T) => void>();

  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return {
      dispose: () => {
        this.listeners.delete(listener);
      },
    };
  };

  fire(e: T): void {
    for (const l of [...this.listeners]) {
      // A failing listener must not break the others; it is logged, not lost.
      try {
        l(e);
      } catch (err) {
        onUnexpectedError(err, 'an event listener failed');
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
