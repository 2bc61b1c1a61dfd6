/**
 * What the hygiene checks need from Quay, within a stated request budget (AGENTS.md "Hygiene review core"):
 * - 1 request: the robots with tokens and teams (`GET …/robots?permissions=true&token=true`, contract §3.3);
 *   it names the repositories each robot has a direct grant on, but not the role, so
 * - 1 request per robot that has a direct grant: its roles (`…/robots/{short}/permissions`); robots without a
 *   grant cost nothing. Nothing is read per repository.
 * - 1 request: the teams and their roles (`GET /organization/{org}`, §1.2, §7), and 1 per team a robot is in:
 *   the team's repository roles (`…/team/{team}/permissions`).
 * - 1 request: the default permissions (§5).
 * - Usage logs through `aggregatelogs` only (§8), in windows of at most 28 days: with Quay's default (database) log
 *   storage a longer window folds days of the month onto each other, and a window from late February can fail
 *   with a 500. First the organization's counts per window (1 request per window): a window where nobody pushed
 *   needs no more. Then, for robots holding write or admin, the robot's own counts (`performer`), one request per
 *   robot per window at most, only for windows where the organization pushed, only up to the robot's
 *   `last_accessed` day, newest first, stopping at its first push.
 * - Token ages: `tokenAges` (core/rotation/tokenAge.ts) with its own budget.
 * What the budget does not reach is said in `notExamined`, never guessed.
 */
import type { QuayClient } from '../quay/client';
import { QuayApiError } from '../quay/errors';
import type { AggregatedLogCount, CallOptions, TeamRole } from '../quay/types';
import { tokenAges } from '../rotation/tokenAge';
import type { TokenAge } from '../rotation/tokenAge';
import { lookbackWindow } from './checks';
import { tokenFingerprint } from './credentials';
import type { Grant, QuayInputs, RobotFacts, RobotUsage } from './inputs';
import { isoDay } from '../time';

export type HygieneSource = Pick<
  QuayClient,
  'listRobots' | 'getRobot' | 'getRobotPermissions' | 'getOrganization' | 'listPrototypes' | 'listTeamPermissions' | 'aggregateLogs' | 'aggregateLogsByPerformer' | 'listLogsPage'
>;

export interface GatherOptions extends CallOptions {
  /** `host[:port]` of the instance (for findings and to match workspace credentials). */
  readonly host: string;
  readonly org: string;
  readonly now: Date;
  /** Default 90. */
  readonly lookbackDays?: number;
  /** Per-robot aggregate-log requests at most (default 2,000). */
  readonly maxLogRequests?: number;
  /** Requests for token ages at most (default 20, as the tree). */
  readonly maxTokenAgeRequests?: number;
  /** Rotations made here (by full robot name), as the tree passes them. */
  readonly rememberedRotations?: ReadonlyMap<string, Date>;
  /** Requests in flight at once (default 8). */
  readonly concurrency?: number;
  /** Progress: what is being read, and how many of how many. */
  readonly onProgress?: (phase: 'robots' | 'permissions' | 'logs' | 'token ages', done: number, total: number) => void;
}

/** Longest aggregate window read: 28 days never repeat a day of the month (contract §8). */
export const MAX_WINDOW_DAYS = 28;
const DAY_MS = 86_400_000;

/** Log kinds only the REST API writes; robots cannot call it (§0.2), so such counts are not a robot's. */
const API_ONLY_KINDS = new Set([
  'create_robot',
  'delete_robot',
  'regenerate_robot_token',
  'change_repo_permission',
  'delete_repo_permission',
  'create_prototype_permission',
  'modify_prototype_permission',
  'delete_prototype_permission',
  'org_create_team',
  'org_delete_team',
  'org_add_team_member',
  'org_remove_team_member',
  'org_set_team_role',
  'create_robot_federation',
  'delete_robot_federation',
]);


export interface LogWindow {
  readonly from: Date;
  readonly to: Date;
}

/** The look-back window cut into windows of at most 28 days, newest first. */
export function logWindows(now: Date, lookbackDays: number): LogWindow[] {
  const { from, to } = lookbackWindow(now, lookbackDays);
  const out: LogWindow[] = [];
  for (let end = to.getTime(); end >= from.getTime(); end -= MAX_WINDOW_DAYS * DAY_MS) {
    out.push({ from: new Date(Math.max(from.getTime(), end - (MAX_WINDOW_DAYS - 1) * DAY_MS)), to: new Date(end) });
  }
  return out;
}

/** An answer in a comparable form (kinds, days and counts, sorted). */
function canonical(counts: readonly AggregatedLogCount[]): string {
  return counts
    .map((c) => `${c.kind}|${c.day.getTime()}|${c.count}`)
    .sort()
    .join(',');
}

function sum(counts: readonly AggregatedLogCount[], kind: string): number {
  return counts.filter((c) => c.kind === kind).reduce((n, c) => n + c.count, 0);
}

/** Runs `tasks` with at most `limit` in flight, in order of start. */
async function pool<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Whether a robot holds write or admin, from its grants and its teams' roles. */
export function holdsWrite(grants: readonly Grant[]): boolean {
  return grants.some((g) => g.role === 'write' || g.role === 'admin');
}

/** Reads the organization once, as budgeted above. */
export async function gatherQuay(source: HygieneSource, o: GatherOptions): Promise<QuayInputs> {
  const ns = { kind: 'org', name: o.org } as const;
  const call = { signal: o.signal };
  const limit = o.concurrency ?? 8;
  const lookbackDays = o.lookbackDays ?? 90;
  let requests = 0;
  const notes: string[] = [];

  o.onProgress?.('robots', 0, 1);
  const [robots, organization, prototypes] = await Promise.all([
    source.listRobots(ns, { permissions: true, token: true }, call),
    source.getOrganization(o.org, call),
    source.listPrototypes(o.org, call),
  ]);
  requests += 3;
  if (robots.some((r) => r.repositories === undefined)) {
    throw new Error(`The hygiene review of ${o.org} needs organization admin rights: Quay lists robots' repositories and tokens to admins only.`);
  }
  const teams: { name: string; role: TeamRole }[] = organization.teams.map((t) => ({ name: t.name, role: t.role }));

  // Roles: one request per robot with a direct grant, one per team holding a robot.
  const direct = new Map<string, Grant[]>();
  const withGrants = robots.filter((r) => (r.repositories?.length ?? 0) > 0);
  const robotTeams = [...new Set(robots.flatMap((r) => r.teams ?? []))].filter((t) => teams.some((x) => x.name === t));
  const teamGrants = new Map<string, Grant[]>();
  let done = 0;
  const total = withGrants.length + robotTeams.length;
  o.onProgress?.('permissions', 0, total);
  await Promise.all([
    pool(withGrants, limit, async (r) => {
      const perms = await source.getRobotPermissions(ns, r.fullName, call);
      requests++;
      direct.set(
        r.fullName,
        perms.map((p) => ({ repository: p.repository, role: p.role })),
      );
      o.onProgress?.('permissions', ++done, total);
    }),
    pool(robotTeams, limit, async (t) => {
      const perms = await source.listTeamPermissions(o.org, t, call);
      requests++;
      teamGrants.set(
        t,
        perms.map((p) => ({ repository: p.repository, role: p.role, team: t })),
      );
      o.onProgress?.('permissions', ++done, total);
    }),
  ]);
  const teamRole = new Map(teams.map((t) => [t.name, t.role]));
  const facts: RobotFacts[] = robots.map((r) => ({
    name: r.fullName,
    shortName: r.shortName,
    description: r.description,
    created: r.created,
    lastAccessed: r.lastAccessed,
    ...(r.token !== undefined ? { tokenFingerprint: tokenFingerprint(r.token) } : {}),
    teams: r.teams ?? [],
    grants: [...(direct.get(r.fullName) ?? []), ...(r.teams ?? []).flatMap((t) => teamGrants.get(t) ?? [])],
  }));
  const lastAccessedReported = robots.some((r) => r.lastAccessed !== undefined);
  if (!lastAccessedReported && robots.length > 0) {
    notes.push(`Quay reports no last access for any robot of ${o.org} (FEATURE_USER_LAST_ACCESSED may be off): unused robots cannot be told apart.`);
  }

  // Usage logs.
  const usage = new Map<string, RobotUsage>();
  const writers = facts.filter((r) => holdsWrite(r.grants) || r.teams.some((t) => teamRole.get(t) === 'admin'));
  const windows = logWindows(o.now, lookbackDays);
  const { from: windowFrom, to: windowTo } = lookbackWindow(o.now, lookbackDays);
  const from = isoDay(windowFrom);
  const to = isoDay(windowTo);
  let logRequests = 0;
  const maxLogRequests = o.maxLogRequests ?? 2000;
  if (writers.length > 0) {
    const orgPushes: number[] = [];
    const orgAnswers: string[] = [];
    for (const w of windows) {
      const counts = await source.aggregateLogs({ kind: 'org', name: o.org }, { starttime: w.from, endtime: w.to }, call);
      requests++;
      orgPushes.push(sum(counts, 'push_repo'));
      orgAnswers.push(canonical(counts));
    }
    /** Whether the robot still exists (asked only when an answer cannot tell, at most once per robot). */
    const exists = new Map<string, Promise<boolean>>();
    const stillThere = (name: string): Promise<boolean> => {
      let known = exists.get(name);
      if (known === undefined) {
        requests++;
        known = source.getRobot(ns, name, call).then(
          () => true,
          (e: unknown) => {
            // Quay answers 400 "Could not find robot" for an unknown robot (contract §3.3, §11.1).
            if (e instanceof QuayApiError && e.status === 400) return false;
            throw e;
          },
        );
        exists.set(name, known);
      }
      return known;
    };
    let logsDone = 0;
    o.onProgress?.('logs', 0, writers.length);
    await pool(writers, limit, async (r) => {
      usage.set(r.name, await robotUsage(r));
      o.onProgress?.('logs', ++logsDone, writers.length);
    });

    async function robotUsage(r: RobotFacts): Promise<RobotUsage> {
      const last = r.lastAccessed;
      if (lastAccessedReported && (last === undefined || last.getTime() < windowFrom.getTime())) {
        return { from, to, counts: { push_repo: 0 }, basis: 'last-accessed' };
      }
      // Windows where the organization pushed, up to the robot's last access (no push can come after it).
      const lastDay = last !== undefined ? Math.floor(last.getTime() / DAY_MS) * DAY_MS : Infinity;
      const needed = windows.map((w, i) => ({ w, i })).filter(({ w, i }) => (orgPushes[i] ?? 0) > 0 && w.from.getTime() <= lastDay);
      if (needed.length === 0) return { from, to, counts: { push_repo: 0 }, basis: 'org-logs' };
      let pushes = 0;
      const skipped: string[] = [];
      for (const { w, i } of needed) {
        if (logRequests >= maxLogRequests) {
          skipped.push(`${isoDay(w.from)} to ${isoDay(w.to)} (request budget spent)`);
          continue;
        }
        logRequests++;
        requests++;
        const counts = await source.aggregateLogsByPerformer({ kind: 'org', name: o.org }, r.name, { starttime: w.from, endtime: w.to }, call);
        // Quay drops an unknown performer and answers everyone's counts (§8): never read those as the robot's.
        const foreign = counts.find((c) => API_ONLY_KINDS.has(c.kind) && c.count > 0);
        if (foreign !== undefined) {
          skipped.push(`${isoDay(w.from)} to ${isoDay(w.to)} (Quay answered counts of ${foreign.kind}, which a robot cannot perform: the performer filter was dropped, so they are not ${r.name}'s)`);
          continue;
        }
        // The same answer as the whole organization's: the robot acted alone, or the filter was dropped without a sign
        // (no API-only kinds in the window). Only the robot's existence tells which.
        if (counts.length > 0 && canonical(counts) === orgAnswers[i] && !(await stillThere(r.name))) {
          skipped.push(`${isoDay(w.from)} to ${isoDay(w.to)} (${r.name} no longer exists, so Quay answered everyone's counts)`);
          continue;
        }
        pushes += sum(counts, 'push_repo');
        if (pushes > 0) break;
      }
      return {
        from,
        to,
        // Only pushes: the windows skipped above (nobody pushed) were not read for this robot's pulls.
        counts: { push_repo: pushes },
        basis: 'robot-logs',
        ...(skipped.length > 0 && pushes === 0 ? { notExamined: `Not examined: ${skipped.join('; ')}.` } : {}),
      };
    }
  }

  // Token ages.
  o.onProgress?.('token ages', 0, 1);
  const ages = await tokenAges(source, { kind: 'org', name: o.org }, robots, {
    now: o.now,
    maxRequests: o.maxTokenAgeRequests ?? 20,
    remembered: o.rememberedRotations,
    signal: o.signal,
  });
  requests += ages.requests;
  const tokenAgesByRobot: Map<string, TokenAge> = new Map(ages.ages);
  o.onProgress?.('token ages', 1, 1);

  return {
    host: o.host,
    org: o.org,
    now: o.now,
    window: { from, to, days: lookbackDays },
    robots: facts,
    teams,
    prototypes: prototypes,
    usage,
    tokenAges: tokenAgesByRobot,
    lastAccessedReported,
    requests,
    notes,
  };
}
