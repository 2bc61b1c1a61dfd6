/** Shared pieces of the API handlers: the handler type, registration helpers and common views. */
import type { RequestContext, ApiResult, Reply } from '../context';
import type { Json, JsonObject } from '../json';
import type { Entity, Model, RobotEntity, Team } from '../model';
import type { PageTokens } from '../pageToken';
import type { LogsModelName } from '../logModels';
import type { Router } from '../router';
import { avatar, formatDateOrNull } from '../util';
import { ModelError } from '../errors';
import type { FederationService } from '../federation';
import type { RsaKeyPair } from '../oidc';
import type { ClientConfigOptions } from './clientConfig';

export interface SandboxConfig {
  /** `ROBOTS_DISALLOW`. */
  readonly robotsDisallow: boolean;
  /** `SERVER_HOSTNAME`, e.g. `127.0.0.1:41234`. */
  readonly hostname: string;
  /** The log storage whose aggregates (and unknown-performer answers) the sandbox reproduces (`logModels.ts`). */
  readonly logsModel: LogsModelName;
  /** `FEATURE_REPO_MIRROR` (default on in the sandbox: the demo seed has a mirror). */
  readonly repoMirror: boolean;
  /** `FEATURE_ORG_MIRROR` (Quay 3.17+; default on in the sandbox). */
  readonly orgMirror: boolean;
  /** What `GET /config` tells: the version, the features, whether it is served at all (`api/clientConfig.ts`). */
  readonly clientConfig: ClientConfigOptions;
}

export interface Services {
  readonly model: Model;
  readonly config: SandboxConfig;
  readonly pageTokens: PageTokens;
  readonly federation: FederationService;
  /** The instance service key: signs registry JWTs (`/v2/auth`, the federation exchange). */
  readonly instanceKey: RsaKeyPair;
}

export type Result = ApiResult | Reply;
export type Handler = (ctx: RequestContext, services: Services) => Result | Promise<Result>;
export interface Route {
  readonly handler: Handler;
}

export function api(router: Router<Route>, method: string, template: string, handler: Handler): void {
  router.add(method, `/api/v1${template}`, { handler }, { api: true });
}

export function web(router: Router<Route>, method: string, template: string, handler: Handler): void {
  router.add(method, template, { handler }, { api: false });
}

/** `avatar.get_data_for_user`: kind "robot" for robots, else "user" (also for orgs — the §1.2 quirk). */
export function userAvatar(e: Entity): JsonObject {
  return avatar(e.username, e.email, e.kind === 'robot' ? 'robot' : 'user');
}
export function orgAvatar(e: Entity): JsonObject {
  return avatar(e.username, e.email, 'org');
}
export function teamAvatar(team: Team | string): JsonObject {
  const name = typeof team === 'string' ? team : team.name;
  return avatar(name, name, 'team');
}

/** `model.organization.get_organization` → `Organization does not exist: <name>` (400 D). */
export function requireOrg(model: Model, name: string): void {
  if (!model.org(name)) throw new ModelError(`Organization does not exist: ${name}`);
}

/** `model.user.lookup_robot` → `Could not find robot with specified username` (400 D). */
export function lookupRobot(model: Model, fullName: string): RobotEntity {
  // eslint-disable-next-line no-control-regex
  const robot = /^[\x00-\x7f]*$/.test(fullName) ? model.robotEntity(fullName) : undefined;
  if (!robot) throw new ModelError('Could not find robot with specified username');
  return robot;
}

/** `Robot.to_dict(include_metadata, include_token)`. */
export function robotView(r: RobotEntity, options: { metadata?: boolean; token?: boolean; created?: number | null; description?: string; unstructuredMetadata?: Json }): JsonObject {
  const out: Record<string, Json> = {
    name: r.username,
    created: formatDateOrNull(options.created === undefined ? r.created : options.created),
    last_accessed: formatDateOrNull(r.lastAccessed),
    description: options.description ?? r.description,
  };
  if (options.token) out['token'] = r.token;
  if (options.metadata) out['unstructured_metadata'] = options.unstructuredMetadata === undefined ? r.unstructuredMetadata : options.unstructuredMetadata;
  return out;
}

/** `Permission.to_dict` of a robot/team permissions list: `{"repository": {"name","is_public"}, "role"}`. */
export function repoPermissionEntry(model: Model, repoId: number, role: string): JsonObject {
  const repo = model.repos.get(repoId);
  return { repository: { name: repo?.name ?? '', is_public: repo?.visibility === 'public' }, role };
}
