import type { QuayClient } from '../quay/client';
import type { Namespace } from '../quay/types';
import { exactTime } from '../time';
import { logTarget } from '../quay/logs';

const DAY_MS = 86_400_000;
const MAX_PAGES = 5;

/**
 * Where else the token is in use: the user agents and addresses of the robot's pulls and logins of the last 7 days
 * (at most 5 log pages), the latest first. A log read that fails gives an empty list: this is advice, not a check.
 */
export async function recentPulls(client: Pick<QuayClient, 'listLogs'>, ns: Namespace, robot: string, now: Date = new Date()): Promise<string[]> {
  const start = new Date(now.getTime() - 7 * DAY_MS);
  const seen = new Map<string, { count: number; last: Date }>();
  let pages = 0;
  try {
    for await (const page of client.listLogs(logTarget(ns), { performer: robot, starttime: start, endtime: now })) {
      for (const e of page.logs) {
        if (e.kind !== 'pull_repo' && e.kind !== 'login_success') continue;
        const agent = e.metadata['user-agent'] ?? e.metadata['useragent'];
        const key = `${typeof agent === 'string' ? agent : '?'} from ${e.metadata['resolved_ip'] !== undefined ? JSON.stringify(e.metadata['resolved_ip']) : (e.ip ?? '?')}`;
        const s = seen.get(key);
        seen.set(key, { count: (s?.count ?? 0) + 1, last: s !== undefined && s.last > e.datetime ? s.last : e.datetime });
      }
      if (++pages >= MAX_PAGES) break;
    }
  } catch {
    return [];
  }
  return [...seen.entries()].sort((a, b) => b[1].last.getTime() - a[1].last.getTime()).map(([k, v]) => `${k} (${v.count}×, last ${exactTime(v.last)})`);
}
