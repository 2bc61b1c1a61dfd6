import { getClientConfig, type ClientConfig } from './clientConfig';
import { deleteFederation, exchangeFederatedToken, getFederation, setFederation } from './federation';
import { aggregateLogs, aggregateLogsByPerformer, listLogs, listLogsPage } from './logs';
import { getOrgMirror, getRepoMirror, type MirrorConfig } from './mirrors';
import { getOrganization } from './organizations';
import {
  deleteRepoTeamPermission,
  deleteRepoUserPermission,
  getRepoTeamPermission,
  getRepoUserPermission,
  getTransitivePermissions,
  listRepoTeamPermissions,
  listRepoUserPermissions,
  listTeamPermissions,
  setRepoTeamPermission,
  setRepoUserPermission,
} from './permissions';
import { createPrototype, deletePrototype, listPrototypes, updatePrototype } from './prototypes';
import { createRepository, listRepositories, listRepositoriesPage, type NewRepository, type RepositoryQuery } from './repositories';
import { registryLogin, type RegistryLoginResult } from './registry';
import { createRobot, deleteRobot, getRobot, getRobotPermissions, listRobots, regenerateRobotToken, type NewRobot, type RobotListQuery } from './robots';
import { addTeamMember, listTeamMembers, removeTeamMember } from './teams';
import { Transport } from './transport';
import type { TransportOptions, TransportStats } from './transportTypes';
import type {
  AggregatedLogCount,
  AggregateLogQuery,
  CallOptions,
  CurrentUser,
  FederatedToken,
  FederationEntry,
  LogPage,
  LogQuery,
  LogTarget,
  Namespace,
  NewPrototype,
  Organization,
  Permission,
  Prototype,
  RepositoryPage,
  RepositoryRef,
  Robot,
  RobotPermission,
  Role,
  TeamMember,
  TeamRepositoryPermission,
} from './types';
import { getCurrentUser } from './user';

export type QuayClientOptions = TransportOptions;

/**
 * The headless client of one Quay instance (contract §§1–8). Each method maps to one endpoint and
 * returns domain objects; every failure is a `QuayApiError` with a reason. One client per instance:
 * it owns the connection pool and the concurrency limit, so share it. Call `close()` when done.
 */
export class QuayClient {
  private readonly transport: Transport;

  constructor(options: QuayClientOptions) {
    this.transport = new Transport(options);
  }

  /** The name used in messages (the host unless a label was given). */
  get instanceLabel(): string {
    return this.transport.instanceLabel;
  }

  /** True when TLS certificate verification is turned off for this instance. */
  get insecureTls(): boolean {
    return this.transport.insecureTls;
  }

  /** Counters for benchmarks and diagnostics (a snapshot). */
  get stats(): TransportStats {
    return this.transport.stats;
  }

  /** Closes the connection pool (not an injected dispatcher). */
  close(): Promise<void> {
    return this.transport.close();
  }

  // §13 client configuration ----------------------------------------------------------------------

  /** `GET /config` without a token: version, features, `ROBOTS_DISALLOW`; undefined when the instance answers 404. */
  getClientConfig(options?: CallOptions): Promise<ClientConfig | undefined> {
    return getClientConfig(this.transport, options);
  }

  // §1 user and organization ----------------------------------------------------------------------

  getCurrentUser(options?: CallOptions): Promise<CurrentUser> {
    return getCurrentUser(this.transport, options);
  }

  getOrganization(name: string, options?: CallOptions): Promise<Organization> {
    return getOrganization(this.transport, name, options);
  }

  // §2 repositories ---------------------------------------------------------------------------------

  /** Async iterator of pages (100 each), following `next_page`. */
  listRepositories(query: RepositoryQuery, options?: CallOptions): AsyncGenerator<RepositoryPage, void, undefined> {
    return listRepositories(this.transport, query, options);
  }

  /** One page, for "Load more" UIs: pass the previous page's `nextPage`. */
  listRepositoriesPage(query: RepositoryQuery | string, nextPage?: string, options?: CallOptions): Promise<RepositoryPage> {
    return listRepositoriesPage(this.transport, query, nextPage, options);
  }

  createRepository(repo: NewRepository, options?: CallOptions): Promise<RepositoryRef> {
    return createRepository(this.transport, repo, options);
  }

  // §3 robots (name = short name or full `ns+short`) -------------------------------------------------

  listRobots(ns: Namespace, query?: RobotListQuery, options?: CallOptions): Promise<readonly Robot[]> {
    return listRobots(this.transport, ns, query, options);
  }

  getRobot(ns: Namespace, name: string, options?: CallOptions): Promise<Robot> {
    return getRobot(this.transport, ns, name, options);
  }

  createRobot(ns: Namespace, name: string, robot?: NewRobot, options?: CallOptions): Promise<Robot> {
    return createRobot(this.transport, ns, name, robot, options);
  }

  deleteRobot(ns: Namespace, name: string, options?: CallOptions): Promise<void> {
    return deleteRobot(this.transport, ns, name, options);
  }

  regenerateRobotToken(ns: Namespace, name: string, options?: CallOptions): Promise<Robot> {
    return regenerateRobotToken(this.transport, ns, name, options);
  }

  getRobotPermissions(ns: Namespace, name: string, options?: CallOptions): Promise<readonly RobotPermission[]> {
    return getRobotPermissions(this.transport, ns, name, options);
  }

  // §4 repository permissions -------------------------------------------------------------------------

  listRepoUserPermissions(repo: RepositoryRef, options?: CallOptions): Promise<readonly Permission[]> {
    return listRepoUserPermissions(this.transport, repo, options);
  }

  getRepoUserPermission(repo: RepositoryRef, username: string, options?: CallOptions): Promise<Permission> {
    return getRepoUserPermission(this.transport, repo, username, options);
  }

  setRepoUserPermission(repo: RepositoryRef, username: string, role: Role, options?: CallOptions): Promise<Permission> {
    return setRepoUserPermission(this.transport, repo, username, role, options);
  }

  deleteRepoUserPermission(repo: RepositoryRef, username: string, options?: CallOptions): Promise<void> {
    return deleteRepoUserPermission(this.transport, repo, username, options);
  }

  getTransitivePermissions(repo: RepositoryRef, username: string, options?: CallOptions): Promise<readonly Role[]> {
    return getTransitivePermissions(this.transport, repo, username, options);
  }

  listRepoTeamPermissions(repo: RepositoryRef, options?: CallOptions): Promise<readonly Permission[]> {
    return listRepoTeamPermissions(this.transport, repo, options);
  }

  getRepoTeamPermission(repo: RepositoryRef, team: string, options?: CallOptions): Promise<Permission> {
    return getRepoTeamPermission(this.transport, repo, team, options);
  }

  setRepoTeamPermission(repo: RepositoryRef, team: string, role: Role, options?: CallOptions): Promise<Permission> {
    return setRepoTeamPermission(this.transport, repo, team, role, options);
  }

  deleteRepoTeamPermission(repo: RepositoryRef, team: string, options?: CallOptions): Promise<void> {
    return deleteRepoTeamPermission(this.transport, repo, team, options);
  }

  listTeamPermissions(org: string, team: string, options?: CallOptions): Promise<readonly TeamRepositoryPermission[]> {
    return listTeamPermissions(this.transport, org, team, options);
  }

  // §5 default permissions ------------------------------------------------------------------------------

  listPrototypes(org: string, options?: CallOptions): Promise<readonly Prototype[]> {
    return listPrototypes(this.transport, org, options);
  }

  createPrototype(org: string, prototype: NewPrototype, options?: CallOptions): Promise<Prototype> {
    return createPrototype(this.transport, org, prototype, options);
  }

  updatePrototype(org: string, id: string, role: Role, options?: CallOptions): Promise<Prototype> {
    return updatePrototype(this.transport, org, id, role, options);
  }

  deletePrototype(org: string, id: string, options?: CallOptions): Promise<void> {
    return deletePrototype(this.transport, org, id, options);
  }

  // §6 federation -------------------------------------------------------------------------------------

  getFederation(ns: Namespace, robot: string, options?: CallOptions): Promise<readonly FederationEntry[]> {
    return getFederation(this.transport, ns, robot, options);
  }

  /** Replaces the whole list (`[]` clears it). */
  setFederation(ns: Namespace, robot: string, entries: readonly FederationEntry[], options?: CallOptions): Promise<readonly FederationEntry[]> {
    return setFederation(this.transport, ns, robot, entries, options);
  }

  deleteFederation(ns: Namespace, robot: string, options?: CallOptions): Promise<void> {
    return deleteFederation(this.transport, ns, robot, options);
  }

  /** Trades an external OIDC JWT for a 1-hour registry password of `robot` (full name). Sends no bearer token. */
  exchangeFederatedToken(robot: string, jwt: string, options?: CallOptions): Promise<FederatedToken> {
    return exchangeFederatedToken(this.transport, robot, jwt, options);
  }

  // §7 team members -------------------------------------------------------------------------------------

  listTeamMembers(org: string, team: string, query?: { readonly includePending?: boolean }, options?: CallOptions): Promise<readonly TeamMember[]> {
    return listTeamMembers(this.transport, org, team, query, options);
  }

  addTeamMember(org: string, team: string, member: string, options?: CallOptions): Promise<TeamMember> {
    return addTeamMember(this.transport, org, team, member, options);
  }

  removeTeamMember(org: string, team: string, member: string, options?: CallOptions): Promise<void> {
    return removeTeamMember(this.transport, org, team, member, options);
  }

  // §8 usage logs ---------------------------------------------------------------------------------------

  /** Async iterator of pages (20 entries each, newest first). */
  listLogs(of: LogTarget, query?: LogQuery, options?: CallOptions): AsyncGenerator<LogPage, void, undefined> {
    return listLogs(this.transport, of, query, options);
  }

  /** Per-day counts by kind over at most 31 days (§8; real days only within 28, see `AggregatedLogCount`). */
  aggregateLogs(of: LogTarget, query?: AggregateLogQuery, options?: CallOptions): Promise<readonly AggregatedLogCount[]> {
    return aggregateLogs(this.transport, of, query, options);
  }

  /**
   * One performer's per-day counts (§8). Quay answers everyone's counts for an unknown performer: check the answer
   * before reading it as the performer's (see `aggregateLogsByPerformer` in logs.ts).
   */
  aggregateLogsByPerformer(of: Exclude<LogTarget, { kind: 'repository' }>, performer: string, query?: AggregateLogQuery, options?: CallOptions): Promise<readonly AggregatedLogCount[]> {
    return aggregateLogsByPerformer(this.transport, of, performer, query, options);
  }

  listLogsPage(of: LogTarget, query?: LogQuery, nextPage?: string, options?: CallOptions): Promise<LogPage> {
    return listLogsPage(this.transport, of, query, nextPage, options);
  }

  // mirrors (read only: which mirror pushes with a robot) -----------------------------------------------

  getRepoMirror(repo: RepositoryRef, options?: CallOptions): Promise<MirrorConfig> {
    return getRepoMirror(this.transport, repo, options);
  }

  /** Quay 3.17+. */
  getOrgMirror(org: string, options?: CallOptions): Promise<MirrorConfig> {
    return getOrgMirror(this.transport, org, options);
  }

  // §12 registry login ----------------------------------------------------------------------------------

  /** `docker login` against this instance's registry (a robot and its token or federated JWT); sends no API token. */
  registryLogin(username: string, password: string, options?: CallOptions): Promise<RegistryLoginResult> {
    return registryLogin(this.transport, username, password, options);
  }
}
