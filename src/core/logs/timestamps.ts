/**
 * Log timestamp formats, understood twice: in TypeScript (lines we received) and in awk (the remote
 * side, where the time window is found without downloading the file). Both follow the same rules so the
 * server and the client agree on which lines are inside the window:
 *   - syslog `Mon dd hh:mm:ss` at the start of the line (no year, no zone: server local time; the year is
 *     reference year, minus one if that puts the line more than a month after the reference time, plus one
 *     if more than 11 months before it: logs do not come from the future, and a window across New Year
 *     reads December and January lines right)
 *   - otherwise the earliest of, within the first 256 characters:
 *       ISO 8601 `yyyy-mm-dd[T ]hh:mm:ss[.frac][Z|±hh[:mm]]` (no zone: server local time),
 *       nginx/apache `dd/Mon/yyyy:hh:mm:ss ±hhmm`,
 *       JSON `"ts"|"time"|"timestamp"|"@timestamp"|"date"|"t": <epoch>` (10 digits = seconds, 13 = millis).
 */

export interface TimeContext {
  /** The server's UTC offset in minutes (what `date +%z` says), for timestamps without a zone. */
  tzOffsetMinutes: number;
  /** A time near the lines (the window), to give syslog lines their year. */
  refMs: number;
}

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';
const HEAD = 256;
const FUTURE_MS = 31 * 86_400_000;
const PAST_MS = 334 * 86_400_000;

const SYSLOG = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})/;
const ISO = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})([.,]\d+)? ?(Z|[+-]\d{2}(?::?\d{2})?)?/;
const CLF = /(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?: ([+-]\d{4}))?/;
const JSON_EPOCH = /"(?:ts|time|timestamp|@timestamp|date|t)" *: *(\d{10}(?:\.\d+)?|\d{13})(?![\d.])/;

function month(name: string): number {
  const i = MONTHS.indexOf(name);
  return i >= 0 && i % 3 === 0 ? i / 3 : -1;
}

function zoneMinutes(z: string | undefined, localOffset: number): number {
  if (!z) return localOffset;
  if (z === 'Z') return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

function utc(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  offsetMin: number,
): number | undefined {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  return Date.UTC(y, mo, d, h, mi, s) - offsetMin * 60_000;
}

/** Epoch milliseconds of the line's timestamp, or undefined when the line has none we understand. */
export function parseLogTime(line: string, ctx: TimeContext): number | undefined {
  const head = line.slice(0, HEAD);
  const sys = SYSLOG.exec(head);
  if (sys) {
    const mo = month(sys[1]!);
    if (mo >= 0) {
      const refYear = new Date(ctx.refMs).getUTCFullYear();
      const at = (y: number) =>
        utc(y, mo, Number(sys[2]), Number(sys[3]), Number(sys[4]), Number(sys[5]), ctx.tzOffsetMinutes);
      const t = at(refYear);
      if (t !== undefined && t > ctx.refMs + FUTURE_MS) return at(refYear - 1);
      if (t !== undefined && t < ctx.refMs - PAST_MS) return at(refYear + 1);
      return t;
    }
  }
  const candidates: Array<{ index: number; ms: number | undefined }> = [];
  const iso = ISO.exec(head);
  if (iso) {
    const frac = iso[7] ? Math.floor(Number(`0.${iso[7].slice(1)}`) * 1000) : 0;
    const t = utc(
      Number(iso[1]),
      Number(iso[2]) - 1,
      Number(iso[3]),
      Number(iso[4]),
      Number(iso[5]),
      Number(iso[6]),
      zoneMinutes(iso[8], ctx.tzOffsetMinutes),
    );
    candidates.push({ index: iso.index, ms: t === undefined ? undefined : t + frac });
  }
  const clf = CLF.exec(head);
  if (clf) {
    candidates.push({
      index: clf.index,
      ms: utc(
        Number(clf[3]),
        month(clf[2]!),
        Number(clf[1]),
        Number(clf[4]),
        Number(clf[5]),
        Number(clf[6]),
        zoneMinutes(clf[7], ctx.tzOffsetMinutes),
      ),
    });
  }
  const js = JSON_EPOCH.exec(head);
  if (js) {
    const v = js[1]!;
    candidates.push({ index: js.index, ms: v.length === 13 ? Number(v) : Math.floor(Number(v) * 1000) });
  }
  candidates.sort((a, b) => a.index - b.index);
  return candidates[0]?.ms;
}

/** Parses `date +%z` output (`+0100`, `-0530`) into minutes. */
export function parseZoneOffset(z: string): number | undefined {
  const m = /^([+-])(\d{2})(\d{2})$/.exec(z.trim());
  if (!m) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * The same rules in awk (POSIX awk; tested with mawk, Debian's default, which has no mktime and no
 * regex intervals, hence the spelled-out character classes). `ts(line)` returns epoch seconds (with a
 * fraction) or -1. Needs `-v tzoff=SECONDS -v reft=EPOCH -v refy=YEAR`.
 */
export const AWK_TIMESTAMP_LIB = String.raw`
function days(y, m, d,   era, yoe, doy) {
  y -= (m <= 2); era = int((y >= 0 ? y : y - 399) / 400); yoe = y - era * 400
  doy = int((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
  return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy - 719468
}
function epoch(y, mo, d, hh, mi, ss, off) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mi > 59 || ss > 60) return -1
  return days(y, mo, d) * 86400 + hh * 3600 + mi * 60 + ss - off
}
function mon(s,   i) { i = index("JanFebMarAprMayJunJulAugSepOctNovDec", s); return (i > 0 && i % 3 == 1) ? (i + 2) / 3 : 0 }
function zone(z,   sg) {
  if (z == "") return tzoff
  if (z == "Z") return 0
  sg = substr(z, 1, 1) == "-" ? -1 : 1; gsub(/:/, "", z)
  return sg * (substr(z, 2, 2) * 3600 + (length(z) >= 5 ? substr(z, 4, 2) * 60 : 0))
}
function ts(line,   h, t, best, bi, p, rest, z, fr, n, v) {
  h = substr(line, 1, 256)
  if (match(h, /^[A-Z][a-z][a-z]  ?[0-9]?[0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]/) && mon(substr(h, 1, 3)) > 0) {
    p = RLENGTH
    t = epoch(refy, mon(substr(h, 1, 3)), substr(h, 5, 2) + 0, substr(h, p - 7, 2) + 0, substr(h, p - 4, 2) + 0, substr(h, p - 1, 2) + 0, tzoff)
    if (t > reft + 2678400) t = epoch(refy - 1, mon(substr(h, 1, 3)), substr(h, 5, 2) + 0, substr(h, p - 7, 2) + 0, substr(h, p - 4, 2) + 0, substr(h, p - 1, 2) + 0, tzoff)
    else if (t >= 0 && t < reft - 28857600) t = epoch(refy + 1, mon(substr(h, 1, 3)), substr(h, 5, 2) + 0, substr(h, p - 7, 2) + 0, substr(h, p - 4, 2) + 0, substr(h, p - 1, 2) + 0, tzoff)
    return t
  }
  best = -1; bi = 100000
  if (match(h, /[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:[0-9][0-9]:[0-9][0-9]/)) {
    p = RSTART; rest = substr(h, p + 19); fr = 0; z = ""
    if (match(rest, /^[.,][0-9]+/)) { fr = ("0." substr(rest, 2, RLENGTH - 1)) + 0; rest = substr(rest, RLENGTH + 1) }
    if (match(rest, /^ ?(Z|[-+][0-9][0-9](:?[0-9][0-9])?)/)) { z = substr(rest, RSTART, RLENGTH); sub(/^ /, "", z) }
    t = epoch(substr(h, p, 4) + 0, substr(h, p + 5, 2) + 0, substr(h, p + 8, 2) + 0, substr(h, p + 11, 2) + 0, substr(h, p + 14, 2) + 0, substr(h, p + 17, 2) + 0, zone(z))
    best = t < 0 ? -1 : t + fr; bi = p
  }
  if (match(h, /[0-9][0-9]\/[A-Z][a-z][a-z]\/[0-9][0-9][0-9][0-9]:[0-9][0-9]:[0-9][0-9]:[0-9][0-9]/) && RSTART < bi) {
    p = RSTART; z = ""
    if (match(substr(h, p + 20), /^ [-+][0-9][0-9][0-9][0-9]/)) z = substr(h, p + 21, 5)
    best = epoch(substr(h, p + 7, 4) + 0, mon(substr(h, p + 3, 3)), substr(h, p, 2) + 0, substr(h, p + 12, 2) + 0, substr(h, p + 15, 2) + 0, substr(h, p + 18, 2) + 0, zone(z)); bi = p
  }
  if (match(h, /"(ts|time|timestamp|@timestamp|date|t)" *: *[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]/) && RSTART < bi) {
    p = RSTART; rest = substr(h, p + RLENGTH - 10)
    match(rest, /^[0-9]+(\.[0-9]+)?/); v = substr(rest, 1, RLENGTH); n = index(v, ".") ? index(v, ".") - 1 : length(v)
    if (n == 13 && index(v, ".") == 0) best = v / 1000
    else if (n == 10) best = v + 0
  }
  return best
}
`;
