const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `10m`, `2h`, `1d`, `30s`, or an ISO date: the epoch ms it names; undefined when it is neither. */
export function parseSince(value: string, now = Date.now()): number | undefined {
  const relative = /^(\d+)\s*([smhd])$/i.exec(value.trim());
  if (relative) return now - Number(relative[1]) * (UNITS[relative[2]!.toLowerCase()] ?? 0);
  const absolute = Date.parse(value);
  return Number.isNaN(absolute) ? undefined : absolute;
}
