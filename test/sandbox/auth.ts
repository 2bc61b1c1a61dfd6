/**
 * Who is calling and what they may do (contract §0.2, §0.3; `auth/permissions.py`).
 *
 * Quay never checks a token's scopes directly: it caps the *roles* the token's user can exercise.
 * Every role a user holds (team role in an org, role on a repository, admin of their own account)
 * is translated through the cap of the token's scopes, and permission checks then look for the
 * capped roles. This module reproduces that translation.
 */
import type { Model, RepoRole, Repository, RobotEntity, TeamRole, TokenRecord, UserEntity } from './model';
import { ALL_SCOPES, maxRepoRole } from './model';

const TEAM_ROLES: readonly (TeamRole | null)[] = [null, 'member', 'creator', 'admin'];
const REPO_ROLES: readonly (RepoRole | null)[] = [null, 'read', 'write', 'admin'];
const USER_ROLES: readonly ('read' | 'admin' | null)[] = [null, 'read', 'admin'];

const SCOPE_MAX_TEAM: Readonly<Record<string, TeamRole>> = { 'repo:create': 'creator', 'org:admin': 'admin' };
const SCOPE_MAX_REPO: Readonly<Record<string, RepoRole>> = { 'repo:read': 'read', 'repo:write': 'write', 'repo:admin': 'admin' };
const SCOPE_MAX_USER: Readonly<Record<string, 'read' | 'admin'>> = { 'user:read': 'read', 'user:admin': 'admin' };

/** `_translate_role_for_scopes`: the role, lowered to the highest role any scope allows. */
function translate<R extends string>(cardinality: readonly (R | null)[], maxRoles: Readonly<Record<string, R>>, scopes: ReadonlySet<string>, role: R | null): R | null {
  let max = 0;
  for (const s of scopes) {
    const r = maxRoles[s];
    if (r !== undefined) max = Math.max(max, cardinality.indexOf(r));
  }
  return max < cardinality.indexOf(role) ? (cardinality[max] ?? null) : role;
}

export class AuthContext {
  private readonly orgRoleCache = new Map<string, Set<TeamRole>>();

  constructor(
    private readonly model: Model,
    /** The authenticated user (a robot only on the registry login), or null (anonymous, or an invalid/expired/revoked token). */
    readonly user: UserEntity | RobotEntity | null,
    /** The validated OAuth token: skips CSRF, and its id/app go into audit-log metadata. */
    readonly token: TokenRecord | null,
  ) {}

  static anonymous(model: Model): AuthContext {
    return new AuthContext(model, null, null);
  }

  get authenticated(): boolean {
    return this.user !== null;
  }

  /** Credentials without an OAuth token (a robot's Basic login) are not capped. */
  private get scopes(): ReadonlySet<string> {
    return this.token?.scopes ?? new Set(this.user ? ALL_SCOPES : []);
  }

  private teamRole(role: TeamRole): TeamRole | null {
    return translate(TEAM_ROLES, SCOPE_MAX_TEAM, this.scopes, role);
  }
  private repoRole(role: RepoRole | null): RepoRole | null {
    return role === null ? null : translate(REPO_ROLES, SCOPE_MAX_REPO, this.scopes, role);
  }

  /** `_UserNeed(username, role)` provided for the caller's own account. */
  private userRoleCap(): 'read' | 'admin' | null {
    return translate(USER_ROLES, SCOPE_MAX_USER, this.scopes, 'admin');
  }

  /** `UserAdminPermission(self)`: needs `user:admin`. */
  get userAdmin(): boolean {
    return this.user !== null && this.userRoleCap() === 'admin';
  }
  /** `UserReadPermission(self)`: `user:read` or `user:admin`. */
  get userRead(): boolean {
    const cap = this.userRoleCap();
    return this.user !== null && (cap === 'read' || cap === 'admin');
  }

  /** The capped `_OrganizationNeed` roles the caller holds in `namespace`. */
  private orgRoles(namespace: string): Set<TeamRole> {
    let roles = this.orgRoleCache.get(namespace);
    if (roles) return roles;
    roles = new Set();
    if (this.user) {
      // Every user is the admin of their own "org" (the user namespace).
      if (namespace === this.user.username) {
        const r = this.teamRole('admin');
        if (r) roles.add(r);
      }
      for (const t of this.model.userTeams(namespace, this.user.username)) {
        const r = this.teamRole(t.role);
        if (r) roles.add(r);
      }
    }
    this.orgRoleCache.set(namespace, roles);
    return roles;
  }

  /** `AdministerOrganizationPermission`. */
  isOrgAdmin(namespace: string): boolean {
    return this.orgRoles(namespace).has('admin');
  }
  /** `OrganizationMemberPermission`: any of admin/creator/member. */
  isOrgMember(namespace: string): boolean {
    return this.orgRoles(namespace).size > 0;
  }
  /** `CreateRepositoryPermission`: admin or creator. */
  canCreateRepo(namespace: string): boolean {
    const roles = this.orgRoles(namespace);
    return roles.has('admin') || roles.has('creator');
  }
  /** `ViewTeamPermission`: member of the team (any role) or org admin. */
  canViewTeam(org: string, team: string): boolean {
    if (this.isOrgAdmin(org)) return true;
    const t = this.model.team(org, team);
    return !!(t && this.user && t.members.has(this.user.username) && this.teamRole(t.role) !== null);
  }

  /** Highest capped role on the repository (direct, via teams, org-wide admin, own namespace). */
  repoAccess(namespace: string, repoName: string): RepoRole | null {
    if (!this.user) return null;
    const username = this.user.username;
    let best: RepoRole | null = null;
    if (namespace === username) best = maxRepoRole(best, this.repoRole('admin'));
    const teams = this.model.userTeams(namespace, username);
    if (teams.some((t) => t.role === 'admin')) best = maxRepoRole(best, this.repoRole('admin'));
    const repo: Repository | undefined = this.model.repo(namespace, repoName);
    if (repo) {
      const direct = this.model.findUserPermission(repo, username);
      if (direct) best = maxRepoRole(best, this.repoRole(direct.role));
      for (const t of teams) {
        const tp = this.model.findTeamPermission(repo, t);
        if (tp) best = maxRepoRole(best, this.repoRole(tp.role));
      }
    }
    return best;
  }

  /** `AdministerRepositoryPermission`. */
  isRepoAdmin(namespace: string, repoName: string): boolean {
    return this.repoAccess(namespace, repoName) === 'admin';
  }
  /** `ReadRepositoryPermission`. */
  canReadRepo(namespace: string, repoName: string): boolean {
    return this.repoAccess(namespace, repoName) !== null;
  }
}
