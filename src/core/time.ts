/** "3 days ago", "in 2 hours", "just now": short relative times for tree descriptions. */
export function relativeTime(date: Date, now: Date = new Date()): string {
  const seconds = Math.round((date.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  const units: [number, string][] = [
    [60, 'minute'],
    [3600, 'hour'],
    [86400, 'day'],
    [86400 * 30, 'month'],
    [86400 * 365, 'year'],
  ];
  let chosen: [number, string] = units[0];
  for (const u of units) if (abs >= u[0] * 0.95) chosen = u;
  const n = Math.max(1, Math.round(abs / chosen[0]));
  const label = `${n} ${chosen[1]}${n === 1 ? '' : 's'}`;
  return seconds < 0 ? `${label} ago` : `in ${label}`;
}

/** An unambiguous absolute date for tooltips: `2026-08-21 20:02 UTC`. */
export function exactTime(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The UTC day of a date, as in file names and log windows: `2026-08-21`. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
