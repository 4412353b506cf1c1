// The command table: every id registered at once behind one error edge; lazily loaded features'
// commands are stubs that wait for the feature, run its handler, and say why when it failed to load.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RcaError } from '../../../src/core/common/errors';
import type { Disposable } from '../../../src/core/common/lifecycle';
import { CommandTable, type CommandEntry, type LazyFeature } from '../../../src/host/commands/commandTable';
import { Commands, type CommandId } from '../../../src/host/ids';

/** What VS Code's command registry and the error edge see. */
function fakeHost() {
  const registered = new Map<string, (...args: unknown[]) => unknown>();
  const reported: Array<{ context: string; error: unknown }> = [];
  return {
    registered,
    reported,
    registerCommand(id: string, handler: (...args: unknown[]) => unknown): Disposable {
      assert.ok(!registered.has(id), `${id} registered twice`);
      registered.set(id, handler);
      return { dispose: () => registered.delete(id) };
    },
    reportError(context: string, error: unknown) {
      reported.push({ context, error });
    },
    run(id: string, ...args: unknown[]) {
      const h = registered.get(id);
      assert.ok(h, `${id} is not registered`);
      return h(...args);
    },
  };
}

function deferred(): { promise: Promise<void>; resolve(): void; reject(e: unknown): void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** A full table: `run` entries echo their arguments, the AI and frame commands belong to lazy features. */
function entries(frames: LazyFeature, investigation: LazyFeature): Record<CommandId, CommandEntry> {
  const lazy = new Set<CommandId>([
    Commands.openFrame,
    Commands.addPathMapping,
    Commands.diagnoseIssue,
    Commands.setOpenAiKey,
    Commands.clearOpenAiKey,
  ]);
  const out = {} as Record<CommandId, CommandEntry>;
  for (const [name, id] of Object.entries(Commands)) {
    if (!lazy.has(id)) out[id] = { title: name, run: (...args: unknown[]) => ({ ran: id, args }) };
    else
      out[id] = {
        title: name,
        feature: id === Commands.openFrame || id === Commands.addPathMapping ? frames : investigation,
      };
  }
  return out;
}

describe('CommandTable', () => {
  test('registers every command id at once and disposes them all', () => {
    const host = fakeHost();
    const table = new CommandTable(
      entries({ name: 'frames', loaded: deferred().promise }, { name: 'investigation', loaded: deferred().promise }),
      host,
    );
    assert.deepEqual([...host.registered.keys()].sort(), Object.values(Commands).sort());
    assert.deepEqual(table.ids.sort(), Object.values(Commands).sort());
    table.dispose();
    assert.equal(host.registered.size, 0);
  });

  test("a handler's result goes back to the caller; its error is reported once under the command title and not thrown", async () => {
    const host = fakeHost();
    const e = entries(
      { name: 'frames', loaded: Promise.resolve() },
      { name: 'investigation', loaded: Promise.resolve() },
    );
    e[Commands.syncNow] = {
      title: 'Sync',
      run: async () => {
        throw new RcaError('auth', 'Sentry rejected the token.');
      },
    };
    new CommandTable(e, host);
    assert.deepEqual(await host.run(Commands.copyLink, 'a', 2), { ran: Commands.copyLink, args: ['a', 2] });
    assert.equal(await host.run(Commands.syncNow), undefined);
    assert.equal(host.reported.length, 1);
    assert.equal(host.reported[0]!.context, 'Sync');
    assert.match((host.reported[0]!.error as Error).message, /rejected the token/);
  });

  test('a lazy command called before its feature loads waits for it, then runs the provided handler', async () => {
    const host = fakeHost();
    const frames = deferred();
    const table = new CommandTable(
      entries(
        { name: 'clickable frames', loaded: frames.promise },
        { name: 'investigation', loaded: Promise.resolve() },
      ),
      host,
    );
    const call = host.run(Commands.openFrame, { frame: 1 }) as Promise<unknown>;
    let settled = false;
    void call.then(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(settled, false, 'the stub waits while the feature loads');
    table.provide(Commands.openFrame, (arg: unknown) => ({ opened: arg }));
    frames.resolve();
    assert.deepEqual(await call, { opened: { frame: 1 } });
    assert.equal(host.reported.length, 0);
  });

  test('a lazy command whose feature failed to load says so, with the reason, instead of "command not found"', async () => {
    const host = fakeHost();
    const investigation = deferred();
    new CommandTable(
      entries(
        { name: 'clickable frames', loaded: Promise.resolve() },
        { name: 'the investigation feature', loaded: investigation.promise },
      ),
      host,
    );
    investigation.reject(new Error("Cannot find module 'ssh2'"));
    assert.equal(await host.run(Commands.diagnoseIssue, 'APP-1'), undefined);
    assert.equal(host.reported.length, 1);
    const { context, error } = host.reported[0]!;
    assert.equal(context, 'diagnoseIssue');
    assert.ok(error instanceof RcaError);
    assert.match(
      error.message,
      /not available: the investigation feature could not be loaded \(Cannot find module 'ssh2'\)/,
    );
    assert.match(String((error.cause as Error).message), /ssh2/);
  });

  test('disposing a provided handler puts the stub back; provide refuses commands the table runs itself', async () => {
    const host = fakeHost();
    const table = new CommandTable(
      entries(
        { name: 'clickable frames', loaded: Promise.resolve() },
        { name: 'investigation', loaded: Promise.resolve() },
      ),
      host,
    );
    const frames = { name: 'clickable frames', loaded: Promise.resolve() };
    assert.deepEqual(
      new CommandTable(entries(frames, { name: 'investigation', loaded: Promise.resolve() }), fakeHost()).unprovided(
        frames,
      ),
      [Commands.openFrame, Commands.addPathMapping],
    );
    const provided = table.provide(Commands.addPathMapping, () => 'mapped');
    assert.equal(await host.run(Commands.addPathMapping), 'mapped');
    provided.dispose();
    assert.equal(await host.run(Commands.addPathMapping), undefined);
    assert.match((host.reported[0]!.error as Error).message, /clickable frames is not running/);
    assert.throws(() => table.provide(Commands.syncNow, () => undefined), /not a command a feature provides/);
  });
});
