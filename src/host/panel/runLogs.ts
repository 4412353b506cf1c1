/**
 * SSH log access for diagnosis runs. Each run gets its own SshLogFetcher — its own connections — and
 * closes it when that run ends; another run starting or ending never touches it, so two panels
 * diagnosing at once, or a re-run while the first fetch is still in flight, both get their logs.
 * Whatever is still open when the feature is disposed (deactivation) is closed then.
 */
import { RcaError } from '../../core/common/errors';
import { DisposableStore, type Disposable } from '../../core/common/lifecycle';
import { parseLogSources, sshLogProvider } from '../../core/investigate/adapters';
import type { LogProvider } from '../../core/investigate/ports';
import { SshLogFetcher, type SshLogFetcherOptions } from '../../core/logs';

/** One run's logs; dispose it when the run ends. */
export interface RunLogLease extends Disposable {
  readonly provider: LogProvider;
}

export class RunLogs implements Disposable {
  private readonly open = new DisposableStore();

  /** Options every run's fetcher shares (logger, passphrase prompt; tests add `home`). */
  constructor(private readonly options: SshLogFetcherOptions) {}

  /**
   * The log provider for one run over `sources` (the `sentryRCA.logs.sources` form), or undefined when
   * there are none. Throws a usage error naming `setting` for a malformed source.
   */
  forRun(sources: readonly string[], sshConfigFile: string, setting: string): RunLogLease | undefined {
    const requests = parseLogSources(sources, setting);
    if (requests.length === 0) return undefined;
    // After deactivation nothing would close the connections a run opened.
    if (this.open.isDisposed) throw new RcaError('cancelled', 'The diagnosis feature is shutting down.');
    const fetcher = this.open.add(
      new SshLogFetcher({ ...this.options, ...(sshConfigFile ? { sshConfigPath: sshConfigFile } : {}) }),
    );
    return { provider: sshLogProvider(fetcher, requests), dispose: () => this.open.delete(fetcher) };
  }

  /** Runs whose fetcher is still open. */
  get openRuns(): number {
    return this.open.size;
  }

  dispose(): void {
    this.open.dispose();
  }
}
