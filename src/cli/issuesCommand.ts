import { IssueStore } from '../core/store/issueStore';
import { levelRank } from '../core/store/model';
import { issueRow, type IssueRow } from '../core/agent/storedIssues';
import { EXIT, printable, relativeTime, type CliIo } from './cliIo';

export interface IssuesArgs {
  store: string;
  json: boolean;
  all: boolean;
  projects: string[];
  minLevel?: string;
}

/** The fields of `sentry-rca issues --json` (documented in the README). */
export interface IssueJson extends IssueRow {
  permalink: string;
  latestEventId: string | null;
}

/** `sentry-rca issues`: the stored issues, most recently seen first. Reads only the store (works offline). */
export async function issuesCommand(args: IssuesArgs, io: CliIo, now = Date.now()): Promise<number> {
  const store = await IssueStore.open(args.store);
  try {
    if (store.recovery)
      io.err(
        `warning: the store could not be read (${store.recovery.reason}); it was moved to ${store.recovery.movedTo}.\n`,
      );
    const min = args.minLevel ? levelRank(args.minLevel) : 0;
    const issues = store
      .issues()
      .filter((i) => args.all || i.status === 'unresolved')
      .filter((i) => args.projects.length === 0 || args.projects.includes(i.projectSlug))
      .filter((i) => levelRank(i.level) >= min);
    const rows: IssueJson[] = issues.map((i) => ({
      ...issueRow(i, store.events(i.id).length),
      permalink: i.permalink,
      latestEventId: store.latestEvent(i.id)?.id ?? null,
    }));
    if (args.json) {
      io.out(JSON.stringify(rows, null, 2) + '\n');
      return EXIT.ok;
    }
    const meta = store.meta();
    if (rows.length === 0) {
      io.out(meta.lastSuccessfulSync ? 'No issues match.\n' : 'The store is empty: run `sentry-rca sync` first.\n');
      return EXIT.ok;
    }
    const table = rows.map((r) => [
      r.shortId,
      r.level,
      String(r.count),
      relativeTime(r.lastSeen, now),
      printable(r.title),
    ]);
    const head = ['SHORT ID', 'LEVEL', 'EVENTS', 'LAST SEEN', 'TITLE'];
    const widths = head.map((h, c) => Math.max(h.length, ...table.map((row) => row[c]!.length)));
    const fixed = widths.slice(0, 4).reduce((a, b) => a + b + 2, 0);
    const titleWidth = Math.max(20, io.columns - fixed);
    const line = (cells: string[]) =>
      cells
        .map((cell, c) =>
          c === 4
            ? cell.length > titleWidth
              ? cell.slice(0, titleWidth - 1) + '…'
              : cell
            : c === 2
              ? cell.padStart(widths[c]!)
              : cell.padEnd(widths[c]!),
        )
        .join('  ')
        .trimEnd();
    io.out([line(head), ...table.map(line)].join('\n') + '\n');
    if (meta.lastSuccessfulSync)
      io.out(
        `\n${rows.length} issue${rows.length === 1 ? '' : 's'}; last sync ${relativeTime(meta.lastSuccessfulSync, now)} (${meta.org ?? '?'}).\n`,
      );
    return EXIT.ok;
  } finally {
    store.dispose();
  }
}
