/**
 * An in-memory Quay log API for token-age tests, answering as either of Quay's log storages (contract §8): the
 * aggregates come from the sandbox's own `aggregateCounts` (`test/sandbox/logModels.ts`), so the fake and the sandbox
 * cannot disagree; `/logs` pages are 20 entries, newest first, over the real days asked for.
 */
import type { AggregatedLogCount, LogEntry, LogPage, LogQuery } from '../../../src/core/quay/types';
import type { LogSource } from '../../../src/core/rotation/tokenAge';
import { aggregateCounts, aggregateRangeTooLong, ImpossibleDateError, type LogsModelName } from '../../sandbox/logModels';

export const DAY = 86_400_000;

export interface FakeEvent {
  readonly kind: string;
  readonly timeMs: number;
  /** `metadata.robot` (the short name) for robot events. */
  readonly robot?: string;
}

/** What Quay answered instead of data. */
export class FakeQuayError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`${status} ${message}`);
  }
}

export interface FakeLogs extends LogSource {
  readonly model: LogsModelName;
  /** Requests answered (aggregates and pages). */
  calls: number;
  aggregates: number;
}

/** The UTC day that `MM/DD/YYYY` of `d` names (what the client sends). */
const utcDay = (d: Date): number => Math.floor(d.getTime() / DAY) * DAY;

export function fakeLogs(model: LogsModelName, events: readonly FakeEvent[], now: number): FakeLogs {
  const sorted = [...events].sort((a, b) => b.timeMs - a.timeMs);
  const window = (q: LogQuery): { start: number; end: number } => {
    // endpoints/api/logs.py _validate_logs_arguments: defaults now − 1 day … now, then + 1 day on the end.
    const start = q.starttime !== undefined ? utcDay(q.starttime) : now - DAY;
    const end = (q.endtime !== undefined ? utcDay(q.endtime) : now) + DAY;
    if (end < start) throw new FakeQuayError(400, 'Bad Request');
    return { start, end };
  };
  const fake: FakeLogs = {
    model,
    calls: 0,
    aggregates: 0,
    aggregateLogs: (_of, query = {}) => {
      fake.calls++;
      fake.aggregates++;
      if ('performer' in query) throw new Error('the fake does not filter aggregates by performer (Quay may ignore it)');
      const { start, end } = window(query);
      if (aggregateRangeTooLong(model, start, end)) return Promise.reject(new FakeQuayError(400, 'Invalid date range for logs'));
      try {
        const counts = aggregateCounts(
          model,
          sorted.filter((e) => e.timeMs >= start && e.timeMs < end),
          start,
        );
        return Promise.resolve(counts.map((c): AggregatedLogCount => ({ kind: c.kind, count: c.count, day: new Date(c.dayMs) })));
      } catch (e) {
        if (e instanceof ImpossibleDateError) return Promise.reject(new FakeQuayError(500, 'Internal Server Error'));
        throw e;
      }
    },
    listLogsPage: (_of, query = {}, next) => {
      fake.calls++;
      const { start, end } = window(query);
      const all = sorted.filter((e) => e.timeMs >= start && e.timeMs < end);
      const offset = next === undefined ? 0 : Number(next);
      const logs = all.slice(offset, offset + 20).map((e): LogEntry => ({ kind: e.kind, datetime: new Date(Math.floor(e.timeMs / 1000) * 1000), metadata: e.robot !== undefined ? { robot: e.robot } : {} }));
      const page: LogPage = { startTime: new Date(start), endTime: new Date(end), logs, ...(offset + 20 < all.length ? { nextPage: String(offset + 20) } : {}) };
      return Promise.resolve(page);
    },
  };
  return fake;
}
