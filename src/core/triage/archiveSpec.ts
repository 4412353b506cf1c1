/**
 * Archive modes written as text, for the CLI's `--until` and scripted commands:
 * `forever`, `escalating`, a duration (`30m`, `2h`, `1d`, `1w`), `count:N[/WINDOW]` (until it occurs N
 * more times, within WINDOW when given) or `users:N[/WINDOW]`.
 */
import { RcaError } from '../common/errors';
import { archiveModeProblem, type ArchiveMode } from './triageAction';

const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440, w: 10080 };

export const ARCHIVE_SPEC_HELP =
  'forever, escalating, a duration such as 30m, 2h, 1d, 1w, count:N[/WINDOW] or users:N[/WINDOW] (e.g. count:100/1h)';

function minutes(text: string): number | null {
  const m = /^(\d+)([mhdw])$/.exec(text.trim());
  return m ? Number(m[1]) * UNIT_MINUTES[m[2]!]! : null;
}

export function parseArchiveSpec(spec: string): ArchiveMode {
  const s = spec.trim().toLowerCase();
  let mode: ArchiveMode | null = null;
  if (s === 'forever') mode = { until: 'forever' };
  else if (s === 'escalating' || s === 'until-escalating') mode = { until: 'escalating' };
  else if (minutes(s) !== null) mode = { until: 'duration', minutes: minutes(s)! };
  else {
    const m = /^(count|users):(\d+)(?:\/(\w+))?$/.exec(s);
    if (m) {
      const window = m[3] === undefined ? undefined : minutes(m[3]);
      if (window === null) throw new RcaError('usage', `"${m[3]}" is not a time window; use e.g. 30m, 1h, 1d or 1w.`);
      mode = { until: m[1] === 'count' ? 'count' : 'users', count: Number(m[2]), windowMinutes: window };
    }
  }
  if (!mode) throw new RcaError('usage', `"${spec}" is not an archive mode; use ${ARCHIVE_SPEC_HELP}.`);
  const problem = archiveModeProblem(mode);
  if (problem) throw new RcaError('usage', problem);
  return mode;
}
