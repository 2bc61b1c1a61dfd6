/**
 * How Quay's two log storages answer `aggregatelogs` (contract §8), as pure functions: the sandbox's handlers
 * (`api/logs.ts`) and the unit tests' fake log source both use them, so the fake cannot drift from the sandbox.
 *
 * - `table` (the default database storage, `data/logs_model/table_logs_model.py` `TableLogsModel`):
 *   `data/model/log.py` `get_aggregated_logs` groups by `extract_date("day", datetime)`, the **day of the month**,
 *   and `get_aggregated_log_counts` rebuilds each date as `datetime(start.year, start.month, day)`, moving days
 *   `< start.day` one month on (`relativedelta(months=1)`, which clamps to the month's end), and merges entries
 *   that share (kind, day of month). A day the start month does not have raises an unhandled `ValueError` (500).
 *   Range limit: `end - start > MAXIMUM_RANGE_SIZE` (31 days, after the endpoint's +1 day) → 400.
 * - `document` (Elasticsearch / Splunk, `data/logs_model/document_logs_model.py` `DocumentLogsModel`): a real
 *   `date_histogram` by UTC day. Range limit: `end - start > timedelta(days=DATE_RANGE_LIMIT)` (32 days) → 400.
 *
 * Both look the performer up with `model.user.get_user` and, unlike `lookup_logs`, do not assert it: an unknown
 * performer is dropped and everyone's counts come back.
 */

export type LogsModelName = 'table' | 'document';

export const LOGS_MODELS: readonly LogsModelName[] = ['table', 'document'];

const DAY_MS = 86_400_000;

/** `MAXIMUM_RANGE_SIZE` (table_logs_model.py) and `DATE_RANGE_LIMIT` (document_logs_model.py), in days. */
export const AGGREGATE_RANGE_LIMIT_DAYS: Readonly<Record<LogsModelName, number>> = { table: 31, document: 32 };

export interface CountedLog {
  readonly kind: string;
  /** When it was logged, in milliseconds since the epoch (UTC). */
  readonly timeMs: number;
}

export interface AggregatedCount {
  readonly kind: string;
  readonly count: number;
  /** The `datetime` Quay reports (UTC midnight), in milliseconds since the epoch. */
  readonly dayMs: number;
}

/** The table model's `datetime(start.year, start.month, day)` for a day the month does not have. */
export class ImpossibleDateError extends Error {
  constructor() {
    // Python's message for datetime(2027, 2, 29).
    super('ValueError: day is out of range for month');
  }
}

/** True when Quay answers 400 "Invalid date range for logs" (`end` already includes the endpoint's +1 day). */
export function aggregateRangeTooLong(model: LogsModelName, startMs: number, endMs: number): boolean {
  return endMs - startMs > AGGREGATE_RANGE_LIMIT_DAYS[model] * DAY_MS;
}

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** `datetime + relativedelta(months=1)` for a UTC midnight: the same day next month, or that month's last day. */
function plusOneMonth(year: number, month0: number, day: number): number {
  const next = month0 === 11 ? { year: year + 1, month0: 0 } : { year, month0: month0 + 1 };
  return Date.UTC(next.year, next.month0, Math.min(day, daysInMonth(next.year, next.month0)));
}

/**
 * The `aggregated` entries for `logs` (already filtered to the window `[start, end)` and the query's account,
 * repository and kinds), in the order Quay would list them. Throws `ImpossibleDateError` where the table model 500s.
 */
export function aggregateCounts(model: LogsModelName, logs: Iterable<CountedLog>, startMs: number): AggregatedCount[] {
  const counts = new Map<string, { kind: string; count: number; day: number }>();
  for (const l of logs) {
    const day = model === 'table' ? new Date(l.timeMs).getUTCDate() : Math.floor(l.timeMs / DAY_MS) * DAY_MS;
    const key = `${l.kind}@${day}`;
    const entry = counts.get(key) ?? { kind: l.kind, day, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  if (model === 'document') return [...counts.values()].map((c) => ({ kind: c.kind, count: c.count, dayMs: c.day }));

  // table_logs_model.py get_aggregated_log_counts: rebuild a date from the window's start month.
  const start = new Date(startMs);
  const [year, month0, startDay] = [start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()];
  return [...counts.values()].map((c) => {
    if (c.day > daysInMonth(year, month0)) throw new ImpossibleDateError();
    const dayMs = c.day < startDay ? plusOneMonth(year, month0, c.day) : Date.UTC(year, month0, c.day);
    return { kind: c.kind, count: c.count, dayMs };
  });
}
