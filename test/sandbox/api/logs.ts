/**
 * Usage logs — contract §8 (`endpoints/api/logs.py`, `data/logs_model/table_logs_model.py`).
 *
 * Aggregates follow the configured log storage (`logModels.ts`): by default the table model's days of the month,
 * merged, with its 500 on an impossible date; with `logsModel: 'document'` Elasticsearch's real days.
 *
 * Paging is the table logs model's: 20 per page, newest first, `start_index` = the datetime of the
 * first entry of the next page (+ `offset_val` for equal datetimes). Like Quay, after the last page
 * of the current log table the token moves on to the next (empty) table, so a non-empty final page
 * still carries a `next_page`, and following it yields `"logs": []` without one.
 */
import { ok, type RequestContext } from '../context';
import { badRequestB, FrAbort, ModelError, notFound, RawServerError } from '../errors';
import type { Json, JsonObject } from '../json';
import type { LogEntry } from '../model';
import type { PageState } from '../pageToken';
import { aggregateCounts, aggregateRangeTooLong, ImpossibleDateError, type CountedLog } from '../logModels';
import type { Router } from '../router';
import { formatDate } from '../util';
import { api, userAvatar, type Route, type Services } from './common';

const LOGS_PER_PAGE = 20;
const LOG_TABLES = 3; // LogEntry3, LogEntry2, LogEntry
const DAY_MS = 24 * 3600 * 1000;
const SERVICE_LEVEL_LOG_KINDS = new Set(['service_key_create', 'service_key_approve', 'service_key_delete', 'service_key_modify', 'service_key_extend', 'service_key_rotate']);

/** `datetime.strptime(s + " UTC", "%m/%d/%Y %Z")`, else undefined. */
function parseDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  if (!m) return undefined;
  const [month, day, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(year, month - 1, day);
  const d = new Date(t);
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return t;
}

function dateRange(ctx: RequestContext): { startMs: number; endMs: number } {
  const now = ctx.model.now();
  const startMs = parseDate(ctx.arg('starttime')) ?? now - DAY_MS;
  const endMs = (parseDate(ctx.arg('endtime')) ?? now) + DAY_MS;
  if (endMs < startMs) throw badRequestB();
  return { startMs, endMs };
}

/** Python `datetime.isoformat() + "Z"` of a microsecond timestamp. */
function isoUs(us: number): string {
  const ms = Math.floor(us / 1000);
  const micro = us % 1000000;
  const base = new Date(ms).toISOString().slice(0, 19);
  return micro === 0 ? `${base}Z` : `${base}.${String(micro).padStart(6, '0')}Z`;
}

function parseIsoUs(text: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z?$/.exec(text);
  if (!m) return undefined;
  const base = Date.parse(`${m[1] ?? ''}Z`);
  if (Number.isNaN(base)) return undefined;
  return base * 1000 + Number((m[2] ?? '').padEnd(6, '0') || '0');
}

interface LogQuery {
  readonly account: string;
  readonly repoId?: number;
  readonly performer?: string;
  readonly ignoreKinds?: ReadonlySet<string>;
}

function logView(ctx: RequestContext, log: LogEntry): JsonObject {
  const view: Record<string, Json> = { kind: log.kind, metadata: log.metadata, ip: log.ip, datetime: formatDate(Math.floor(log.timeUs / 1000)) };
  const performer = ctx.model.logPerformer(log);
  if (performer) view['performer'] = { kind: 'user', name: performer.username, is_robot: performer.kind === 'robot', avatar: userAvatar(performer) };
  return view;
}

function getLogs(ctx: RequestContext, services: Services, q: LogQuery): JsonObject {
  const token = services.pageTokens.decrypt(ctx.arg('next_page'));
  const { startMs, endMs } = dateRange(ctx);
  let performerId: number | undefined;
  if (q.performer) {
    const p = ctx.model.userOrRobot(q.performer);
    // table_logs_model.py lookup_logs: `assert performer`; document_logs_model.py _get_ids_by_names drops the filter.
    if (!p && services.config.logsModel === 'table') throw new RawServerError('AssertionError: performer');
    performerId = p?.id;
  }
  if (q.repoId === undefined && !ctx.model.entity(q.account)) throw new ModelError(`Invalid namespace requested: ${q.account}`);
  const all = ctx.model
    .accountLogs(q.account)
    .filter(
      (l) =>
        l.timeUs >= startMs * 1000 &&
        l.timeUs < endMs * 1000 &&
        (q.repoId === undefined || l.repoId === q.repoId) &&
        (performerId === undefined || l.performerId === performerId) &&
        !(q.ignoreKinds?.has(l.kind) ?? false),
    )
    .reverse();

  // table_logs_model.lookup_logs: walk the log tables until a page has entries.
  const logs: LogEntry[] = [];
  let next: Record<string, Json> | undefined = token as Record<string, Json> | undefined;
  let tableIndex = 0;
  while (logs.length === 0 && tableIndex < LOG_TABLES - 1) {
    if (next && typeof next['tti'] === 'number') tableIndex = next['tti'];
    const [page, pageNext] = tableIndex === 0 ? paginate(all, next) : [[], undefined];
    logs.push(...page);
    next = pageNext;
    if (next === undefined && tableIndex < LOG_TABLES - 1) next = { tti: tableIndex + 1 };
  }
  const body: Record<string, Json> = {
    start_time: formatDate(startMs),
    end_time: formatDate(endMs),
    logs: logs.map((l) => logView(ctx, l)),
  };
  if (next) body['next_page'] = services.pageTokens.encrypt(next as PageState);
  return body;
}

/** `modelutil.paginate(descending=True, sort_field_name="datetime", limit=20)`. */
function paginate(desc: readonly LogEntry[], token: Record<string, Json> | undefined): [LogEntry[], Record<string, Json> | undefined] {
  let list = desc;
  const rawStart = token?.['start_index'];
  if (rawStart !== undefined && rawStart !== null) {
    const start = token?.['is_datetime'] === true && typeof rawStart === 'string' ? parseIsoUs(rawStart) : undefined;
    if (start !== undefined) list = list.filter((l) => l.timeUs <= start);
  }
  const offset = typeof token?.['offset_val'] === 'number' && token['offset_val'] > 0 ? token['offset_val'] : 0;
  const results = list.slice(offset, offset + LOGS_PER_PAGE + 1);
  if (results.length <= LOGS_PER_PAGE) return [results, undefined];
  const pageNumber = typeof token?.['page_number'] === 'number' && token['page_number'] ? token['page_number'] : undefined;
  let offsetVal = typeof token?.['offset_val'] === 'number' ? token['offset_val'] : 0;
  const boundary = results[LOGS_PER_PAGE];
  if (!boundary) return [results, undefined];
  if (boundary.timeUs === results[LOGS_PER_PAGE - 1]?.timeUs) offsetVal = LOGS_PER_PAGE + offsetVal;
  return [results.slice(0, LOGS_PER_PAGE), { start_index: isoUs(boundary.timeUs), page_number: pageNumber ? pageNumber + 1 : 1, is_datetime: true, offset_val: offsetVal }];
}

/** `get_aggregated_log_counts` of the configured log storage (`logModels.ts`). */
function getAggregate(ctx: RequestContext, services: Services, q: LogQuery): JsonObject {
  const model = services.config.logsModel;
  const { startMs, endMs } = dateRange(ctx);
  if (aggregateRangeTooLong(model, startMs, endMs)) throw new FrAbort(400, 'Invalid date range for logs');
  // Both models look the performer up without asserting it: an unknown one is dropped, and everyone's counts come back
  // (table_logs_model.py get_aggregated_log_counts, document_logs_model.py _get_ids_by_names).
  const performerId = q.performer ? ctx.model.userOrRobot(q.performer)?.id : undefined;
  const logs: CountedLog[] = [];
  for (const l of ctx.model.accountLogs(q.account)) {
    if (l.timeUs < startMs * 1000 || l.timeUs >= endMs * 1000) continue;
    if (q.repoId !== undefined && l.repoId !== q.repoId) continue;
    if (performerId !== undefined && l.performerId !== performerId) continue;
    if (q.ignoreKinds?.has(l.kind)) continue;
    logs.push({ kind: l.kind, timeMs: Math.floor(l.timeUs / 1000) });
  }
  try {
    return { aggregated: aggregateCounts(model, logs, startMs).map((c) => ({ kind: c.kind, count: c.count, datetime: formatDate(c.dayMs) })) };
  } catch (e) {
    // An unhandled ValueError in Quay: the raw 500.
    if (e instanceof ImpossibleDateError) throw new RawServerError(e.message);
    throw e;
  }
}

export function registerLogs(router: Router<Route>): void {
  api(router, 'GET', '/organization/<org>/logs', (ctx, services) => {
    const org = ctx.param('org');
    const performer = ctx.arg('performer');
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    return ok(getLogs(ctx, services, { account: org, performer }));
  });
  api(router, 'GET', '/organization/<org>/aggregatelogs', (ctx, services) => {
    const org = ctx.param('org');
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    return ok(getAggregate(ctx, services, { account: org, performer: ctx.arg('performer') }));
  });
  api(router, 'GET', '/repository/<repo:repository>/logs', (ctx, services) => {
    const { namespace, name } = ctx.repoParam();
    if (!ctx.auth.isRepoAdmin(namespace, name)) throw ctx.unauthorized();
    const repo = ctx.model.repo(namespace, name);
    if (!repo) throw notFound();
    return ok(getLogs(ctx, services, { account: namespace, repoId: repo.id }));
  });
  api(router, 'GET', '/repository/<repo:repository>/aggregatelogs', (ctx, services) => {
    const { namespace, name } = ctx.repoParam();
    if (!ctx.auth.isRepoAdmin(namespace, name)) throw ctx.unauthorized();
    const repo = ctx.model.repo(namespace, name);
    if (!repo) throw notFound();
    return ok(getAggregate(ctx, services, { account: namespace, repoId: repo.id }));
  });
  api(router, 'GET', '/user/logs', (ctx, services) => {
    if (!ctx.auth.user || !ctx.auth.userAdmin) throw ctx.unauthorized();
    return ok(getLogs(ctx, services, { account: ctx.auth.user.username, performer: ctx.arg('performer'), ignoreKinds: SERVICE_LEVEL_LOG_KINDS }));
  });
  api(router, 'GET', '/user/aggregatelogs', (ctx, services) => {
    if (!ctx.auth.user || !ctx.auth.userAdmin) throw ctx.unauthorized();
    return ok(getAggregate(ctx, services, { account: ctx.auth.user.username, performer: ctx.arg('performer'), ignoreKinds: SERVICE_LEVEL_LOG_KINDS }));
  });
}
