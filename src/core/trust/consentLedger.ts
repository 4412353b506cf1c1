/**
 * The user's answers about workspace values of consent settings (see workspaceValues.ts): which values
 * apply now, asking at most one question per value at a time, remembering a yes (a digest of workspace +
 * setting + value, in a per-workspace memento) and a no for the session. A value declined in this
 * session is asked about again only for something the user started, never by a timer. No `vscode`: the
 * host passes the setting layers, the memento and the modal.
 */
import { Emitter, type Event } from '../common/emitter';
import { DisposableBase } from '../common/lifecycle';
import type { Logger } from '../common/logger';
import type { ConsentQuestion } from './consentQuestion';
import {
  decide,
  fingerprint,
  userValue,
  type ConsentSetting,
  type SettingLayers,
  type WorkspaceValueDecision,
} from './workspaceValues';

/** Shows the question; resolves true when the user allowed it. */
export type ConfirmWorkspaceValue = (question: ConsentQuestion) => Promise<boolean>;

/** The slice of VS Code's `Memento` the ledger uses. */
export interface ConsentMemento {
  get<T>(key: string, defaultValue: T): T;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface ConsentLedgerDeps {
  state: ConsentMemento;
  stateKey: string;
  /** Identifies the open workspace (its .code-workspace file, else its folders). */
  workspaceId(): string;
  layers(setting: ConsentSetting): SettingLayers<unknown>;
  /** Words the question (loaded lazily: it parses log sources, which pulls in the SSH module). */
  question(setting: ConsentSetting, value: unknown, current: unknown): Promise<ConsentQuestion>;
  confirm: ConfirmWorkspaceValue;
  log: Logger;
  /** The setting's full key, for log lines. */
  label(setting: ConsentSetting): string;
}

/** Yes-answers kept per workspace; the oldest go first beyond this. */
const MAX_REMEMBERED = 50;

export class ConsentLedger extends DisposableBase {
  /** The modal; replaceable so extension tests can answer it (they assert the question's text too). */
  confirm: ConfirmWorkspaceValue;
  private readonly changed = this.register(new Emitter<ConsentSetting>());
  /** A workspace value was allowed: the effective settings changed. */
  readonly onDidAllow: Event<ConsentSetting> = this.changed.event;
  private readonly declined = new Set<string>();
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(private readonly deps: ConsentLedgerDeps) {
    super();
    this.confirm = deps.confirm;
  }

  layers<T>(setting: ConsentSetting): SettingLayers<T> {
    return this.deps.layers(setting) as SettingLayers<T>;
  }

  /** `layers`: the setting's layers when the caller has just read them (they cost an inspect). */
  decision<T>(
    setting: ConsentSetting,
    fallback: T,
    layers: SettingLayers<T> = this.layers<T>(setting),
  ): WorkspaceValueDecision<T> {
    const allowed = new Set(this.deps.state.get<string[]>(this.deps.stateKey, []));
    return decide(setting, layers, fallback, this.deps.workspaceId(), (fp) => allowed.has(fp));
  }

  /**
   * Asks about every setting in `settings` whose workspace value is not allowed yet. Afterwards the
   * decisions give the allowed workspace values, or else the user's own; so callers read the settings
   * after awaiting this.
   */
  async request(settings: readonly ConsentSetting[], options: { userAction?: boolean } = {}): Promise<void> {
    for (const s of settings) await this.requestOne(s, options.userAction === true);
  }

  /**
   * Records a yes without asking: only for values the extension itself wrote into a folder it owns
   * (the demo workspace, at its exact path, after the user started the demo). By value, not by what the
   * configuration holds now: the settings file may just have been written.
   */
  async allow(setting: ConsentSetting, value: unknown): Promise<void> {
    await this.remember(fingerprint(this.deps.workspaceId(), setting, value));
    this.changed.fire(setting);
  }

  private async requestOne(setting: ConsentSetting, userAction: boolean): Promise<boolean> {
    const d = this.decision<unknown>(setting, undefined);
    if (d.state !== 'pending' || !d.fingerprint) return d.state !== 'pending';
    const fp = d.fingerprint;
    if (this.declined.has(fp) && !userAction) return false;
    let pending = this.asking.get(fp);
    if (!pending) {
      pending = this.ask(setting, d.workspaceValue, userValue(this.layers(setting), undefined), fp).finally(() =>
        this.asking.delete(fp),
      );
      this.asking.set(fp, pending);
    }
    return pending;
  }

  private async ask(setting: ConsentSetting, value: unknown, current: unknown, fp: string): Promise<boolean> {
    const yes = await this.confirm(await this.deps.question(setting, value, current));
    if (!yes) {
      this.declined.add(fp);
      this.deps.log.warn(`[trust] workspace value of ${this.deps.label(setting)} declined; your own value is used`);
      return false;
    }
    this.declined.delete(fp);
    await this.remember(fp);
    this.deps.log.info(`[trust] workspace value of ${this.deps.label(setting)} allowed by the user`);
    this.changed.fire(setting);
    return true;
  }

  private async remember(fp: string): Promise<void> {
    const allowed = this.deps.state.get<string[]>(this.deps.stateKey, []);
    await this.deps.state.update(this.deps.stateKey, [...allowed.filter((x) => x !== fp), fp].slice(-MAX_REMEMBERED));
  }
}
