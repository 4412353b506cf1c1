/**
 * `sentry-rca resolve|unresolve|archive|assign|bookmark|note`: triage from the command line, over the
 * same core as the editor (TriageService: the store changes at once and goes back for what Sentry
 * refuses). Issues are named by id or short id as the store has them (run `sync` first).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { errorMessage, RcaError } from '../core/common/errors';
import { tagged, type Logger } from '../core/common/logger';
import type { InvestigationRecord } from '../core/investigate/investigation';
import { IssueWrites } from '../core/sentry/issueWrites';
import { SentryClient } from '../core/sentry/sentryClient';
import { WRITE_HELP } from '../core/sentry/scopes';
import { IssueStore } from '../core/store/issueStore';
import type { IssueAssignee } from '../core/store/model';
import { ARCHIVE_SPEC_HELP, parseArchiveSpec } from '../core/triage/archiveSpec';
import { toDirectory } from '../core/triage/assignees';
import { diagnosisNote } from '../core/triage/diagnosisNote';
import { describeAction, type TriageAction } from '../core/triage/triageAction';
import { TriageService, type TriageOutcome } from '../core/triage/triageService';
import { EXIT, printable, type CliIo } from './cliIo';

export const TRIAGE_COMMANDS = ['resolve', 'unresolve', 'archive', 'assign', 'bookmark', 'note'] as const;
export type TriageCommand = (typeof TRIAGE_COMMANDS)[number];

const COMMON = '--store DIR [--url URL] [--org ORG] [--json]';
export const TRIAGE_USAGE: Record<TriageCommand, string> = {
  resolve: `  resolve   ${COMMON} [--next-release|--current-release] ISSUE_ID...
            Resolve issues (ids or short ids such as ORDERS-1), now or in the next / current release.`,
  unresolve: `  unresolve ${COMMON} ISSUE_ID...
            Reopen resolved or archived issues.`,
  archive: `  archive   ${COMMON} --until MODE ISSUE_ID...
            Archive ("ignore") issues; MODE is ${ARCHIVE_SPEC_HELP}.`,
  assign: `  assign    ${COMMON} --to WHO ISSUE_ID...
            Assign issues; WHO is me, none (unassign), user:ID, team:ID, a member's email or #team-slug.`,
  bookmark: `  bookmark  ${COMMON} [--off] ISSUE_ID...
            Bookmark issues (--off: remove the bookmark).`,
  note: `  note      ${COMMON} (--text TEXT | --file FILE | --diagnosis) [--dry-run] ISSUE_ID
            Add a note (a Sentry comment) to one issue. --diagnosis posts the summary of the issue's last
            saved diagnosis (culprit, top hypotheses, suspect commits); the text is printed first.
            --dry-run prints it and posts nothing.
            These six need a token with event:write (or event:admin); assign lists members with
            member:read. Exit 3 when Sentry refused some of the issues (they are left as they were).`,
};

export function isTriageCommand(c: string): c is TriageCommand {
  return (TRIAGE_COMMANDS as readonly string[]).includes(c);
}

export async function triageCommand(
  command: TriageCommand,
  argv: string[],
  io: CliIo,
  logger: Logger,
  signal: AbortSignal,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        store: { type: 'string' },
        url: { type: 'string' },
        org: { type: 'string' },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        'next-release': { type: 'boolean' },
        'current-release': { type: 'boolean' },
        until: { type: 'string' },
        to: { type: 'string' },
        off: { type: 'boolean' },
        text: { type: 'string' },
        file: { type: 'string' },
        diagnosis: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new RcaError('usage', `${(e as Error).message}\n\n${TRIAGE_USAGE[command]}`);
  }
  const v = parsed.values;
  const ids = parsed.positionals;
  const allowed: Record<TriageCommand, string[]> = {
    resolve: ['next-release', 'current-release'],
    unresolve: [],
    archive: ['until'],
    assign: ['to'],
    bookmark: ['off'],
    note: ['text', 'file', 'diagnosis', 'dry-run'],
  };
  const common = ['store', 'url', 'org', 'json', 'timeout'];
  const stray = Object.keys(v).filter((k) => !common.includes(k) && !allowed[command].includes(k));
  if (stray.length) throw new RcaError('usage', `${command} does not take --${stray.join(', --')}.`);
  if (ids.length === 0)
    throw new RcaError('usage', `${command} needs at least one ISSUE_ID (numeric id or short id such as ORDERS-1).`);
  if (command === 'note' && ids.length > 1) throw new RcaError('usage', 'note takes one ISSUE_ID.');
  if (!v.store) throw new RcaError('usage', `${command} needs --store (the directory \`sentry-rca sync\` wrote).`);
  const org = v.org ?? io.env.SENTRY_ORG;
  if (!org) throw new RcaError('usage', `${command} needs --org (or SENTRY_ORG).`);

  // Validate everything that needs no network first, so a typo costs no request.
  let action: TriageAction | null = null;
  if (command === 'resolve') {
    if (v['next-release'] && v['current-release'])
      throw new RcaError('usage', 'Choose one of --next-release and --current-release.');
    action = {
      kind: v['next-release'] ? 'resolveInNextRelease' : v['current-release'] ? 'resolveInCurrentRelease' : 'resolve',
    };
  } else if (command === 'unresolve') action = { kind: 'unresolve' };
  else if (command === 'archive') {
    if (!v.until) throw new RcaError('usage', `archive needs --until MODE (${ARCHIVE_SPEC_HELP}).`);
    action = { kind: 'archive', mode: parseArchiveSpec(v.until) };
  } else if (command === 'bookmark') action = { kind: 'bookmark', value: !v.off };
  else if (command === 'assign' && !v.to)
    throw new RcaError('usage', 'assign needs --to (me, none, user:ID, team:ID, an email or #team).');
  if (
    command === 'note' &&
    [v.text !== undefined, v.file !== undefined, v.diagnosis === true].filter(Boolean).length !== 1
  )
    throw new RcaError('usage', 'note needs exactly one of --text, --file and --diagnosis.');

  const token = io.env.SENTRY_AUTH_TOKEN?.trim();
  const dryRun = command === 'note' && v['dry-run'] === true;
  if (!token && !dryRun) throw new RcaError('usage', 'SENTRY_AUTH_TOKEN is not set.', WRITE_HELP);

  const store = await IssueStore.open(v.store, { logger: tagged(logger, 'store') });
  try {
    if (store.issues().length === 0)
      throw new RcaError('usage', `The store ${store.file} holds no issues.`, 'Run `sentry-rca sync` first.');
    const makeClient = () =>
      new SentryClient({
        baseUrl: v.url ?? io.env.SENTRY_URL ?? 'https://sentry.io',
        token: token ?? '',
        org,
        logger: tagged(logger, 'sentry'),
        timeoutMs: Number(v.timeout ?? 30) * 1000,
        allowHttp: io.env.SENTRY_RCA_ALLOW_HTTP === '1',
      });
    const client = token ? makeClient() : null;
    const writes = client ? new IssueWrites(client) : null;
    const service = new TriageService({
      writes: writes ?? {
        updateIssue: () => Promise.reject(new Error('no token')),
        bulkUpdate: () => Promise.reject(new Error('no token')),
        addNote: () => Promise.reject(new Error('no token')),
      },
      store,
      logger: tagged(logger, 'triage'),
    });
    const { issues, unknown } = service.resolveIds(ids);
    if (unknown.length)
      throw new RcaError(
        'usage',
        `Not in the store: ${unknown.map((u) => printable(u)).join(', ')}.`,
        'Use ids or short ids from `sentry-rca issues`; run `sentry-rca sync` if they are new.',
      );

    if (command === 'note') {
      const issue = issues[0]!;
      let text: string;
      if (v.text !== undefined) text = v.text;
      else if (v.file !== undefined) {
        try {
          text = await readFile(v.file, 'utf8');
        } catch (e) {
          throw new RcaError('usage', `Cannot read ${v.file}: ${(e as Error).message}`);
        }
      } else {
        const record = store.investigations(issue.id)[0] as InvestigationRecord | undefined;
        if (!record)
          throw new RcaError(
            'usage',
            `Issue ${issue.shortId} has no saved diagnosis.`,
            `Run \`sentry-rca diagnose ${issue.shortId}\` (or "Diagnose" in the editor) first.`,
          );
        text = diagnosisNote(issue, record);
      }
      if (!text.trim()) throw new RcaError('usage', 'The note is empty.');
      if (v.diagnosis || dryRun) io.err(`Note for ${issue.shortId}:\n${printable(text).replace(/ {2,}/g, ' ')}\n`);
      if (dryRun) {
        if (v.json) io.out(JSON.stringify({ issue: issue.id, text, posted: false }, null, 2) + '\n');
        return EXIT.ok;
      }
      const note = await service.addNote(issue.id, text, signal);
      if (v.json)
        io.out(JSON.stringify({ issue: issue.id, text, posted: true, noteId: String(note.id) }, null, 2) + '\n');
      else io.out(`Note ${String(note.id)} added to ${issue.shortId}.\n`);
      return EXIT.ok;
    }

    if (command === 'assign') action = { kind: 'assign', assignee: await assigneeFor(v.to!, client!, signal) };
    const outcome = await service.apply(
      issues.map((i) => i.id),
      action!,
      signal,
    );
    return report(outcome, store, v.json === true, io);
  } finally {
    store.dispose();
  }
}

/** `--to` in words → the assignee (names from Sentry's member and team lists). */
async function assigneeFor(to: string, client: SentryClient, signal: AbortSignal): Promise<IssueAssignee | null> {
  const who = to.trim();
  if (who === 'none' || who === '') return null;
  if (who === 'me') {
    const check = await client.checkToken(signal);
    if (!check.userId)
      throw new RcaError(
        'auth',
        'Sentry did not say which user the token belongs to, so "me" is unknown.',
        'Use --to user:ID.',
      );
    return { type: 'user', id: check.userId, name: 'me' };
  }
  const writes = new IssueWrites(client);
  const m = /^(user|team):(\d+)$/.exec(who);
  const dir = toDirectory(
    m?.[1] === 'team' || who.startsWith('#') ? [] : await writes.listMembers(signal),
    m?.[1] === 'user' || (!m && !who.startsWith('#')) ? [] : await writes.listTeams(signal),
  );
  let found: IssueAssignee | undefined;
  if (m) found = [...dir.members, ...dir.teams].find((a) => a.type === m[1] && a.id === m[2]);
  else if (who.startsWith('#')) found = dir.teams.find((t) => t.name === who.slice(1));
  else found = dir.members.find((a) => a.email?.toLowerCase() === who.toLowerCase());
  if (found) return found;
  // An id the lists do not show (no member:read) is still sent; Sentry checks it.
  if (m) return { type: m[1] as 'user' | 'team', id: m[2]!, name: who };
  throw new RcaError(
    'usage',
    `No ${who.startsWith('#') ? 'team' : 'member'} "${printable(who)}" in ${client.org}.`,
    dir.membersUnavailable ?? 'Use me, none, user:ID, team:ID, a member email or #team-slug.',
  );
}

function report(outcome: TriageOutcome, store: IssueStore, json: boolean, io: CliIo): number {
  const shortId = (id: string) => store.issue(id)?.shortId ?? id;
  if (json) {
    io.out(
      JSON.stringify(
        {
          action: outcome.action,
          changed: outcome.changed,
          failed: outcome.failed.map((f) => ({ issueIds: f.issueIds, message: f.message })),
          requests: outcome.requests,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    if (outcome.changed.length)
      io.out(
        `${describeAction(outcome.action)[0]!.toUpperCase()}${describeAction(outcome.action).slice(1)}: ${outcome.changed.map(shortId).join(', ')} (${outcome.requests} request${outcome.requests === 1 ? '' : 's'}).\n`,
      );
    for (const f of outcome.failed)
      io.err(
        `Not changed (left as they were): ${f.issueIds.map(shortId).join(', ')}: ${printable(errorMessage(f.error))}\n`,
      );
    if (outcome.forbidden) io.err(`${WRITE_HELP}\n`);
  }
  if (outcome.failed.length === 0) return EXIT.ok;
  return outcome.changed.length ? EXIT.partial : EXIT.remote;
}
