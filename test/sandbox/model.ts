/**
 * The in-memory Quay database of the sandbox: users, organizations, robots, teams, repositories,
 * permissions, default-permission prototypes, federation configs, OAuth tokens and audit logs.
 *
 * It mirrors the data-model rules the API relies on (`data/model/*.py` of quay/quay): one username
 * space for users, orgs and robots; creator admin + prototype application at repository creation
 * (contract §5); cascades on robot deletion (§3); log entries per namespace with microsecond times.
 * Handlers in `api/` implement the HTTP contract on top of it; `SandboxState` is the typed read
 * view tests get through `Sandbox.state`.
 */
import type { JsonObject } from './json';
import { ModelError } from './errors';
import { randomUpperAlnum, uuid4 } from './util';

export type RepoRole = 'read' | 'write' | 'admin';
export type TeamRole = 'member' | 'creator' | 'admin';
export type Visibility = 'public' | 'private';

export interface FederationEntry {
  readonly issuer: string;
  readonly subject: string;
}

interface EntityBase {
  readonly id: number;
  readonly username: string;
  email: string;
  readonly created: number;
  lastAccessed: number | null;
  /** Quay's `enabled = false` (only the registry login looks at it: a disabled owner's robots cannot log in). */
  disabled?: boolean;
}
export interface UserEntity extends EntityBase {
  readonly kind: 'user';
}
export interface OrgEntity extends EntityBase {
  readonly kind: 'org';
}
export interface RobotEntity extends EntityBase {
  readonly kind: 'robot';
  readonly namespace: string;
  readonly shortName: string;
  token: string;
  description: string;
  unstructuredMetadata: JsonObject;
  federation: FederationEntry[];
  /** Marked as the robot of a repository mirror: deleting it fails with `Robot is being used by a mirror`. */
  usedByMirror: boolean;
}
export type Entity = UserEntity | OrgEntity | RobotEntity;

export interface Team {
  readonly id: number;
  readonly org: string;
  readonly name: string;
  description: string;
  role: TeamRole;
  /** Usernames (users and robots), in insertion order. */
  readonly members: Set<string>;
  /** Pending invites (usernames) — FEATURE_MAILING + REQUIRE_TEAM_INVITE are on. */
  readonly invites: Set<string>;
}

export interface Repository {
  readonly id: number;
  readonly namespace: string;
  readonly name: string;
  description: string | null;
  visibility: Visibility;
  readonly kind: 'image';
  readonly state: 'NORMAL';
  readonly created: number;
  /** Epoch seconds of the newest tag, or null (an empty repository). */
  lastModified: number | null;
  /** Sum of recent actions (the `popularity` field). */
  actionCount: number;
}

export interface Permission {
  readonly id: number;
  readonly repoId: number;
  readonly user: string | null;
  readonly teamId: number | null;
  role: RepoRole;
}

export interface Prototype {
  readonly id: number;
  readonly uuid: string;
  readonly org: string;
  readonly activatingUser: string | null;
  readonly delegateUser: string | null;
  readonly delegateTeamId: number | null;
  role: RepoRole;
}

export interface LogEntry {
  readonly id: number;
  readonly kind: string;
  readonly account: string;
  readonly repoId: number | null;
  /** Entity id and name of the performer (resolved at read time: a deleted performer disappears). */
  readonly performerId: number | null;
  readonly performerName: string | null;
  readonly ip: string | null;
  /** Microseconds since the epoch; unique and increasing for entries written by the API. */
  readonly timeUs: number;
  readonly metadata: JsonObject;
}

export interface OAuthApplication {
  readonly clientId: string;
  readonly name: string;
}

export interface TokenRecord {
  readonly id: number;
  readonly token: string;
  readonly username: string;
  readonly scopes: ReadonlySet<string>;
  revoked: boolean;
  readonly application: OAuthApplication;
}

export const ALL_SCOPES = ['user:admin', 'user:read', 'org:admin', 'repo:admin', 'repo:create', 'repo:write', 'repo:read'] as const;

const REPO_ROLE_ORDER: readonly (RepoRole | null)[] = [null, 'read', 'write', 'admin'];
export const repoRoleIndex = (r: RepoRole | null): number => REPO_ROLE_ORDER.indexOf(r);
export const maxRepoRole = (a: RepoRole | null, b: RepoRole | null): RepoRole | null => (repoRoleIndex(a) >= repoRoleIndex(b) ? a : b);

// ----- the read view handed to tests -----------------------------------------------------------

export interface RobotView {
  readonly name: string;
  readonly namespace: string;
  readonly shortName: string;
  readonly token: string;
  readonly description: string;
  readonly unstructuredMetadata: JsonObject;
  readonly created: Date;
  readonly lastAccessed: Date | null;
  readonly federation: readonly FederationEntry[];
  readonly usedByMirror: boolean;
  /** Direct repository permissions, `repository` = `namespace/name`. */
  readonly permissions: readonly { readonly repository: string; readonly role: RepoRole }[];
  /** Teams (of the robot's organization) the robot belongs to. */
  readonly teams: readonly string[];
}

export interface RepositoryView {
  readonly id: number;
  readonly namespace: string;
  readonly name: string;
  readonly fullName: string;
  readonly isPublic: boolean;
  readonly description: string | null;
}

export interface PrototypeView {
  readonly id: string;
  readonly activatingUser: string | null;
  readonly delegate: { readonly kind: 'user' | 'team'; readonly name: string };
  readonly role: RepoRole;
}

export interface TeamView {
  readonly name: string;
  readonly role: TeamRole;
  readonly description: string;
  readonly members: readonly string[];
  readonly invited: readonly string[];
}

export interface LogView {
  readonly kind: string;
  readonly namespace: string;
  readonly repository: string | null;
  readonly performer: string | null;
  readonly ip: string | null;
  readonly datetime: Date;
  readonly metadata: JsonObject;
}

export interface TokenView {
  readonly username: string;
  readonly scopes: readonly string[];
  readonly revoked: boolean;
}

/** Typed read access to the sandbox's data for test assertions (plus the one mutation tests need). */
export interface SandboxState {
  robot(fullName: string): RobotView | undefined;
  robots(namespace: string): RobotView[];
  userPermission(repoFullName: string, username: string): RepoRole | undefined;
  teamPermission(repoFullName: string, team: string): RepoRole | undefined;
  /** Direct user/robot permissions of a repository, keyed by username, in grant order. */
  userPermissions(repoFullName: string): Record<string, RepoRole>;
  teamPermissions(repoFullName: string): Record<string, RepoRole>;
  repository(fullName: string): RepositoryView | undefined;
  repositories(namespace: string): RepositoryView[];
  prototypes(org: string): PrototypeView[];
  teams(org: string): TeamView[];
  teamMembers(org: string, team: string): string[] | undefined;
  organizations(): string[];
  users(): string[];
  isOrgAdmin(org: string, username: string): boolean;
  /** Newest first. */
  logs(namespace: string): LogView[];
  token(token: string): TokenView | undefined;
  /**
   * Creates a repository as `creator` would (API or push): the creator gets a direct `admin`
   * permission and the org's prototypes are applied (contract §5). Throws if it exists.
   */
  createRepository(namespace: string, name: string, creator: string, options?: { visibility?: Visibility; description?: string }): RepositoryView;
  /** Records a registry login of the robot (sets `last_accessed`). */
  touchRobot(fullName: string, at?: Date): void;
  /** Disables (or enables again) a user or organization, as a superuser can (§12.3: its robots cannot log in). */
  setEnabled(namespace: string, enabled: boolean): void;
}

/** The sandbox's own OAuth application (what the log metadata's `oauth_token_*` keys name). */
export const SANDBOX_APPLICATION: OAuthApplication = { clientId: 'QUAYSANDBOXCLIENT001', name: 'Quay sandbox tokens' };

export class Model implements SandboxState {
  private nextEntityId = 1;
  private nextId = 1;
  private lastLogUs = 0;

  readonly entities = new Map<string, Entity>();
  readonly teamsById = new Map<number, Team>();
  readonly teamsByOrg = new Map<string, Map<string, Team>>();
  readonly repos = new Map<number, Repository>();
  private readonly reposByName = new Map<string, Repository>();
  private readonly reposByNs = new Map<string, Repository[]>();
  private readonly perms = new Map<number, Permission>();
  private readonly permsByRepo = new Map<number, Set<Permission>>();
  private readonly permsByUser = new Map<string, Set<Permission>>();
  private readonly permsByTeam = new Map<number, Set<Permission>>();
  readonly stars = new Map<string, Set<number>>();
  prototypesList: Prototype[] = [];
  private readonly logsByAccount = new Map<string, LogEntry[]>();
  readonly tokens = new Map<string, TokenRecord>();

  constructor(
    /** The sandbox's clock (`SandboxClock.now`), in milliseconds. */
    readonly now: () => number,
  ) {}

  // ----- entities --------------------------------------------------------------------------------

  entity(username: string): Entity | undefined {
    return this.entities.get(username);
  }
  user(username: string): UserEntity | undefined {
    const e = this.entities.get(username);
    return e?.kind === 'user' ? e : undefined;
  }
  org(name: string): OrgEntity | undefined {
    const e = this.entities.get(name);
    return e?.kind === 'org' ? e : undefined;
  }
  robotEntity(fullName: string): RobotEntity | undefined {
    const e = this.entities.get(fullName);
    return e?.kind === 'robot' ? e : undefined;
  }
  /** `model.user.get_user`: any non-organization account (users and robots). */
  userOrRobot(username: string): UserEntity | RobotEntity | undefined {
    const e = this.entities.get(username);
    return e && e.kind !== 'org' ? e : undefined;
  }

  addUser(username: string, email: string, created: number): UserEntity {
    const u: UserEntity = { kind: 'user', id: this.nextEntityId++, username, email, created, lastAccessed: null };
    this.entities.set(username, u);
    return u;
  }

  /** Creates an organization with its `owners` admin team containing `owner`. */
  addOrg(name: string, email: string, owner: string, created: number): OrgEntity {
    const o: OrgEntity = { kind: 'org', id: this.nextEntityId++, username: name, email, created, lastAccessed: null };
    this.entities.set(name, o);
    this.teamsByOrg.set(name, new Map());
    const owners = this.addTeam(name, 'owners', 'admin', '');
    owners.members.add(owner);
    return o;
  }

  addRobot(
    namespace: string,
    shortName: string,
    options: { description?: string; metadata?: JsonObject; created: number; lastAccessed?: number | null; token?: string },
  ): RobotEntity {
    const r: RobotEntity = {
      kind: 'robot',
      id: this.nextEntityId++,
      username: `${namespace}+${shortName}`,
      email: uuid4(),
      created: options.created,
      lastAccessed: options.lastAccessed ?? null,
      namespace,
      shortName,
      token: options.token ?? randomUpperAlnum(64),
      description: (options.description ?? '').slice(0, 255),
      unstructuredMetadata: options.metadata ?? {},
      federation: [],
      usedByMirror: false,
    };
    this.entities.set(r.username, r);
    return r;
  }

  /** Robots whose name matches `LIKE '<ns>+%'` case-insensitively, `_` being a wildcard (quirk, contract §3.3). */
  robotsLike(namespace: string): RobotEntity[] {
    const escaped = namespace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/_/g, '.').replace(/%/g, '.*');
    const re = new RegExp(`^${escaped}\\+`, 'i');
    const out: RobotEntity[] = [];
    for (const e of this.entities.values()) if (e.kind === 'robot' && re.test(e.username)) out.push(e);
    return out;
  }

  deleteRobot(robot: RobotEntity): void {
    this.entities.delete(robot.username);
    for (const team of this.teamsById.values()) {
      team.members.delete(robot.username);
      team.invites.delete(robot.username);
    }
    for (const p of [...(this.permsByUser.get(robot.username) ?? [])]) this.removePermission(p);
    this.prototypesList = this.prototypesList.filter((p) => p.delegateUser !== robot.username && p.activatingUser !== robot.username);
    this.stars.delete(robot.username);
  }

  // ----- teams -----------------------------------------------------------------------------------

  addTeam(org: string, name: string, role: TeamRole, description: string): Team {
    const team: Team = { id: this.nextId++, org, name, description, role, members: new Set(), invites: new Set() };
    this.teamsById.set(team.id, team);
    let byName = this.teamsByOrg.get(org);
    if (!byName) this.teamsByOrg.set(org, (byName = new Map<string, Team>()));
    byName.set(name, team);
    return team;
  }

  team(org: string, name: string): Team | undefined {
    return this.teamsByOrg.get(org)?.get(name);
  }

  orgTeams(org: string): Team[] {
    return [...(this.teamsByOrg.get(org)?.values() ?? [])].sort((a, b) => a.id - b.id);
  }

  removeTeam(team: Team): void {
    this.teamsById.delete(team.id);
    this.teamsByOrg.get(team.org)?.delete(team.name);
    for (const p of [...(this.permsByTeam.get(team.id) ?? [])]) this.removePermission(p);
    this.prototypesList = this.prototypesList.filter((p) => p.delegateTeamId !== team.id);
  }

  /** Teams of `org` that `username` belongs to. */
  userTeams(org: string, username: string): Team[] {
    return this.orgTeams(org).filter((t) => t.members.has(username));
  }

  /** `get_organization_member_set`: non-robot users in any team of the org. */
  isOrgMember(org: string, username: string): boolean {
    return this.userTeams(org, username).length > 0;
  }

  /** Organizations the user belongs to (through any team), by org id. */
  userOrganizations(username: string): OrgEntity[] {
    const out: OrgEntity[] = [];
    for (const e of this.entities.values()) if (e.kind === 'org' && this.isOrgMember(e.username, username)) out.push(e);
    return out.sort((a, b) => a.id - b.id);
  }

  // ----- repositories ----------------------------------------------------------------------------

  repo(namespace: string, name: string): Repository | undefined {
    return this.reposByName.get(`${namespace}/${name}`);
  }
  repoByFullName(fullName: string): Repository | undefined {
    return this.reposByName.get(fullName);
  }
  namespaceRepos(namespace: string): Repository[] {
    return this.reposByNs.get(namespace) ?? [];
  }
  /** All repositories by id ascending. */
  allRepos(): IterableIterator<Repository> {
    return this.repos.values();
  }

  /** Inserts a repository row and nothing else (seeds use this, then grant explicitly). */
  addRepo(namespace: string, name: string, options: { visibility?: Visibility; description?: string | null; created: number; lastModified?: number | null; actionCount?: number }): Repository {
    const repo: Repository = {
      id: this.nextId++,
      namespace,
      name,
      description: options.description ?? null,
      visibility: options.visibility ?? 'private',
      kind: 'image',
      state: 'NORMAL',
      created: options.created,
      lastModified: options.lastModified ?? null,
      actionCount: options.actionCount ?? 0,
    };
    this.repos.set(repo.id, repo);
    this.reposByName.set(`${namespace}/${name}`, repo);
    let list = this.reposByNs.get(namespace);
    if (!list) this.reposByNs.set(namespace, (list = []));
    list.push(repo);
    return repo;
  }

  /** `data/model/repository.create_repository` + `permission.apply_default_permissions`. */
  createRepo(namespace: string, name: string, creator: Entity | undefined, options: { visibility?: Visibility; description?: string | null } = {}): Repository {
    if (!this.entities.has(namespace)) throw new ModelError(`Namespace does not exist: ${namespace}`);
    if (this.repo(namespace, name)) throw new ModelError('Repository already exists');
    const repo = this.addRepo(namespace, name, { ...options, created: this.now() });
    if (creator && creator.kind !== 'org') {
      this.setPermission(repo, { user: creator.username }, 'admin');
      if (creator.username !== namespace) this.applyPrototypes(repo, creator);
    }
    return repo;
  }

  private applyPrototypes(repo: Repository, creator: UserEntity | RobotEntity): void {
    const candidates = this.prototypesList.filter((p) => p.org === repo.namespace && (p.activatingUser === null || p.activatingUser === creator.username));
    // Team rules and user rules are applied separately, each keyed by delegate name; a global rule
    // never overrides an entry already chosen, a creator-specific one always does.
    const teamFinal = new Map<number, RepoRole>();
    for (const p of candidates) {
      if (p.delegateTeamId === null) continue;
      if (teamFinal.has(p.delegateTeamId) && p.activatingUser === null) continue;
      teamFinal.set(p.delegateTeamId, p.role);
    }
    for (const [teamId, role] of teamFinal) if (this.teamsById.has(teamId)) this.setPermission(repo, { teamId }, role);
    const userFinal = new Map<string, RepoRole>();
    for (const p of candidates) {
      if (p.delegateUser === null) continue;
      if (userFinal.has(p.delegateUser) && p.activatingUser === null) continue;
      userFinal.set(p.delegateUser, p.role);
    }
    for (const [username, role] of userFinal) {
      if (username === creator.username) continue; // the creator is already admin
      if (this.entities.has(username)) this.setPermission(repo, { user: username }, role);
    }
  }

  // ----- permissions -----------------------------------------------------------------------------

  repoPermissions(repo: Repository): Permission[] {
    return [...(this.permsByRepo.get(repo.id) ?? [])];
  }
  userPerms(username: string): Permission[] {
    return [...(this.permsByUser.get(username) ?? [])];
  }
  teamPerms(team: Team): Permission[] {
    return [...(this.permsByTeam.get(team.id) ?? [])];
  }

  findUserPermission(repo: Repository, username: string): Permission | undefined {
    for (const p of this.permsByUser.get(username) ?? []) if (p.repoId === repo.id) return p;
    return undefined;
  }
  findTeamPermission(repo: Repository, team: Team): Permission | undefined {
    for (const p of this.permsByTeam.get(team.id) ?? []) if (p.repoId === repo.id) return p;
    return undefined;
  }

  /** Create-or-update, like `__set_entity_repo_permission`. */
  setPermission(repo: Repository, who: { user: string } | { teamId: number }, role: RepoRole): Permission {
    const existing = 'user' in who ? this.findUserPermission(repo, who.user) : this.findTeamPermission(repo, this.teamsById.get(who.teamId) as Team);
    if (existing) {
      existing.role = role;
      return existing;
    }
    const p: Permission = { id: this.nextId++, repoId: repo.id, user: 'user' in who ? who.user : null, teamId: 'teamId' in who ? who.teamId : null, role };
    this.perms.set(p.id, p);
    const add = <K>(m: Map<K, Set<Permission>>, k: K): void => {
      let s = m.get(k);
      if (!s) m.set(k, (s = new Set()));
      s.add(p);
    };
    add(this.permsByRepo, repo.id);
    if (p.user !== null) add(this.permsByUser, p.user);
    if (p.teamId !== null) add(this.permsByTeam, p.teamId);
    return p;
  }

  removePermission(p: Permission): void {
    this.perms.delete(p.id);
    this.permsByRepo.get(p.repoId)?.delete(p);
    if (p.user !== null) this.permsByUser.get(p.user)?.delete(p);
    if (p.teamId !== null) this.permsByTeam.get(p.teamId)?.delete(p);
  }

  // ----- prototypes ------------------------------------------------------------------------------

  addPrototype(org: string, role: RepoRole, activatingUser: string | null, delegate: { user: string } | { teamId: number }): Prototype {
    const p: Prototype = {
      id: this.nextId++,
      uuid: uuid4(),
      org,
      activatingUser,
      delegateUser: 'user' in delegate ? delegate.user : null,
      delegateTeamId: 'teamId' in delegate ? delegate.teamId : null,
      role,
    };
    this.prototypesList.push(p);
    return p;
  }

  orgPrototypes(org: string): Prototype[] {
    return this.prototypesList.filter((p) => p.org === org);
  }

  // ----- tokens ----------------------------------------------------------------------------------

  mintToken(username: string, scopes: readonly string[]): string {
    const token = randomUpperAlnum(40);
    this.tokens.set(token, { id: this.nextId++, token, username, scopes: new Set(scopes), revoked: false, application: SANDBOX_APPLICATION });
    return token;
  }

  /** `validate_access_token`: by value; revoked, unknown or owner-less tokens are invalid. */
  validToken(token: string): TokenRecord | undefined {
    if (token.length < 21) return undefined;
    const rec = this.tokens.get(token);
    if (!rec || rec.revoked || !this.user(rec.username)) return undefined;
    return rec;
  }

  // ----- logs ------------------------------------------------------------------------------------

  addLog(entry: { kind: string; account: string; repo?: Repository | null; performer?: Entity | null; ip?: string | null; metadata: JsonObject; timeMs?: number }): LogEntry {
    let timeUs: number;
    if (entry.timeMs === undefined) {
      timeUs = Math.max(this.now() * 1000, this.lastLogUs + 1);
      this.lastLogUs = timeUs;
    } else timeUs = entry.timeMs * 1000;
    const log: LogEntry = {
      id: this.nextId++,
      kind: entry.kind,
      account: entry.account,
      repoId: entry.repo?.id ?? null,
      performerId: entry.performer?.id ?? null,
      performerName: entry.performer?.username ?? null,
      ip: entry.ip ?? null,
      timeUs,
      metadata: entry.metadata,
    };
    let list = this.logsByAccount.get(entry.account);
    if (!list) this.logsByAccount.set(entry.account, (list = []));
    // Keep each account's list sorted by time ascending (seeds insert out of order).
    let i = list.length;
    while (i > 0 && (list[i - 1]?.timeUs ?? 0) > timeUs) i--;
    list.splice(i, 0, log);
    return log;
  }

  accountLogs(account: string): readonly LogEntry[] {
    return this.logsByAccount.get(account) ?? [];
  }

  /** The performer of a log entry if that account still exists (Quay joins on the user id). */
  logPerformer(log: LogEntry): Entity | undefined {
    if (log.performerName === null) return undefined;
    const e = this.entities.get(log.performerName);
    return e && e.id === log.performerId ? e : undefined;
  }

  // ----- SandboxState ----------------------------------------------------------------------------

  private robotView(r: RobotEntity): RobotView {
    return {
      name: r.username,
      namespace: r.namespace,
      shortName: r.shortName,
      token: r.token,
      description: r.description,
      unstructuredMetadata: r.unstructuredMetadata,
      created: new Date(r.created),
      lastAccessed: r.lastAccessed === null ? null : new Date(r.lastAccessed),
      federation: r.federation.map((f) => ({ ...f })),
      usedByMirror: r.usedByMirror,
      permissions: this.userPerms(r.username).map((p) => {
        const repo = this.repos.get(p.repoId);
        return { repository: repo ? `${repo.namespace}/${repo.name}` : '?', role: p.role };
      }),
      teams: [...this.teamsById.values()].filter((t) => t.members.has(r.username)).map((t) => t.name),
    };
  }

  robot(fullName: string): RobotView | undefined {
    const r = this.robotEntity(fullName);
    return r && this.robotView(r);
  }

  robots(namespace: string): RobotView[] {
    const out: RobotView[] = [];
    for (const e of this.entities.values()) if (e.kind === 'robot' && e.namespace === namespace) out.push(this.robotView(e));
    return out;
  }

  userPermission(repoFullName: string, username: string): RepoRole | undefined {
    const repo = this.repoByFullName(repoFullName);
    return repo && this.findUserPermission(repo, username)?.role;
  }

  teamPermission(repoFullName: string, team: string): RepoRole | undefined {
    const repo = this.repoByFullName(repoFullName);
    const t = repo && this.team(repo.namespace, team);
    return repo && t ? this.findTeamPermission(repo, t)?.role : undefined;
  }

  userPermissions(repoFullName: string): Record<string, RepoRole> {
    const repo = this.repoByFullName(repoFullName);
    const out: Record<string, RepoRole> = {};
    if (repo) for (const p of this.repoPermissions(repo)) if (p.user !== null) out[p.user] = p.role;
    return out;
  }

  teamPermissions(repoFullName: string): Record<string, RepoRole> {
    const repo = this.repoByFullName(repoFullName);
    const out: Record<string, RepoRole> = {};
    if (repo)
      for (const p of this.repoPermissions(repo)) {
        const t = p.teamId === null ? undefined : this.teamsById.get(p.teamId);
        if (t) out[t.name] = p.role;
      }
    return out;
  }

  private repoView(r: Repository): RepositoryView {
    return { id: r.id, namespace: r.namespace, name: r.name, fullName: `${r.namespace}/${r.name}`, isPublic: r.visibility === 'public', description: r.description };
  }

  repository(fullName: string): RepositoryView | undefined {
    const r = this.repoByFullName(fullName);
    return r && this.repoView(r);
  }

  repositories(namespace: string): RepositoryView[] {
    return this.namespaceRepos(namespace).map((r) => this.repoView(r));
  }

  prototypes(org: string): PrototypeView[] {
    return this.orgPrototypes(org).map((p) => ({
      id: p.uuid,
      activatingUser: p.activatingUser,
      delegate: p.delegateUser !== null ? { kind: 'user' as const, name: p.delegateUser } : { kind: 'team' as const, name: this.teamsById.get(p.delegateTeamId ?? -1)?.name ?? '?' },
      role: p.role,
    }));
  }

  teams(org: string): TeamView[] {
    return this.orgTeams(org).map((t) => ({ name: t.name, role: t.role, description: t.description, members: [...t.members], invited: [...t.invites] }));
  }

  teamMembers(org: string, team: string): string[] | undefined {
    const t = this.team(org, team);
    return t && [...t.members];
  }

  organizations(): string[] {
    return [...this.entities.values()].filter((e) => e.kind === 'org').map((e) => e.username);
  }

  users(): string[] {
    return [...this.entities.values()].filter((e) => e.kind === 'user').map((e) => e.username);
  }

  isOrgAdmin(org: string, username: string): boolean {
    return this.userTeams(org, username).some((t) => t.role === 'admin');
  }

  logs(namespace: string): LogView[] {
    return [...this.accountLogs(namespace)].reverse().map((l) => {
      const repo = l.repoId === null ? undefined : this.repos.get(l.repoId);
      return {
        kind: l.kind,
        namespace: l.account,
        repository: repo ? `${repo.namespace}/${repo.name}` : null,
        performer: this.logPerformer(l)?.username ?? null,
        ip: l.ip,
        datetime: new Date(Math.floor(l.timeUs / 1000)),
        metadata: l.metadata,
      };
    });
  }

  token(token: string): TokenView | undefined {
    const rec = this.tokens.get(token);
    return rec && { username: rec.username, scopes: [...rec.scopes], revoked: rec.revoked };
  }

  createRepository(namespace: string, name: string, creator: string, options: { visibility?: Visibility; description?: string } = {}): RepositoryView {
    const entity = this.entity(creator);
    if (!entity) throw new Error(`Unknown creator: ${creator}`);
    return this.repoView(this.createRepo(namespace, name, entity, options));
  }

  touchRobot(fullName: string, at: Date = new Date(this.now())): void {
    const r = this.robotEntity(fullName);
    if (!r) throw new Error(`Unknown robot: ${fullName}`);
    r.lastAccessed = at.getTime();
  }

  setEnabled(namespace: string, enabled: boolean): void {
    const e = this.entities.get(namespace);
    if (!e || e.kind === 'robot') throw new Error(`Unknown user or organization: ${namespace}`);
    e.disabled = !enabled;
  }
}
