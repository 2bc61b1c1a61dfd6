import { date, listAt, obj, optBool, optDate, optObjAt, optStr, ShapeError, str } from './parse';
import { followPages, repoDisplay, repoPath, seg } from './paths';
import type { Transport } from './transport';
import type { AggregatedLogCount, AggregateLogQuery, CallOptions, LogEntry, LogPage, LogQuery, LogTarget, Namespace } from './types';

/** The usage logs of a namespace: an organization's, or the signed-in user's own. */
export function logTarget(ns: Namespace): LogTarget {
  return ns.kind === 'org' ? { kind: 'org', name: ns.name } : { kind: 'user' };
}

/** Usage logs of an organization, the signed-in user or a repository (contract §8); 20 per page, newest first. */

function target(t: LogTarget, suffix: 'logs' | 'aggregatelogs' = 'logs'): { path: string; object: string; forbidden: string } {
  switch (t.kind) {
    case 'org':
      return {
        path: `/api/v1/organization/${seg(t.name)}/${suffix}`,
        object: t.name,
        forbidden: `Usage logs of ${t.name} need organization admin rights and a token with the org:admin scope.`,
      };
    case 'user':
      return { path: `/api/v1/user/${suffix}`, object: 'your namespace', forbidden: 'Your usage logs need a token with the user:admin scope.' };
    case 'repository':
      return {
        path: `/api/v1/repository/${repoPath(t.repository)}/${suffix}`,
        object: repoDisplay(t.repository),
        forbidden: `Usage logs of ${repoDisplay(t.repository)} need admin rights on it and a token with the repo:admin scope.`,
      };
  }
}

/** `MM/DD/YYYY` of the UTC day, the only format Quay reads (anything else silently means "default"). */
export function formatLogDate(d: Date): string {
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${mm}/${dd}/${d.getUTCFullYear()}`;
}

/** The date range and performer as Quay reads them (it ignores `performer` for repository logs). */
function logQuery(of: LogTarget, query: LogQuery): Record<string, string | undefined> {
  return {
    starttime: query.starttime !== undefined ? formatLogDate(query.starttime) : undefined,
    endtime: query.endtime !== undefined ? formatLogDate(query.endtime) : undefined,
    performer: of.kind !== 'repository' ? query.performer : undefined,
  };
}

/**
 * One page of logs. Quay ignores `performer` for repository logs, and an Elasticsearch-backed Quay ignores an unknown
 * one (contract §8), so the entries are always filtered here too (a filtered page may then be short or empty while
 * `nextPage` is still set): a page is never read as one performer's when Quay sent everyone's.
 */
export function listLogsPage(t: Transport, of: LogTarget, query: LogQuery = {}, nextPage?: string, options: CallOptions = {}): Promise<LogPage> {
  const where = target(of);
  return t.call(
    {
      method: 'GET',
      path: where.path,
      query: { ...logQuery(of, query), next_page: nextPage },
      operation: { action: 'read the usage logs of', object: where.object, hints: { forbidden: where.forbidden } },
      signal: options.signal,
    },
    (body) => {
      const page = parseLogPage(body);
      if (query.performer === undefined) return page;
      return { ...page, logs: page.logs.filter((l) => l.performer?.name === query.performer) };
    },
  );
}

/** Every page, following `next_page`; stops early if Quay repeats a token. */
export function listLogs(t: Transport, of: LogTarget, query: LogQuery = {}, options: CallOptions = {}): AsyncGenerator<LogPage, void, undefined> {
  return followPages((next) => listLogsPage(t, of, query, next, options));
}

export function parseLogPage(body: unknown): LogPage {
  const o = obj(body, '');
  const nextPage = optStr(o, 'next_page', '');
  return {
    startTime: optDate(o, 'start_time', ''),
    endTime: optDate(o, 'end_time', ''),
    logs: listAt(o, 'logs', '').map((entry, i) => parseLogEntry(entry, `logs[${i}]`)),
    ...(nextPage !== undefined && nextPage !== '' ? { nextPage } : {}),
  };
}

export function parseLogEntry(value: unknown, at: string): LogEntry {
  const o = obj(value, at);
  const ip = optStr(o, 'ip', at);
  const performer = optObjAt(o, 'performer', at);
  const pAt = `${at}.performer`;
  return {
    kind: str(o, 'kind', at),
    datetime: date(o, 'datetime', at),
    ...(ip !== undefined ? { ip } : {}),
    ...(performer !== undefined
      ? { performer: { name: str(performer, 'name', pAt), kind: optStr(performer, 'kind', pAt) ?? 'user', isRobot: optBool(performer, 'is_robot', pAt) ?? false } }
      : {}),
    metadata: optObjAt(o, 'metadata', at) ?? {},
  };
}

/**
 * Per-day counts of each log kind between `starttime` and `endtime` (contract §8: Quay adds a day to the end and
 * refuses a range over 31 days with 400 "Invalid date range for logs"). With the default database log storage the
 * days are days of the month dated in the start month, real days only in windows of at most 28 days. No `performer`:
 * Quay would drop an unknown one and count everyone's events.
 */
export function aggregateLogs(t: Transport, of: LogTarget, query: AggregateLogQuery = {}, options: CallOptions = {}): Promise<readonly AggregatedLogCount[]> {
  // Only the dates, even if a caller's object carries a performer (a LogQuery is assignable to AggregateLogQuery).
  return aggregate(t, of, { starttime: query.starttime, endtime: query.endtime }, options);
}

/**
 * The counts of one performer's events (`performer`, contract §8), for a performer the caller has just listed.
 * Quay drops an unknown performer without a word and answers everyone's counts with 200, so the caller must check
 * the answer before reading it as the performer's (core/hygiene/gather.ts refuses counts of kinds a robot cannot
 * perform). Not for repository targets (Quay ignores `performer` there).
 */
export function aggregateLogsByPerformer(
  t: Transport,
  of: Exclude<LogTarget, { kind: 'repository' }>,
  performer: string,
  query: AggregateLogQuery = {},
  options: CallOptions = {},
): Promise<readonly AggregatedLogCount[]> {
  return aggregate(t, of, { starttime: query.starttime, endtime: query.endtime, performer }, options);
}

function aggregate(t: Transport, of: LogTarget, query: LogQuery, options: CallOptions): Promise<readonly AggregatedLogCount[]> {
  const where = target(of, 'aggregatelogs');
  return t.call(
    {
      method: 'GET',
      path: where.path,
      query: logQuery(of, query),
      operation: { action: 'read the aggregated usage logs of', object: where.object, hints: { forbidden: where.forbidden } },
      signal: options.signal,
    },
    (body) =>
      listAt(obj(body, ''), 'aggregated', '').map((entry, i) => {
        const o = obj(entry, `aggregated[${i}]`);
        const count = o['count'];
        if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw new ShapeError(`aggregated[${i}].count`, 'should be a count');
        return { kind: str(o, 'kind', `aggregated[${i}]`), count, day: date(o, 'datetime', `aggregated[${i}]`) };
      }),
  );
}
