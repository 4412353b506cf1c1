// Disposables: a store that lets go of one item early, a slot that holds one, and errors that are
// caught so the rest keeps working but are reported, never swallowed.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Emitter } from '../../../src/core/common/emitter';
import { setUnexpectedErrorHandler } from '../../../src/core/common/errors';
import {
  DisposableBase,
  DisposableStore,
  MutableDisposable,
  type Disposable,
} from '../../../src/core/common/lifecycle';

function tracked(name: string, log: string[]): Disposable {
  return {
    dispose: () => {
      log.push(name);
    },
  };
}

let reported: Array<{ context: string; message: string }> = [];
let restore: () => void = () => undefined;
beforeEach(() => {
  reported = [];
  restore = setUnexpectedErrorHandler((e, context) =>
    reported.push({ context, message: e instanceof Error ? e.message : String(e) }),
  );
});
afterEach(() => restore());

describe('DisposableStore', () => {
  test('disposes in reverse order, once; adding after dispose disposes at once', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(tracked('a', log));
    store.add(tracked('b', log));
    store.dispose();
    store.dispose();
    assert.deepEqual(log, ['b', 'a']);
    store.add(tracked('late', log));
    assert.deepEqual(log, ['b', 'a', 'late']);
    assert.equal(store.size, 0);
  });

  test('delete disposes one item now and forgets it; deleteAndLeak forgets without disposing', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    const a = store.add(tracked('a', log));
    const b = store.add(tracked('b', log));
    store.add(tracked('c', log));
    store.delete(a);
    assert.deepEqual(log, ['a']);
    store.deleteAndLeak(b);
    assert.equal(store.size, 1);
    store.dispose();
    assert.deepEqual(log, ['a', 'c'], 'b was handed back, not disposed');
  });

  test('a long-lived owner opening and closing 50 short-lived things holds none of them afterwards', () => {
    class Owner extends DisposableBase {
      private readonly open = this.register(new DisposableStore());
      openOne(): Disposable {
        const item: Disposable = { dispose: () => this.open.deleteAndLeak(item) };
        return this.open.add(item);
      }
      get held(): number {
        return this.open.size;
      }
    }
    const owner = new Owner();
    for (let i = 0; i < 50; i++) owner.openOne().dispose();
    assert.equal(owner.held, 0);
    assert.equal(owner.registrations, 1, 'only the store itself is registered');
  });

  test('a throwing dispose is reported and does not keep the others alive', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(tracked('first', log));
    store.add({
      dispose: () => {
        throw new Error('socket already closed');
      },
    });
    store.add(tracked('last', log));
    store.dispose();
    assert.deepEqual(log, ['last', 'first']);
    assert.deepEqual(reported, [{ context: 'disposing a resource failed', message: 'socket already closed' }]);
  });
});

describe('MutableDisposable', () => {
  test('setting a value disposes the previous one; dispose clears it and refuses later values', () => {
    const log: string[] = [];
    const slot = new MutableDisposable<Disposable>();
    const a = tracked('a', log);
    slot.value = a;
    slot.value = a;
    assert.deepEqual(log, []);
    slot.value = tracked('b', log);
    assert.deepEqual(log, ['a']);
    slot.dispose();
    assert.deepEqual(log, ['a', 'b']);
    assert.equal(slot.value, undefined);
    slot.value = tracked('c', log);
    assert.deepEqual(log, ['a', 'b', 'c']);
    assert.equal(slot.value, undefined);
  });
});

describe('Emitter', () => {
  test('a throwing listener is reported and the other listeners still run', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    emitter.event(() => {
      throw new Error('listener broke');
    });
    emitter.event((n) => seen.push(n));
    emitter.fire(7);
    assert.deepEqual(seen, [7]);
    assert.deepEqual(reported, [{ context: 'an event listener failed', message: 'listener broke' }]);
  });
});
