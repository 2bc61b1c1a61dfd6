/**
 * Seed data. `demo` is what the demo, the E2E tests and the README screenshots show; keep its
 * names stable. `large` adds an organization big enough to exercise paging (5,000 repositories,
 * 500 robots) and a 20-robot one; `history` adds `fleet`, 500 robots with a year of usage logs (token ages);
 * `empty` has just the two users.
 */
import type { JsonObject } from './json';
import type { Entity, Model, RepoRole, Repository, RobotEntity } from './model';

export type SeedName = 'demo' | 'large' | 'history' | 'empty';

/** The token of `acme+legacy_deployer` in the demo seed, committed on purpose in test/fixtures/hygiene/ (a sandbox throwaway). */
export const HYGIENE_LEGACY_TOKEN = 'JQGUKB00EGIU420NMUVV1F75ZFNPCMGFMQSTQKHBROOPDATRIV2JR91KKZHI1WOH';

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

class Seeder {
  readonly now: number;
  constructor(
    readonly model: Model,
    /** The sandbox's own test issuer (`https://127.0.0.1:<port>/oidc`). */
    readonly issuerUrl: string,
  ) {
    this.now = model.now();
  }
  ago(ms: number): number {
    return this.now - ms;
  }

  /** A repository as its creator made it: the creator holds a direct admin permission. */
  repo(namespace: string, name: string, creator: string, options: { description: string | null; public?: boolean; createdDaysAgo: number; pushedHoursAgo?: number | null; actions?: number }): Repository {
    const repo = this.model.addRepo(namespace, name, {
      description: options.description,
      visibility: options.public ? 'public' : 'private',
      created: this.ago(options.createdDaysAgo * DAY),
      lastModified: options.pushedHoursAgo === null || options.pushedHoursAgo === undefined ? null : Math.floor(this.ago(options.pushedHoursAgo * HOUR) / 1000),
      actionCount: options.actions ?? 0,
    });
    this.model.setPermission(repo, { user: creator }, 'admin');
    return repo;
  }

  robot(namespace: string, short: string, options: { description: string; createdDaysAgo: number; lastAccessedAgoMs: number | null; metadata?: JsonObject }): RobotEntity {
    return this.model.addRobot(namespace, short, {
      description: options.description,
      metadata: options.metadata ?? {},
      created: this.ago(options.createdDaysAgo * DAY),
      lastAccessed: options.lastAccessedAgoMs === null ? null : this.ago(options.lastAccessedAgoMs),
    });
  }

  grant(namespace: string, repoName: string, username: string, role: RepoRole): void {
    const repo = this.model.repo(namespace, repoName);
    if (!repo) throw new Error(`seed: no repository ${namespace}/${repoName}`);
    this.model.setPermission(repo, { user: username }, role);
  }

  grantTeam(org: string, team: string, repoName: string, role: RepoRole): void {
    const repo = this.model.repo(org, repoName);
    const t = this.model.team(org, team);
    if (!repo || !t) throw new Error(`seed: no ${org}/${repoName} or team ${team}`);
    this.model.setPermission(repo, { teamId: t.id }, role);
  }

  log(kind: string, account: string, agoMs: number, performer: string | null, metadata: JsonObject, repoName?: string, ip = '10.0.12.34'): void {
    const repo = repoName === undefined ? null : (this.model.repo(account, repoName) ?? null);
    const who: Entity | null = performer === null ? null : (this.model.entity(performer) ?? null);
    this.model.addLog({ kind, account, repo, performer: who, ip, metadata, timeMs: this.ago(agoMs) });
  }
}

function seedUsers(s: Seeder): void {
  s.model.addUser('alice', 'alice@example.com', s.ago(700 * DAY));
  s.model.addUser('bob', 'bob@example.com', s.ago(650 * DAY));
}

const ACME_REPOS: readonly [string, string, boolean?][] = [
  ['frontend', 'Customer-facing web frontend'],
  ['backend', 'Core API service'],
  ['payments', 'Payment processing service'],
  ['auth-service', 'Authentication and session service'],
  ['mobile-api', 'Backend-for-frontend of the mobile apps'],
  ['data-pipeline', 'Nightly ETL jobs'],
  ['docs', 'Public product documentation site', true],
  ['billing', 'Invoicing and billing'],
  ['search', 'Search indexer and query API'],
  ['notifications', 'E-mail and push notifications'],
  ['gateway', 'Edge API gateway'],
  ['analytics', 'Internal analytics dashboards'],
  ['ml-models', 'Model-serving images'],
  ['website', 'Marketing website'],
];

function pullMeta(namespace: string, repo: string, robot: string, tag: string, agent = 'containerd/v1.7.13'): JsonObject {
  return { repo, namespace, 'user-agent': agent, tag, username: robot, is_robot: true };
}

function seedDemo(s: Seeder): void {
  const m = s.model;
  m.addUser('carol', 'carol@example.com', s.ago(600 * DAY));
  m.addUser('dave', 'dave@example.com', s.ago(320 * DAY));

  // ----- acme -------------------------------------------------------------------------------------
  m.addOrg('acme', 'admin@acme.example', 'alice', s.ago(420 * DAY));
  ACME_REPOS.forEach(([name, description, isPublic], i) => {
    s.repo('acme', name, 'alice', { description, public: isPublic, createdDaysAgo: 400 - i * 20, pushedHoursAgo: i < 6 ? 3 + i * 5 : 24 * (i + 2), actions: 1500 - i * 90 });
    s.log('create_repo', 'acme', (400 - i * 20) * DAY, 'alice', { repo: name, namespace: 'acme' }, name);
  });
  const developers = m.addTeam('acme', 'developers', 'member', 'Application developers');
  developers.members.add('bob');
  s.log('org_create_team', 'acme', 390 * DAY, 'alice', { team: 'developers' });
  s.log('org_add_team_member', 'acme', 389 * DAY, 'alice', { member: 'bob', team: 'developers' });
  for (const repo of ['frontend', 'backend', 'search']) {
    s.grantTeam('acme', 'developers', repo, 'write');
    s.log('change_repo_permission', 'acme', 388 * DAY, 'alice', { team: 'developers', repo, role: 'write' }, repo);
  }

  const robots: [string, string, number, number | null, JsonObject, [string, RepoRole][]][] = [
    ['k8s_prod_puller', 'Pulls production images for the prod cluster', 120, 2 * HOUR, { cluster: 'prod-eu-1', owner: 'platform-team' }, [['frontend', 'read'], ['backend', 'read'], ['payments', 'read'], ['gateway', 'read']]],
    ['ci_pull', 'CI: pulls images for integration tests', 95, 18 * HOUR + 40 * MIN, { pipeline: 'github-actions' }, [['frontend', 'read'], ['backend', 'read'], ['auth-service', 'read'], ['mobile-api', 'read'], ['search', 'read'], ['notifications', 'read']]],
    ['ci_push', 'CI: pushes release images', 95, 3 * HOUR, { pipeline: 'github-actions' }, [['frontend', 'write'], ['backend', 'write']]],
    ['keyless', 'Keyless (OIDC-federated) robot of the prod app', 10, null, {}, [['backend', 'read']]],
    ['unused_bot', '', 200, null, {}, []],
  ];
  for (const [short, description, createdDaysAgo, lastAccessed, metadata, grants] of robots) {
    s.robot('acme', short, { description, createdDaysAgo, lastAccessedAgoMs: lastAccessed, metadata });
    s.log('create_robot', 'acme', createdDaysAgo * DAY, 'alice', { robot: short, description, unstructured_metadata: metadata });
    for (const [repo, role] of grants) {
      s.grant('acme', repo, `acme+${short}`, role);
      s.log('change_repo_permission', 'acme', createdDaysAgo * DAY - 10 * MIN, 'alice', { username: `acme+${short}`, repo, namespace: 'acme', role }, repo);
    }
  }
  const deployers = m.addTeam('acme', 'deployers', 'creator', 'Release automation');
  deployers.members.add('acme+ci_push');
  s.log('org_create_team', 'acme', 94 * DAY, 'alice', { team: 'deployers' });
  s.log('org_add_team_member', 'acme', 94 * DAY - MIN, 'alice', { member: 'acme+ci_push', team: 'deployers' });
  for (const repo of ['gateway', 'website']) {
    s.grantTeam('acme', 'deployers', repo, 'write');
    s.log('change_repo_permission', 'acme', 94 * DAY - 5 * MIN, 'alice', { team: 'deployers', repo, role: 'write' }, repo);
  }
  const keyless = m.robotEntity('acme+keyless');
  if (keyless) {
    keyless.federation = [
      { issuer: s.issuerUrl, subject: 'system:serviceaccount:prod:app' },
      { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/app:ref:refs/heads/main' },
    ];
    s.log('create_robot_federation', 'acme', 10 * DAY - HOUR, 'alice', { config: keyless.federation.map((f) => ({ ...f })), robot: 'keyless' });
  }
  const p1 = m.addPrototype('acme', 'read', null, { user: 'acme+ci_pull' });
  s.log('create_prototype_permission', 'acme', 60 * DAY, 'alice', { prototypeid: p1.uuid, username: 'alice', activating_username: null, role: 'read', delegate_user: 'acme+ci_pull' });
  const p2 = m.addPrototype('acme', 'write', 'alice', { teamId: developers.id });
  s.log('create_prototype_permission', 'acme', 60 * DAY - 2 * MIN, 'alice', { prototypeid: p2.uuid, username: 'alice', activating_username: 'alice', role: 'write', delegate_team: 'developers' });
  m.stars.set('alice', new Set([m.repo('acme', 'frontend')?.id ?? -1, m.repo('acme', 'backend')?.id ?? -1]));

  // The last day in acme: enough traffic that the default log window pages (> 20 entries).
  const pulls: [string, string, number][] = [];
  for (let i = 0; i < 16; i++) pulls.push(['k8s_prod_puller', ['frontend', 'backend', 'payments', 'gateway'][i % 4] ?? 'frontend', 2 * HOUR + i * 70 * MIN]);
  for (let i = 0; i < 6; i++) pulls.push(['ci_pull', ['frontend', 'backend', 'search'][i % 3] ?? 'frontend', 22 * HOUR - i * 40 * MIN]);
  for (const [robot, repo, ago] of pulls) s.log('pull_repo', 'acme', ago, `acme+${robot}`, pullMeta('acme', repo, `acme+${robot}`, 'v1.42.0'), repo, '10.42.0.17');
  for (let i = 0; i < 4; i++) {
    const repo = i % 2 === 0 ? 'frontend' : 'backend';
    s.log('push_repo', 'acme', 3 * HOUR + i * 2 * HOUR, 'acme+ci_push', pullMeta('acme', repo, 'acme+ci_push', `v1.43.${i}`, 'docker/26.1.4 go/go1.22.4 git-commit/de5c9cf kernel/6.8.0 os/linux arch/amd64'), repo, '10.1.4.2');
  }
  s.log('regenerate_robot_token', 'acme', 5 * HOUR, 'alice', { robot: 'ci_pull' });
  s.log('federated_robot_token_exchange', 'acme', 90 * MIN, null, { subject: 'system:serviceaccount:prod:app', issuer: s.issuerUrl, robot: 'keyless' }, undefined, '10.42.0.23');

  // Hygiene review cases (AGENTS.md "Hygiene review core"): a write robot that only pulls (write-never-pushed; its token, fixed here, is
  // committed in test/fixtures/hygiene/), and a generic name without a description (non-descriptive-name).
  const legacy = s.robot('acme', 'legacy_deployer', { description: 'Old deploy job of the payments team', createdDaysAgo: 60, lastAccessedAgoMs: 2 * DAY });
  legacy.token = HYGIENE_LEGACY_TOKEN;
  s.log('create_robot', 'acme', 60 * DAY, 'alice', { robot: 'legacy_deployer', description: 'Old deploy job of the payments team', unstructured_metadata: {} });
  for (const repo of ['payments', 'billing']) {
    s.grant('acme', repo, 'acme+legacy_deployer', 'write');
    s.log('change_repo_permission', 'acme', 60 * DAY - 10 * MIN, 'alice', { username: 'acme+legacy_deployer', repo, namespace: 'acme', role: 'write' }, repo);
  }
  for (const ago of [2 * DAY, 9 * DAY, 40 * DAY]) s.log('pull_repo', 'acme', ago, 'acme+legacy_deployer', pullMeta('acme', 'payments', 'acme+legacy_deployer', 'v3.1.0'), 'payments', '10.42.0.31');
  s.robot('acme', 'robot1', { description: '', createdDaysAgo: 30, lastAccessedAgoMs: 3 * DAY });
  s.log('create_robot', 'acme', 30 * DAY, 'bob', { robot: 'robot1', description: '', unstructured_metadata: {} });

  // ----- platform -----------------------------------------------------------------------------------
  m.addOrg('platform', 'admin@platform.example', 'alice', s.ago(300 * DAY));
  const sre = m.addTeam('platform', 'sre', 'member', 'Site reliability');
  sre.members.add('dave');
  s.repo('platform', 'base-images', 'alice', { description: 'Golden base images', createdDaysAgo: 290, pushedHoursAgo: 1, actions: 4200 });
  s.repo('platform', 'ubi-tools', 'alice', { description: 'UBI-based tooling images', createdDaysAgo: 250, pushedHoursAgo: 72, actions: 800 });
  s.repo('platform', 'operators', 'alice', { description: 'Kubernetes operators', createdDaysAgo: 200, pushedHoursAgo: 240, actions: 300 });
  const mirror = s.robot('platform', 'mirror_bot', { description: 'Mirrors upstream base images', createdDaysAgo: 280, lastAccessedAgoMs: 20 * MIN });
  s.grant('platform', 'base-images', 'platform+mirror_bot', 'write');
  m.setRepoMirror('platform/base-images', mirror.username, 'registry.access.redhat.com/ubi9/ubi');
  s.robot('platform', 'scanner', { description: 'Vulnerability scanner', createdDaysAgo: 150, lastAccessedAgoMs: 5 * HOUR });
  for (const repo of ['base-images', 'ubi-tools', 'operators']) s.grant('platform', repo, 'platform+scanner', 'read');
  s.grantTeam('platform', 'sre', 'operators', 'write');
  s.log('create_robot', 'platform', 280 * DAY, 'alice', { robot: 'mirror_bot', description: 'Mirrors upstream base images', unstructured_metadata: {} });
  s.log('create_robot', 'platform', 150 * DAY, 'alice', { robot: 'scanner', description: 'Vulnerability scanner', unstructured_metadata: {} });
  s.log('pull_repo', 'platform', 5 * HOUR, 'platform+scanner', pullMeta('platform', 'base-images', 'platform+scanner', 'ubi9'), 'base-images');
  s.log('push_repo', 'platform', 20 * MIN, 'platform+mirror_bot', pullMeta('platform', 'base-images', 'platform+mirror_bot', 'ubi9', 'quay-repo-mirror/skopeo'), 'base-images');

  // ----- opensource (alice is a plain member) ---------------------------------------------------------
  m.addOrg('opensource', 'maintainers@opensource.example', 'carol', s.ago(500 * DAY));
  const contributors = m.addTeam('opensource', 'contributors', 'member', 'Outside contributors');
  contributors.members.add('alice');
  s.repo('opensource', 'cli', 'carol', { description: 'Command-line client', public: true, createdDaysAgo: 480, pushedHoursAgo: 30, actions: 9000 });
  s.repo('opensource', 'charts', 'carol', { description: 'Helm charts', public: true, createdDaysAgo: 470, pushedHoursAgo: 150, actions: 2500 });
  s.robot('opensource', 'releaser', { description: 'Publishes releases', createdDaysAgo: 460, lastAccessedAgoMs: 6 * DAY });
  s.grant('opensource', 'cli', 'opensource+releaser', 'write');
  s.grant('opensource', 'charts', 'opensource+releaser', 'write');
  s.grantTeam('opensource', 'contributors', 'charts', 'write');
  s.log('create_robot', 'opensource', 460 * DAY, 'carol', { robot: 'releaser', description: 'Publishes releases', unstructured_metadata: {} });

  // ----- user namespaces ------------------------------------------------------------------------------
  s.repo('alice', 'dotfiles', 'alice', { description: 'My shell and editor setup', createdDaysAgo: 600, pushedHoursAgo: 400 });
  s.repo('alice', 'playground', 'alice', { description: 'Experiments', public: true, createdDaysAgo: 100, pushedHoursAgo: 50 });
  s.robot('alice', 'laptop', { description: 'Pulls on my laptop', createdDaysAgo: 90, lastAccessedAgoMs: 4 * DAY });
  s.robot('alice', 'backup', { description: 'Nightly backup job', createdDaysAgo: 300, lastAccessedAgoMs: 14 * HOUR });
  s.grant('alice', 'playground', 'alice+laptop', 'write');
  s.grant('alice', 'dotfiles', 'alice+backup', 'read');
  s.log('create_robot', 'alice', 90 * DAY, 'alice', { robot: 'laptop', description: 'Pulls on my laptop', unstructured_metadata: {} });
  s.log('create_robot', 'alice', 300 * DAY, 'alice', { robot: 'backup', description: 'Nightly backup job', unstructured_metadata: {} });
  s.repo('bob', 'notes', 'bob', { description: null, createdDaysAgo: 200 });
}

function seedLarge(s: Seeder): void {
  const m = s.model;
  m.addOrg('bigcorp', 'it@bigcorp.example', 'alice', s.ago(900 * DAY));
  const engineering = m.addTeam('bigcorp', 'engineering', 'member', 'All engineers');
  engineering.members.add('bob');
  const release = m.addTeam('bigcorp', 'release', 'creator', 'Release engineering');
  const readers = m.addTeam('bigcorp', 'readers', 'member', 'Read-only auditors');
  const areas = ['api', 'web', 'worker', 'batch', 'ml', 'data', 'auth', 'billing', 'search', 'infra'];
  const REPOS = 5000;
  const ROBOTS = 500;
  for (let i = 0; i < REPOS; i++) {
    const name = `${areas[i % areas.length] ?? 'svc'}-${String(i + 1).padStart(4, '0')}`;
    const repo = m.addRepo('bigcorp', name, {
      description: `Service ${i + 1}`,
      visibility: i % 50 === 0 ? 'public' : 'private',
      created: s.ago((900 - (i % 850)) * DAY),
      lastModified: Math.floor(s.ago((i % 300) * HOUR) / 1000),
      actionCount: (i * 37) % 1000,
    });
    m.setPermission(repo, { user: 'alice' }, 'admin');
    if (i % 10 === 0) m.setPermission(repo, { teamId: engineering.id }, 'write');
    if (i % 25 === 0) m.setPermission(repo, { teamId: readers.id }, 'read');
  }
  const repos = m.namespaceRepos('bigcorp');
  for (let r = 0; r < ROBOTS; r++) {
    const short = `${areas[r % areas.length] ?? 'svc'}_bot_${String(r + 1).padStart(3, '0')}`;
    const robot = m.addRobot('bigcorp', short, {
      description: `Deploys the ${areas[r % areas.length] ?? ''} services (${r + 1})`,
      created: s.ago((800 - r) * DAY),
      lastAccessed: r % 7 === 0 ? null : s.ago((r % 90) * HOUR + r * MIN),
    });
    for (let k = 0; k < 10; k++) {
      const repo = repos[(r * 10 + k) % repos.length];
      if (repo) m.setPermission(repo, { user: robot.username }, k % 3 === 0 ? 'write' : 'read');
    }
    if (r % 20 === 0) release.members.add(robot.username);
  }
  m.addPrototype('bigcorp', 'read', null, { teamId: readers.id });
  m.addPrototype('bigcorp', 'write', 'alice', { user: 'bigcorp+api_bot_001' });
  for (let i = 0; i < 60; i++) {
    const robot = `bigcorp+${areas[i % areas.length] ?? 'svc'}_bot_${String((i % ROBOTS) + 1).padStart(3, '0')}`;
    const repo = repos[i * 10];
    if (repo) s.log('pull_repo', 'bigcorp', (i + 1) * 20 * MIN, robot, pullMeta('bigcorp', repo.name, robot, 'latest'), repo.name, '10.8.0.5');
  }
  // Everyday traffic for the hygiene review's benchmark (test/bench/audit.ts): each robot ever used pulls once or
  // twice a day from 93 to 4 days ago (oldest first: the model keeps logs sorted), and every 12th one also pushes.
  const robotName = (r: number): string => `bigcorp+${areas[r % areas.length] ?? 'svc'}_bot_${String(r + 1).padStart(3, '0')}`;
  for (let d = 93; d >= 4; d--) {
    for (let r = 0; r < ROBOTS; r++) {
      if (r % 7 === 0) continue;
      const repo = repos[(r * 10 + 1) % repos.length];
      for (let k = 0; k < 1 + (r % 2); k++) {
        if (repo) s.log('pull_repo', 'bigcorp', d * DAY - r * MIN - k * HOUR, robotName(r), pullMeta('bigcorp', repo.name, robotName(r), 'latest'), repo.name, '10.8.0.7');
      }
    }
  }
  for (let r = 0; r < ROBOTS; r += 12) {
    if (r % 7 === 0) continue;
    const robot = robotName(r);
    const repo = repos[(r * 10) % repos.length];
    if (repo) s.log('push_repo', 'bigcorp', (((r * 7) % 80) + 1) * DAY + r * MIN, robot, pullMeta('bigcorp', repo.name, robot, 'latest'), repo.name, '10.8.0.6');
  }
}

/**
 * `fleet`: 500 robots created 100–600 days ago, a year of busy logs (40 pulls a day) and five rotation campaigns
 * (10 robots regenerated on each of days 20, 75, 130, 200 and 290 ago). Token ages then come from regenerations,
 * creations in the logs, and `created` dates the logs do not reach. `FLEET_HISTORY` is the ground truth for tests.
 */
export const FLEET_HISTORY = {
  robots: 500,
  createdDaysAgo: (r: number): number => 100 + r,
  campaigns: [20, 75, 130, 200, 290] as const,
  rotatedIn: (campaign: number): number[] => Array.from({ length: 10 }, (_, k) => (campaign * 37 + k * 41) % 500),
  pullsPerDay: 40,
  days: 366,
  shortName: (r: number): string => `svc_${String(r).padStart(3, '0')}`,
};

function seedHistory(s: Seeder): void {
  const m = s.model;
  const h = FLEET_HISTORY;
  m.addOrg('fleet', 'ops@fleet.example', 'alice', s.ago(900 * DAY));
  for (let i = 0; i < 20; i++) s.repo('fleet', `app-${i}`, 'alice', { description: null, createdDaysAgo: 700 });
  for (let r = 0; r < h.robots; r++) {
    const short = h.shortName(r);
    s.robot('fleet', short, { description: `Service ${r}`, createdDaysAgo: h.createdDaysAgo(r), lastAccessedAgoMs: HOUR + r * MIN });
    s.grant('fleet', `app-${r % 20}`, `fleet+${short}`, 'read');
    if (h.createdDaysAgo(r) < h.days) s.log('create_robot', 'fleet', h.createdDaysAgo(r) * DAY - 5 * HOUR, 'alice', { robot: short, description: `Service ${r}`, unstructured_metadata: {} });
  }
  h.campaigns.forEach((daysAgo, c) => {
    for (const r of h.rotatedIn(c)) s.log('regenerate_robot_token', 'fleet', daysAgo * DAY - 3 * HOUR - r * MIN, 'alice', { robot: h.shortName(r) });
  });
  for (let d = 0; d < h.days; d++) {
    for (let i = 0; i < h.pullsPerDay; i++) {
      const robot = `fleet+${h.shortName((d * 7 + i * 13) % h.robots)}`;
      const repo = `app-${i % 20}`;
      s.log('pull_repo', 'fleet', d * DAY + 10 * MIN + i * 30 * MIN, robot, pullMeta('fleet', repo, robot, 'latest'), repo, '10.9.0.8');
    }
  }
}

/**
 * A mid-sized organization (20 robots, 150 repositories): small enough that the tree looks federation up with
 * the robot list (robotsGroupNode.ts), which the tree benchmark measures. Every 5th robot is federated.
 */
function seedMidcorp(s: Seeder): void {
  const m = s.model;
  m.addOrg('midcorp', 'it@midcorp.example', 'alice', s.ago(400 * DAY));
  for (let i = 0; i < 150; i++) s.repo('midcorp', `svc-${String(i + 1).padStart(3, '0')}`, 'alice', { description: `Service ${i + 1}`, createdDaysAgo: 390 - i, pushedHoursAgo: i % 48 });
  for (let r = 0; r < 20; r++) {
    const short = `deploy_${String(r + 1).padStart(2, '0')}`;
    const robot = s.robot('midcorp', short, { description: `Deploys service group ${r + 1}`, createdDaysAgo: 300 - r, lastAccessedAgoMs: r % 6 === 0 ? null : r * HOUR });
    for (let k = 0; k < 5; k++) s.grant('midcorp', `svc-${String(((r * 5 + k) % 150) + 1).padStart(3, '0')}`, robot.username, 'read');
    if (r % 5 === 0) robot.federation = [{ issuer: s.issuerUrl, subject: `system:serviceaccount:group-${r + 1}:deployer` }];
  }
}

export function applySeed(model: Model, seed: SeedName, issuerUrl: string): void {
  const s = new Seeder(model, issuerUrl);
  seedUsers(s);
  if (seed === 'empty') return;
  seedDemo(s);
  if (seed === 'large') {
    seedLarge(s);
    seedMidcorp(s);
  }
  if (seed === 'history') seedHistory(s);
}
