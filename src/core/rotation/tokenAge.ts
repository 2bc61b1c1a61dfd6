import type { AggregatedLogCount, AggregateLogQuery, CallOptions, LogPage, LogQuery, LogTarget, Robot } from '../quay/types';

/**
 * How old each robot's token is. Quay records no token date (contract §3.2), so it is derived from the usage
 * logs: the newest `regenerate_robot_token` or `create_robot` event naming the robot (§8), else its `created`
 * date when the logs examined reach back past it. Busy organizations log thousands of pulls a day, so the logs
 * are not paged through: one `aggregatelogs` request per 28 days says which days hold such events, and only
 * those days are read, newest first, until every robot is settled or the request budget is spent. What the
 * budget did not reach is reported as a bound ("not rotated since …"), never guessed.
 *
 * Why 28 days (contract §8): with Quay's default database log storage, `aggregatelogs` counts by the **day of the
 * month** and dates each count in the window's start month (`table_logs_model.py` `get_aggregated_log_counts`), so
 * in a longer window two days that share a day of the month are merged and dated on the earlier one (on 2026-12-07
 * the window 11/07–12/07 reports today's regeneration as 7 November), and a window starting 27/28 February (29 in a
 * leap year) with logs on 29/30 March answers 500. Within 28 consecutive days no day of the month repeats and every
 * rebuilt date exists, so both that storage and Elasticsearch's (real days, `document_logs_model.py`) report the
 * real day. The aggregate is asked without `performer` (Quay ignores an unknown one and counts everyone's events), and
 * its counts only say which days to read: a robot's token date always comes from a `/logs` entry naming it.
 */

export type TokenAge =
  /** The token was set on `since`: by a regeneration or the creation seen in the logs, the robot's `created` date, or a rotation this extension made. */
  | { readonly kind: 'known'; readonly since: Date; readonly source: 'regenerated' | 'created' | 'rotatedHere' }
  /** No regeneration was found between `notSince` and now; the logs examined reach back to `notSince`. */
  | { readonly kind: 'bounded'; readonly notSince: Date };

/** The two calls of `QuayClient` this needs (a fake in tests counts them). */
export interface LogSource {
  aggregateLogs(of: LogTarget, query?: AggregateLogQuery, options?: CallOptions): Promise<readonly AggregatedLogCount[]>;
  listLogsPage(of: LogTarget, query?: LogQuery, nextPage?: string, options?: CallOptions): Promise<LogPage>;
}

export interface TokenAgeOptions {
  readonly now: Date;
  /** Requests at most (default 20). */
  readonly maxRequests?: number;
  /** How far back to look at most (default 366 days). */
  readonly horizonDays?: number;
  /** Rotations this extension made, by full robot name. */
  readonly remembered?: ReadonlyMap<string, Date>;
  readonly signal?: AbortSignal;
}

export interface TokenAges {
  readonly ages: ReadonlyMap<string, TokenAge>;
  /** Requests sent. */
  readonly requests: number;
  /** Every day from this one (UTC midnight) to today was examined. */
  readonly examinedBack: Date;
}

export const DAY_MS = 86_400_000;
/**
 * Days per aggregate, counting the day Quay adds to `endtime`: at most 28 so that the database log storage's
 * day-of-month buckets are real days (see above, contract §8); Quay's own limits are 31 (database) and 32 days.
 */
export const WINDOW_DAYS = 28;
const TOKEN_KINDS: Readonly<Record<string, 'regenerated' | 'created'>> = { regenerate_robot_token: 'regenerated', create_robot: 'created' };

function utcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * The day an aggregate count is dated. Quay builds it at midnight in the server's local zone (`tzinfo=get_localzone()`
 * in table_logs_model.py) and renders it in UTC, so a server east of UTC reports 23:00 the day before: the nearest
 * UTC midnight is the day.
 */
function countDay(day: Date): number {
  return Math.round(day.getTime() / DAY_MS) * DAY_MS;
}

/** Token ages of `robots` (all of one namespace, `of`). */
export async function tokenAges(source: LogSource, of: LogTarget, robots: readonly Robot[], options: TokenAgeOptions): Promise<TokenAges> {
  const maxRequests = options.maxRequests ?? 20;
  const today = utcDay(options.now.getTime());
  const horizon = today - (options.horizonDays ?? 366) * DAY_MS;
  const call = { signal: options.signal };
  const byShort = new Map(robots.map((r) => [r.shortName, r]));
  const byName = new Map(robots.map((r) => [r.fullName, r]));
  const found = new Map<string, TokenAge>();
  const pending = new Set(robots.map((r) => r.fullName));
  let requests = 0;
  /** Every day >= examinedBack has been read. */
  let examinedBack = today + DAY_MS;

  const settleCreatedSince = (): void => {
    for (const name of pending) {
      const created = byName.get(name)?.created;
      // Created inside the examined days, and no regeneration seen since: the token is the creation's.
      if (created !== undefined && created.getTime() >= examinedBack) {
        found.set(name, { kind: 'known', since: created, source: 'created' });
        pending.delete(name);
      }
    }
  };

  /** Reads one day until the counted events are seen; false when the budget ran out first. */
  const readDay = async (day: number, expected: number): Promise<boolean> => {
    let seen = 0;
    let next: string | undefined;
    do {
      if (requests >= maxRequests) return false;
      requests++;
      const page = await source.listLogsPage(of, { starttime: new Date(day), endtime: new Date(day) }, next, call);
      for (const entry of page.logs) {
        const kind = TOKEN_KINDS[entry.kind];
        if (kind === undefined) continue;
        seen++;
        const short = entry.metadata['robot'];
        const robot = typeof short === 'string' ? byShort.get(short) : undefined;
        if (robot !== undefined && pending.has(robot.fullName)) {
          found.set(robot.fullName, { kind: 'known', since: entry.datetime, source: kind });
          pending.delete(robot.fullName);
        }
      }
      next = page.nextPage;
    } while (next !== undefined && seen < expected && pending.size > 0);
    return true;
  };

  settleCreatedSince();
  let windowEnd = today;
  scan: while (pending.size > 0 && windowEnd >= horizon && requests < maxRequests) {
    const windowStart = Math.max(horizon, windowEnd - (WINDOW_DAYS - 1) * DAY_MS);
    requests++;
    const counts = await source.aggregateLogs(of, { starttime: new Date(windowStart), endtime: new Date(windowEnd) }, call);
    const perDay = new Map<number, number>();
    for (const c of counts) {
      if (TOKEN_KINDS[c.kind] === undefined || c.count === 0) continue;
      const day = countDay(c.day);
      // A day outside the window means the counts are not real days (a storage this code does not know): the days
      // they point at cannot be trusted, so the scan stops and what it did not read stays a bound.
      if (day < windowStart || day > windowEnd) break scan;
      perDay.set(day, (perDay.get(day) ?? 0) + c.count);
    }
    for (let day = windowEnd; day >= windowStart; day -= DAY_MS) {
      const expected = perDay.get(day);
      if (expected !== undefined && !(await readDay(day, expected))) break scan;
      examinedBack = day;
      settleCreatedSince();
      if (pending.size === 0) break scan;
    }
    windowEnd = windowStart - DAY_MS;
  }

  const ages = new Map<string, TokenAge>();
  for (const r of robots) {
    const age: TokenAge = found.get(r.fullName) ?? { kind: 'bounded', notSince: new Date(Math.min(examinedBack, options.now.getTime())) };
    const here = options.remembered?.get(r.fullName);
    const since = age.kind === 'known' ? age.since.getTime() : -Infinity;
    ages.set(r.fullName, here !== undefined && here.getTime() > since ? { kind: 'known', since: here, source: 'rotatedHere' } : age);
  }
  return { ages, requests, examinedBack: new Date(Math.min(examinedBack, options.now.getTime())) };
}

/** Whole days the token is known to be old at least (for `bounded`, since the logs' reach). */
export function tokenAgeDays(age: TokenAge, now: Date): number {
  const since = age.kind === 'known' ? age.since : age.notSince;
  return Math.max(0, Math.floor((now.getTime() - since.getTime()) / DAY_MS));
}

/** True when the token is older than `maxDays`, false when it is not, undefined when the logs cannot tell. */
export function isOverdue(age: TokenAge, now: Date, maxDays: number): boolean | undefined {
  const days = tokenAgeDays(age, now);
  if (age.kind === 'known') return days > maxDays;
  return days > maxDays ? true : undefined;
}
