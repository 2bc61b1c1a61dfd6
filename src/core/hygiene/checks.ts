/**
 * The nine hygiene checks (types.ts `CHECK_IDS`, AGENTS.md "Hygiene review core") as pure functions over gathered inputs (inputs.ts). `runChecks` runs
 * every check whose inputs are present: with Quay inputs the findings are about the organization's robots; with
 * only a workspace (offline) `committed-token` still finds credentials of any robot on any host.
 */
import type { Role } from '../quay/types';
import { isOverdue, tokenAgeDays } from '../rotation/tokenAge';
import { splitRobotName } from '../robotName';
import type { EnvironmentMatcher } from './environments';
import { environmentMatcher, environmentOf } from './environments';
import type { ClusterPullSecret, Grant, HygieneInputs, HygieneSettings, QuayInputs, RobotFacts, WorkspaceCredential, WorkspacePullUsage } from './inputs';
import { DEFAULT_SETTINGS } from './inputs';
import type { CheckId, ClusterLocation, Evidence, FileLocation, Finding, Fix, Severity } from './types';
import { CHECK_IDS, SEVERITIES } from './types';
import { isoDay } from '../time';

const DAY_MS = 86_400_000;
const WRITE: ReadonlySet<Role> = new Set<Role>(['write', 'admin']);

const FIX = {
  downgrade: { kind: 'downgrade-to-read', label: 'Downgrade its write and admin grants to read (plan, apply, report).' },
  successor: { kind: 'pull-only-successor', label: 'Create a pull-only successor robot and move the pull Secrets to it.' },
  delete: { kind: 'delete-robot', label: 'Delete the robot.' },
  revoke: { kind: 'revoke-grants', label: 'Revoke its repository grants.' },
  deletePrototype: { kind: 'delete-default-permission', label: 'Delete the default permission and grant per repository instead.' },
  removeFromTeam: { kind: 'remove-from-team', label: 'Remove the robot from the team.' },
  split: { kind: 'split-per-environment', label: 'Split it: one robot per environment with the same repositories at read, each environment moved to its own.' },
  rotate: { kind: 'rotate', label: 'Rotate the token.' },
  keyless: { kind: 'keyless-external-secret', label: 'Replace the static Secret by a keyless ExternalSecret (or a vault-backed one).' },
  rename: { kind: 'descriptive-successor', label: 'Create a successor with a name that says where it is used (Quay cannot rename a robot).' },
  dereference: {
    kind: 'rotate-and-dereference',
    label: 'Rotate the token and replace the file content by a reference (ExternalSecret, or a Secret kept out of git); git history still holds the old token.',
  },
} as const satisfies Record<string, Fix>;

/** Names that say nothing about where a robot is used. */
const GENERIC = /^(?:robot|bot|test|tests|tmp|temp|foo|bar|baz|demo|user|account|acct|svc|service|sa|new|my|default|example|sample|dummy|x|a|b|robo|bot_account|robot_account|deploy|deployer|puller|pusher|ci|cd|ci_cd)[._-]?\d*$/;

export function isNonDescriptive(shortName: string): boolean {
  return GENERIC.test(shortName) || /^[a-z]{1,2}\d*$/.test(shortName) || /^\d+$/.test(shortName);
}

const days = (from: Date, to: Date): number => Math.max(0, Math.floor((to.getTime() - from.getTime()) / DAY_MS));

function fileLocation(u: Pick<WorkspaceCredential, 'path' | 'line' | 'column'> & { readonly encoding?: string }): FileLocation {
  return { path: u.path, line: u.line, column: u.column, ...(u.encoding !== undefined ? { encoding: u.encoding } : {}) };
}

function clusterLocation(s: ClusterPullSecret): ClusterLocation {
  return { context: s.context, namespace: s.namespace, name: s.name };
}

function writeGrants(r: RobotFacts): Grant[] {
  return r.grants.filter((g) => WRITE.has(g.role));
}

function repositories(grants: readonly Grant[]): { repository: string; role: Role }[] {
  const best = new Map<string, Role>();
  const rank = { read: 0, write: 1, admin: 2 } as const;
  for (const g of grants) {
    const had = best.get(g.repository);
    if (had === undefined || rank[g.role] > rank[had]) best.set(g.repository, g.role);
  }
  return [...best].sort((a, b) => a[0].localeCompare(b[0])).map(([repository, role]) => ({ repository, role }));
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function list(names: readonly string[], max = 3): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** What one robot is used for, from every source. */
interface RobotPlaces {
  readonly pulls: WorkspacePullUsage[];
  readonly credentials: WorkspaceCredential[];
  readonly clusters: ClusterPullSecret[];
}

class Context {
  readonly env: EnvironmentMatcher;
  readonly places = new Map<string, RobotPlaces>();
  readonly quay: QuayInputs | undefined;
  readonly robots: ReadonlyMap<string, RobotFacts>;
  readonly findings: Finding[] = [];

  constructor(
    readonly inputs: HygieneInputs,
    readonly settings: HygieneSettings,
  ) {
    this.env = environmentMatcher(settings.environmentPatterns);
    this.quay = inputs.quay;
    this.robots = new Map((inputs.quay?.robots ?? []).map((r) => [r.name, r]));
    const host = this.quay?.host;
    // With Quay inputs only the organization's robots on this host are judged; offline, every robot.
    const mine = (robot: string, h: string | undefined): boolean =>
      this.quay === undefined || (robot.startsWith(`${this.quay.org}+`) && (h === undefined || host === undefined || h === host));
    const at = (robot: string): RobotPlaces => {
      let p = this.places.get(robot);
      if (p === undefined) this.places.set(robot, (p = { pulls: [], credentials: [], clusters: [] }));
      return p;
    };
    for (const u of inputs.workspace?.pullUsages ?? []) if (mine(u.robot, u.host)) at(u.robot).pulls.push(u);
    // A credential holding a listed robot's current token is that robot's, whatever host its config names.
    const current = new Set((inputs.quay?.robots ?? []).flatMap((r) => (r.tokenFingerprint !== undefined ? [`${r.name}:${r.tokenFingerprint}`] : [])));
    for (const c of inputs.workspace?.credentials ?? []) if (mine(c.robot, c.host) || current.has(`${c.robot}:${c.fingerprint}`)) at(c.robot).credentials.push(c);
    for (const s of inputs.clusters?.secrets ?? []) if (mine(s.robot, s.host)) at(s.robot).clusters.push(s);
  }

  add(check: CheckId, severity: Severity, robot: string, message: string, evidence: Evidence, fix?: Fix): void {
    const { namespace } = splitRobotName(robot);
    this.findings.push({
      check,
      severity,
      ...(this.quay !== undefined ? { host: this.quay.host } : {}),
      namespace: namespace !== '' ? namespace : robot,
      robot,
      message,
      evidence,
      ...(fix !== undefined ? { fix } : {}),
    });
  }
}

/** Every check whose inputs are present; findings sorted by check (CHECK_IDS order), then robot. */
export function runChecks(inputs: HygieneInputs, settings: HygieneSettings = DEFAULT_SETTINGS): Finding[] {
  const c = new Context(inputs, settings);
  pullSecretCanWrite(c);
  writeNeverPushed(c);
  unusedRobot(c);
  orgWidePermission(c);
  sharedAcrossEnvironments(c);
  tokenOverdue(c);
  staticTokenInProduction(c);
  nonDescriptiveName(c);
  committedToken(c);
  return c.findings.sort((a, b) => CHECK_IDS.indexOf(a.check) - CHECK_IDS.indexOf(b.check) || a.robot.localeCompare(b.robot) || a.message.localeCompare(b.message));
}

/** `pull-secret-can-write`: credentials used for pulling, on a robot that can push. */
function pullSecretCanWrite(c: Context): void {
  if (c.quay === undefined) return;
  for (const [robot, places] of c.places) {
    const r = c.robots.get(robot);
    if (r === undefined || (places.pulls.length === 0 && places.clusters.length === 0)) continue;
    const writes = writeGrants(r);
    if (writes.length === 0) continue;
    const viaTeams = [...new Set(writes.flatMap((g) => (g.team !== undefined ? [g.team] : [])))];
    const where = [
      ...(places.pulls.length > 0 ? [`${places.pulls.length} pull Secret reference${places.pulls.length === 1 ? '' : 's'} in the workspace`] : []),
      ...(places.clusters.length > 0 ? [`${places.clusters.length} pull Secret${places.clusters.length === 1 ? '' : 's'} in clusters`] : []),
    ].join(' and ');
    c.add(
      'pull-secret-can-write',
      'error',
      robot,
      `${robot} is used for pulling (${where}) but can push to ${plural(repositories(writes).length, 'repository', 'repositories')}${viaTeams.length > 0 ? ` (partly through team ${list(viaTeams)})` : ''}.`,
      {
        repositories: repositories(writes),
        ...(places.pulls.length > 0 ? { files: places.pulls.map((u) => fileLocation({ ...u, encoding: u.kind })) } : {}),
        ...(places.clusters.length > 0 ? { clusters: places.clusters.map(clusterLocation) } : {}),
      },
      writes.every((g) => g.team !== undefined) ? FIX.successor : FIX.downgrade,
    );
  }
}

/** `write-never-pushed`: write or admin held, no push in the look-back window. */
function writeNeverPushed(c: Context): void {
  const q = c.quay;
  if (q === undefined) return;
  for (const r of q.robots) {
    const writes = writeGrants(r);
    const usage = q.usage.get(r.name);
    if (writes.length === 0 || usage === undefined) continue;
    const pushes = usage.counts['push_repo'];
    if (pushes === undefined || pushes > 0) continue;
    const logs = { from: usage.from, to: usage.to, counts: usage.counts, ...(usage.notExamined !== undefined ? { notExamined: usage.notExamined } : {}) };
    const basis =
      usage.basis === 'last-accessed'
        ? ' (not used at all since before the window)'
        : usage.basis === 'org-logs'
          ? ' (nobody in the organization pushed in the days examined)'
          : '';
    c.add(
      'write-never-pushed',
      usage.notExamined !== undefined ? 'info' : 'warning',
      r.name,
      usage.notExamined !== undefined
        ? `${r.name} holds write or admin on ${plural(repositories(writes).length, 'repository', 'repositories')} and pushed nothing in the logs examined from ${usage.from} to ${usage.to}; part of the window was not examined.`
        : `${r.name} holds write or admin on ${plural(repositories(writes).length, 'repository', 'repositories')} and pushed nothing from ${usage.from} to ${usage.to}${basis}.`,
      { repositories: repositories(writes), logs },
      FIX.downgrade,
    );
  }
}

/** `unused-robot`: never used, or not used in the look-back window (`last_accessed`). */
function unusedRobot(c: Context): void {
  const q = c.quay;
  if (q === undefined || !q.lastAccessedReported) return;
  const windowStart = new Date(`${q.window.from}T00:00:00Z`);
  for (const r of q.robots) {
    const grants = repositories(r.grants.filter((g) => g.team === undefined));
    const evidence: Evidence = grants.length > 0 ? { repositories: grants } : {};
    if (r.lastAccessed === undefined) {
      const young = r.created !== undefined && r.created.getTime() > windowStart.getTime();
      c.add(
        'unused-robot',
        young ? 'info' : 'warning',
        r.name,
        `${r.name} has never been used${r.created !== undefined ? ` (created ${days(r.created, q.now)} days ago)` : ''}${grants.length > 0 ? ` and holds ${grants.length} unused grant${grants.length === 1 ? '' : 's'}` : ''}.`,
        evidence,
        young && grants.length > 0 ? FIX.revoke : FIX.delete,
      );
    } else if (r.lastAccessed.getTime() < windowStart.getTime()) {
      c.add(
        'unused-robot',
        'warning',
        r.name,
        `${r.name} was last used ${days(r.lastAccessed, q.now)} days ago (${isoDay(r.lastAccessed)}), before the ${q.window.days}-day look-back window${grants.length > 0 ? `; none of its ${grants.length} grant${grants.length === 1 ? ' was' : 's were'} used since` : ''}.`,
        evidence,
        FIX.delete,
      );
    }
  }
}

/** `org-wide-permission`: default permissions giving a robot a role on every new repository; robots in admin or creator teams. */
function orgWidePermission(c: Context): void {
  const q = c.quay;
  if (q === undefined) return;
  const teamsOf = new Map<string, string[]>();
  for (const r of q.robots) for (const t of r.teams) teamsOf.set(t, [...(teamsOf.get(t) ?? []), r.name]);
  for (const p of q.prototypes) {
    const robots =
      p.delegate.kind === 'team' ? (teamsOf.get(p.delegate.name) ?? []) : p.delegate.kind === 'robot' || p.delegate.name.includes('+') ? [p.delegate.name] : [];
    for (const robot of robots) {
      const who = p.activatingUser !== undefined ? `every repository ${p.activatingUser.name} creates` : 'every new repository';
      const via = p.delegate.kind === 'team' ? ` through team ${p.delegate.name}` : '';
      c.add(
        'org-wide-permission',
        WRITE.has(p.role) ? 'error' : 'warning',
        robot,
        `A default permission gives ${robot} ${p.role} on ${who} in ${q.org}${via}.`,
        { prototypes: [{ id: p.id, role: p.role }], ...(p.delegate.kind === 'team' ? { teams: [{ team: p.delegate.name, role: 'default permission' }] } : {}) },
        p.delegate.kind === 'team' ? FIX.removeFromTeam : FIX.deletePrototype,
      );
    }
  }
  const roles = new Map(q.teams.map((t) => [t.name, t.role]));
  for (const r of q.robots) {
    for (const team of r.teams) {
      const role = roles.get(team);
      if (role !== 'admin' && role !== 'creator') continue;
      c.add(
        'org-wide-permission',
        role === 'admin' ? 'error' : 'warning',
        r.name,
        role === 'admin'
          ? `${r.name} is in team ${team}, whose admin role makes it an administrator of ${q.org} and every repository in it.`
          : `${r.name} is in team ${team}, whose creator role lets it create repositories in ${q.org} (and administer them).`,
        { teams: [{ team, role }] },
        FIX.removeFromTeam,
      );
    }
  }
}

/** `shared-across-environments`: one robot's credentials in several environments or several clusters. */
function sharedAcrossEnvironments(c: Context): void {
  for (const [robot, places] of c.places) {
    const envs = new Set<string>();
    const files: FileLocation[] = [];
    for (const u of places.pulls) {
      const e = environmentOf(c.env, { path: u.path, namespace: u.namespace });
      if (e !== undefined) envs.add(e);
      files.push(fileLocation({ ...u, encoding: u.kind }));
    }
    for (const u of places.credentials) {
      const e = environmentOf(c.env, { path: u.path });
      if (e !== undefined) envs.add(e);
      if (!files.some((f) => f.path === u.path && f.line === u.line)) files.push(fileLocation(u));
    }
    const contexts = new Set<string>();
    for (const s of places.clusters) {
      contexts.add(s.context);
      const e = environmentOf(c.env, { namespace: s.namespace, context: s.context });
      if (e !== undefined) envs.add(e);
    }
    if (envs.size < 2 && contexts.size < 2) continue;
    const environments = [...envs];
    c.add(
      'shared-across-environments',
      envs.has('prod') && envs.size > 1 ? 'error' : 'warning',
      robot,
      envs.size >= 2
        ? `${robot}'s credentials are used in ${environments.length} environments (${environments.join(', ')}): a leak in one opens all.`
        : `${robot}'s credentials are used in ${contexts.size} clusters (${list([...contexts])}).`,
      { environments, ...(files.length > 0 ? { files } : {}), ...(places.clusters.length > 0 ? { clusters: places.clusters.map(clusterLocation) } : {}) },
      FIX.split,
    );
  }
}

/** `token-overdue`: token older than `maxTokenAgeDays`. */
function tokenOverdue(c: Context): void {
  const q = c.quay;
  if (q === undefined) return;
  for (const r of q.robots) {
    const age = q.tokenAges.get(r.name);
    if (age === undefined || isOverdue(age, q.now, c.settings.maxTokenAgeDays) !== true) continue;
    const d = tokenAgeDays(age, q.now);
    c.add(
      'token-overdue',
      'warning',
      r.name,
      age.kind === 'known'
        ? `${r.name}'s token is ${d} days old (${age.source === 'regenerated' ? 'regenerated' : age.source === 'created' ? 'set at creation' : 'rotated'} on ${isoDay(age.since)}), over the ${c.settings.maxTokenAgeDays}-day limit.`
        : `${r.name}'s token has not been rotated for at least ${d} days (the logs examined reach back to ${isoDay(age.notSince)}), over the ${c.settings.maxTokenAgeDays}-day limit.`,
      { tokenAgeDays: d, ...(age.kind === 'bounded' ? { tokenAgeBounded: true } : {}) },
      FIX.rotate,
    );
  }
}

/** `static-token-in-production`: a static pull Secret (file or cluster) for a production namespace or path. */
function staticTokenInProduction(c: Context): void {
  for (const [robot, places] of c.places) {
    const files = places.pulls
      .filter((u) => u.kind === 'secret' && environmentOf(c.env, { path: u.path, namespace: u.namespace }) === 'prod')
      .map((u) => fileLocation({ ...u, encoding: 'secret' }));
    const clusters = places.clusters.filter((s) => s.managedBy === null && environmentOf(c.env, { namespace: s.namespace, context: s.context }) === 'prod').map(clusterLocation);
    if (files.length === 0 && clusters.length === 0) continue;
    const n = files.length + clusters.length;
    c.add(
      'static-token-in-production',
      'warning',
      robot,
      `${robot}'s token is stored in ${n} static pull Secret${n === 1 ? '' : 's'} for production; an ExternalSecret would keep it out of manifests and rotate it.`,
      { environments: ['prod'], ...(files.length > 0 ? { files } : {}), ...(clusters.length > 0 ? { clusters } : {}) },
      FIX.keyless,
    );
  }
}

/** `non-descriptive-name`: a generic name and no description. */
function nonDescriptiveName(c: Context): void {
  for (const r of c.quay?.robots ?? []) {
    if (r.description.trim() !== '' || !isNonDescriptive(r.shortName)) continue;
    c.add('non-descriptive-name', 'info', r.name, `${r.name} has a generic name and no description: nobody can tell where it is used.`, {}, FIX.rename);
  }
}

/** `committed-token`: a robot credential in a git-tracked file. */
function committedToken(c: Context): void {
  for (const [robot, places] of c.places) {
    const tracked = places.credentials.filter((u) => u.tracked === true);
    if (tracked.length === 0) continue;
    const r = c.robots.get(robot);
    const current = r?.tokenFingerprint !== undefined && tracked.some((u) => u.fingerprint === r.tokenFingerprint);
    const known = c.quay === undefined || r !== undefined;
    const files = tracked.map(fileLocation);
    const where = list([...new Set(tracked.map((u) => u.path))]);
    let message: string;
    let severity: Severity = 'error';
    if (c.quay === undefined) message = `A credential of ${robot} is committed in ${where}; git history keeps it even after the file changes.`;
    else if (!known) {
      severity = 'warning';
      message = `A credential of ${robot}, which ${c.quay.org} no longer lists, is committed in ${where}; git history keeps it.`;
    } else if (current || r?.tokenFingerprint === undefined) message = `${robot}'s ${current ? 'current ' : ''}token is committed in ${where}; git history keeps it even after the file changes.`;
    else {
      severity = 'warning';
      message = `An older token of ${robot} (not the current one) is committed in ${where}; git history keeps it.`;
    }
    c.add('committed-token', severity, robot, message, { files }, FIX.dereference);
  }
}

/** True when a finding is at or above `threshold`. */
export function atOrAbove(f: Pick<Finding, 'severity'>, threshold: Severity): boolean {
  return SEVERITIES.indexOf(f.severity) >= SEVERITIES.indexOf(threshold);
}

/** The look-back window ending today (UTC days, inclusive). */
export function lookbackWindow(now: Date, lookbackDays: number): { from: Date; to: Date } {
  const to = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  return { from: new Date(to.getTime() - (lookbackDays - 1) * DAY_MS), to };
}
