import type { LogEntry } from './quay/types';
import { splitRobotName } from './robotName';
import { exactTime } from './time';

/** How far back a robot's activity is read (Show Activity and the robot page). */
export const ACTIVITY_DAYS = 30;

/** Log kinds that concern a robot as their subject (contract §8), beside everything it performed itself. */
const SUBJECT_KEYS = ['robot', 'username', 'delegate_user', 'member'] as const;

/** Whether a usage-log entry is about `robotFullName`: performed by it, or naming it as robot, grantee, delegate or member. */
export function concernsRobot(entry: LogEntry, robotFullName: string): boolean {
  if (entry.performer?.name === robotFullName) return true;
  const short = splitRobotName(robotFullName).shortName;
  return SUBJECT_KEYS.some((key) => {
    const v = entry.metadata[key];
    return v === robotFullName || (key === 'robot' && v === short);
  });
}

/** An entry's parts as shown: UTC minute, kind, performer, and its scalar metadata as `key=value` (no OAuth token ids). */
export function logEntryFields(entry: LogEntry): { when: string; kind: string; performer?: string; details: string } {
  const when = exactTime(entry.datetime);
  const details = Object.entries(entry.metadata)
    .filter(([k, v]) => !k.startsWith('oauth_token') && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  return { when, kind: entry.kind, ...(entry.performer !== undefined ? { performer: entry.performer.name } : {}), details };
}

/** One readable line per entry: `2026-11-25 08:12 UTC  change_repo_permission  by alice  repo=frontend role=read`. */
export function describeLogEntry(entry: LogEntry): string {
  const f = logEntryFields(entry);
  return [f.when, f.kind, f.performer !== undefined ? `by ${f.performer}` : '', f.details].filter((p) => p !== '').join('  ');
}
