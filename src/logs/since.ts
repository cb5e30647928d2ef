const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** 2026-11-30, 2026-11-30T18:00, 2026-11-30T18:00:05.123Z, 2026-11-30 18:00+01:00 */
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Date.parse also reads "5", "Nov 3" or "hello 5" (as dates in 2001) and rolls Feb 30 into March: only ISO dates that exist pass. */
function parseIsoDate(value: string): number | undefined {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return undefined;
  const time = Date.parse(value.replace(' ', 'T'));
  return Number.isNaN(time) ? undefined : time;
}

/** `10m`, `2h`, `1d`, `30s`, or an ISO date: the epoch ms it names; undefined when it is neither (or before 1970). */
export function parseSince(value: string, now = Date.now()): number | undefined {
  const trimmed = value.trim();
  const relative = /^(\d+)\s*([smhd])$/i.exec(trimmed);
  const time = relative ? now - Number(relative[1]) * (UNITS[relative[2]!.toLowerCase()] ?? 0) : parseIsoDate(trimmed);
  return time !== undefined && time >= 0 ? time : undefined;
}
