import { Emitter, type Event } from '../core/common/emitter';
import { DisposableBase } from '../core/common/lifecycle';
import { emptyStore, type IssueStore } from '../core/store/issueStore';
import type { StoredEvent, StoredIssue, StoredProject, StoreMeta } from '../core/store/model';

/**
 * The issue store while it loads: reading a large store takes longer than activation should (about
 * 90 ms for 10k issues), so activation hands out this handle, which answers "empty" until the file is
 * read and then fires a change. Sync and anything that writes waits for `ready`.
 */
export class StoreHandle extends DisposableBase {
  private readonly changed = this.register(new Emitter<void>());
  readonly onDidChange: Event<void> = this.changed.event;
  readonly ready: Promise<IssueStore>;
  private store: IssueStore | undefined;
  private readonly empty = emptyStore();

  constructor(open: () => Promise<IssueStore>) {
    super();
    this.ready = open().then((store) => {
      if (this.isDisposed) {
        store.dispose();
        return store;
      }
      this.store = this.register(store);
      this.register(store.onDidChange(() => this.changed.fire()));
      this.changed.fire();
      return store;
    });
  }

  get loaded(): IssueStore | undefined {
    return this.store;
  }

  meta(): StoreMeta {
    return this.store?.meta() ?? this.empty.meta;
  }
  projects(): StoredProject[] {
    return this.store?.projects() ?? [];
  }
  issues(): StoredIssue[] {
    return this.store?.issues() ?? [];
  }
  issue(id: string): StoredIssue | undefined {
    return this.store?.issue(id);
  }
  findIssue(idOrShortId: string): StoredIssue | undefined {
    return this.store?.findIssue(idOrShortId);
  }
  events(issueId: string): StoredEvent[] {
    return this.store?.events(issueId) ?? [];
  }
}
