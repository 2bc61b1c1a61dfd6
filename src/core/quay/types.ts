/**
 * Domain types of the Quay API client: plain readonly objects, parsed and validated at the edge
 * (see the parse* functions next to each API area). Field names are camelCase; dates are `Date`.
 * Contract references (§) point to /work/shared/docs/quay-api-contract.md.
 */

/** A repository role (§4). */
export type Role = 'read' | 'write' | 'admin';

/** A team's role inside its organization (§1.2, §7). */
export type TeamRole = 'member' | 'creator' | 'admin';

/**
 * Where robots live: an organization, or the signed-in user's own namespace. User robots are always
 * addressed through `/api/v1/user/robots…`, so `name` is only used to build full robot names.
 */
export type Namespace = { readonly kind: 'org'; readonly name: string } | { readonly kind: 'user'; readonly name: string };

/** `namespace/name`; nested names keep their slashes in `name` (§0.1). `Repository` satisfies it. */
export interface RepositoryRef {
  readonly namespace: string;
  readonly name: string;
}

/** Per-call options every client method accepts. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface OrganizationSummary {
  readonly name: string;
  /** Only known when the token has `user:admin` (§1.1); undefined otherwise. */
  readonly isOrgAdmin?: boolean;
  readonly canCreateRepo?: boolean;
  readonly public?: boolean;
}

/** `GET /api/v1/user/` (§1.1). */
export interface CurrentUser {
  readonly username: string;
  readonly anonymous: boolean;
  /** Only with `user:admin`. */
  readonly email?: string;
  readonly verified?: boolean;
  readonly canCreateRepo?: boolean;
  readonly superUser: boolean;
  readonly organizations: readonly OrganizationSummary[];
}

export interface Team {
  readonly name: string;
  readonly description: string;
  readonly role: TeamRole;
  readonly canView?: boolean;
  readonly memberCount?: number;
  readonly repoCount?: number;
  readonly isSynced?: boolean;
}

/** `GET /api/v1/organization/{org}` (§1.2). */
export interface Organization {
  readonly name: string;
  /** `""` unless the caller is an org admin. */
  readonly email: string;
  readonly isAdmin: boolean;
  readonly isMember: boolean;
  /** In `ordered_teams` order; empty for callers who are not members (Quay omits teams then). */
  readonly teams: readonly Team[];
}

/** One entry of `GET /api/v1/repository` (§2). */
export interface Repository extends RepositoryRef {
  readonly description: string;
  readonly isPublic: boolean;
  readonly kind?: string;
  readonly state?: string;
  /** Only when requested with `lastModified: true`; undefined when Quay sends null. */
  readonly lastModified?: Date;
  readonly popularity?: number;
  readonly isStarred?: boolean;
}

export interface RepositoryPage {
  readonly repositories: readonly Repository[];
  /** Opaque page token; absent on the last page. */
  readonly nextPage?: string;
}

/** A robot account (§3.2). */
export interface Robot {
  /** `<namespace>+<shortName>`. */
  readonly fullName: string;
  readonly namespace: string;
  readonly shortName: string;
  readonly description: string;
  readonly created: Date | undefined;
  readonly lastAccessed: Date | undefined;
  /** Team names; only from a list with `permissions: true` as an org admin. */
  readonly teams?: readonly string[];
  /** Names (without namespace) of repositories with a direct grant; only with `permissions: true`. */
  readonly repositories?: readonly string[];
  /** Only where the endpoint returned it (get, create, regenerate, list with `token: true`). */
  readonly token?: string;
  /** Only from get and create. */
  readonly unstructuredMetadata?: Readonly<Record<string, unknown>>;
}

/** A direct repository grant, as listed for a robot or a team (§3.3, §4 "Related"). */
export interface RepositoryGrant {
  /** Repository name without namespace (that is the robot's or team's namespace). */
  readonly repository: string;
  readonly isPublic: boolean;
  readonly role: Role;
}
export type RobotPermission = RepositoryGrant;
export type TeamRepositoryPermission = RepositoryGrant;

/** A repository permission of a user, robot or team (§4). */
export interface Permission {
  readonly kind: 'user' | 'robot' | 'team';
  /** Username, full robot name (`ns+short`) or team name. */
  readonly name: string;
  readonly role: Role;
  /** Only for users/robots on organization repositories. */
  readonly isOrgMember?: boolean;
}

/** A default permission (§5). */
export interface Prototype {
  readonly id: string;
  readonly role: Role;
  readonly delegate: { readonly kind: 'user' | 'robot' | 'team'; readonly name: string };
  /** Undefined when the rule applies to every creator. */
  readonly activatingUser?: { readonly name: string; readonly isRobot: boolean };
}

export interface NewPrototype {
  readonly role: Role;
  readonly delegate: { readonly kind: 'user' | 'robot' | 'team'; readonly name: string };
  /** Username of the creator the rule is restricted to; omit for "any creator". */
  readonly activatingUser?: string;
}

/** One trusted (issuer, subject) pair of a robot's federation config (§6.1). */
export interface FederationEntry {
  readonly issuer: string;
  readonly subject: string;
}

/** `GET /oauth2/federation/robot/token` result (§6.2). */
export interface FederatedToken {
  /** The short-lived registry password (a JWT). */
  readonly token: string;
  /** From the token's `exp` claim when it decodes; Quay issues 3600 s tokens. */
  readonly expiresAt?: Date;
}

/** `GET …/team/{team}/members` entry (§7). */
export interface TeamMember {
  readonly name: string;
  readonly kind: 'user' | 'robot';
  readonly isRobot: boolean;
  readonly invited: boolean;
}

/** Usage-log entry (§8). */
export interface LogEntry {
  readonly kind: string;
  readonly datetime: Date;
  readonly ip?: string;
  readonly performer?: { readonly name: string; readonly kind: string; readonly isRobot: boolean };
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface LogPage {
  readonly startTime: Date | undefined;
  readonly endTime: Date | undefined;
  readonly logs: readonly LogEntry[];
  readonly nextPage?: string;
}

/**
 * One row of `aggregatelogs` (§8): how many entries of `kind` the day `day` holds. With Quay's default database log
 * storage `day` is a day of the month dated in the window's start month, so it is a real day only in windows of at
 * most 28 days (see `core/rotation/tokenAge.ts`).
 */
export interface AggregatedLogCount {
  readonly kind: string;
  readonly count: number;
  readonly day: Date;
}

/** Whose logs: an organization, the signed-in user, or one repository (§8). */
export type LogTarget =
  | { readonly kind: 'org'; readonly name: string }
  | { readonly kind: 'user' }
  | { readonly kind: 'repository'; readonly repository: RepositoryRef };

export interface LogQuery {
  /**
   * Exact username or full robot name. Quay ignores it for repository logs, and an Elasticsearch-backed Quay ignores an
   * unknown one (contract §8), so the client filters the entries itself.
   */
  readonly performer?: string;
  /** Sent as MM/DD/YYYY (UTC day). */
  readonly starttime?: Date;
  /** Sent as MM/DD/YYYY; Quay includes the whole day. */
  readonly endtime?: Date;
}

/**
 * An `aggregatelogs` query: no `performer`, because Quay drops an unknown performer there and answers with everyone's
 * counts (contract §8), which nobody could then tell from one performer's.
 */
export type AggregateLogQuery = Omit<LogQuery, 'performer'>;
