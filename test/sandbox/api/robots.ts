/**
 * Robot accounts and their federation config — contract §3 and §6.1 (`endpoints/api/robot.py`).
 *
 * Decorator order matters and is kept: org endpoints parse query args and validate bodies *before*
 * their in-body permission check; user endpoints check `user:admin` first.
 */
import { noContent, ok, type RequestContext } from '../context';
import { forbiddenB, invalidRequest, ModelError, RawServerError } from '../errors';
import type { Json, JsonObject } from '../json';
import { isJsonObject } from '../json';
import type { FederationEntry, RobotEntity } from '../model';
import type { Router } from '../router';
import { SCHEMAS } from '../schema';
import { formatDateOrNull, randomUpperAlnum, uuid4 } from '../util';
import { api, lookupRobot, repoPermissionEntry, requireOrg, robotView, teamAvatar, type Route, type Services } from './common';

const ROBOT_MAX_SIZE = 1024 * 1024;
const LIMIT_HELP = 'If specified, the number of robots to return.';
const USERNAME_RE = /^([a-z0-9]+(?:[._-][a-z0-9]+)*)$/;

function requireUserAdmin(ctx: RequestContext): string {
  if (!ctx.auth.user || !ctx.auth.userAdmin) throw ctx.unauthorized();
  return ctx.auth.user.username;
}

/**
 * `list_entity_robot_permission_teams`: robots `LIKE '<ns>+%'`, ordered by `last_accessed DESC`
 * (PostgreSQL: never-used robots, NULL, first), the SQL LIMIT applied to the joined
 * robot × permission × team rows when permissions are included (quirk, contract §3.3).
 */
function robotsList(ctx: RequestContext, prefix: string, includePermissions: boolean, includeToken: boolean, limit: number | undefined): JsonObject {
  if (limit !== undefined && limit < 0) throw new RawServerError('LIMIT must not be negative');
  const model = ctx.model;
  const robots = model.robotsLike(prefix).sort((a, b) => {
    if (a.lastAccessed === b.lastAccessed) return a.id - b.id;
    if (a.lastAccessed === null) return -1;
    if (b.lastAccessed === null) return 1;
    return b.lastAccessed - a.lastAccessed;
  });
  interface Row {
    readonly robot: RobotEntity;
    readonly repo: string | null;
    readonly team: string | null;
  }
  const rows: Row[] = [];
  for (const robot of robots) {
    if (!includePermissions) rows.push({ robot, repo: null, team: null });
    else {
      const repos = model.userPerms(robot.username).map((p) => model.repos.get(p.repoId)?.name ?? null);
      const teams = [...model.teamsById.values()].filter((t) => t.members.has(robot.username)).map((t) => t.name);
      for (const repo of repos.length ? repos : [null]) for (const team of teams.length ? teams : [null]) rows.push({ robot, repo, team });
    }
    if (limit !== undefined && rows.length >= limit) break;
  }
  const limited = limit === undefined ? rows : rows.slice(0, limit);
  const out = new Map<string, { robot: RobotEntity; teams: string[]; repos: string[] }>();
  for (const row of limited) {
    let entry = out.get(row.robot.username);
    if (!entry) out.set(row.robot.username, (entry = { robot: row.robot, teams: [], repos: [] }));
    if (row.team !== null && !entry.teams.includes(row.team)) entry.teams.push(row.team);
    if (row.repo !== null && !entry.repos.includes(row.repo)) entry.repos.push(row.repo);
  }
  const list: Json[] = [...out.values()].map(({ robot, teams, repos }) => {
    if (!includePermissions) return robotView(robot, { token: includeToken });
    const view: Record<string, Json> = {
      name: robot.username,
      created: formatDateOrNull(robot.created),
      last_accessed: formatDateOrNull(robot.lastAccessed),
      teams: teams.map((t) => ({ name: t, avatar: teamAvatar(t) })),
      repositories: repos,
      description: robot.description,
    };
    if (includeToken) view['token'] = robot.token;
    return view;
  });
  return { robots: list };
}

/** `model.user.create_robot`: ROBOTS_DISALLOW first, then the name, then uniqueness (all 400 A). */
function createRobot(ctx: RequestContext, services: Services, namespace: string, shortName: string): RobotEntity {
  const data = ctx.getJson(true);
  const createData: Record<string, unknown> = isJsonObject(data) ? data : {};
  if (services.config.robotsDisallow) throw invalidRequest('Robot accounts have been disabled. Please contact your administrator.');
  if (!USERNAME_RE.test(shortName)) throw invalidRequest(`The name for the robot '${shortName}' is invalid: Namespace must match expression ^([a-z0-9]+(?:[._-][a-z0-9]+)*)$`);
  if (shortName.length < 2 || shortName.length > 255) throw invalidRequest(`The name for the robot '${shortName}' is invalid: Namespace must be between 2 and 255 characters in length`);
  const fullName = `${namespace}+${shortName}`;
  if (ctx.model.entity(fullName)) throw invalidRequest(`Existing robot with name: ${fullName}`);
  if (fullName.length > 255) throw new ModelError('value too long for type character varying(255)\n');
  const description = typeof createData['description'] === 'string' ? createData['description'] : '';
  const metadata = createData['unstructured_metadata'];
  const robot = ctx.model.addRobot(namespace, shortName, {
    description,
    metadata: isJsonObject(metadata) ? metadata : {},
    created: ctx.model.now(),
  });
  ctx.log('create_robot', namespace, {
    robot: shortName,
    description: (createData['description'] as Json | undefined) ?? null,
    unstructured_metadata: (metadata as Json | undefined) ?? null,
  });
  return robot;
}

/** The create response echoes the request (`description or ""`, raw `unstructured_metadata`, null when absent). */
function createdView(ctx: RequestContext, robot: RobotEntity): JsonObject {
  const data = ctx.getJson(true);
  const md = isJsonObject(data) ? data['unstructured_metadata'] : undefined;
  return robotView(robot, { metadata: true, token: true, unstructuredMetadata: md === undefined ? null : md });
}

function regenerate(ctx: RequestContext, robot: RobotEntity, namespace: string): JsonObject {
  robot.token = randomUpperAlnum(64);
  robot.email = uuid4();
  ctx.log('regenerate_robot_token', namespace, { robot: robot.shortName });
  return robotView(robot, { token: true });
}

/**
 * `OrgRobot.delete` / `UserRobot.delete`: `robot_has_mirror` (unknown robot → 400 D from `lookup_robot`; a
 * repository mirror's robot → 400 A), then `delete_robot`. Organization mirrors are not checked (Model.deleteRobot).
 */
function deleteRobot(ctx: RequestContext, namespace: string, shortName: string): void {
  const robot = lookupRobot(ctx.model, `${namespace}+${shortName}`);
  if (ctx.model.robotHasMirror(robot.username)) throw invalidRequest('Robot is being used by a mirror');
  ctx.model.deleteRobot(robot);
  ctx.log('delete_robot', namespace, { robot: shortName });
}

function robotPermissions(ctx: RequestContext, robot: RobotEntity): JsonObject {
  return { permissions: ctx.model.userPerms(robot.username).map((p) => repoPermissionEntry(ctx.model, p.repoId, p.role)) };
}

/**
 * `_parse_federation_config`: after the schema, in this order. As in Quay 3.18 (`endpoints/api/robot.py`), any other
 * key of an item (`audiences` included, whatever its value) is accepted and dropped: the schema has no
 * `additionalProperties: false`, and each stored entry is built as `{"issuer": issuer, "subject": subject}`.
 */
function parseFederation(body: unknown): FederationEntry[] {
  const out: FederationEntry[] = [];
  const seen = new Set<string>();
  for (const item of body as readonly Record<string, unknown>[]) {
    if (Object.keys(item).length === 0) throw invalidRequest('Missing one or more required fields (issuer, subject)');
    const issuer = item['issuer'];
    const subject = item['subject'];
    if (typeof issuer !== 'string' || typeof subject !== 'string' || !issuer || !subject) throw invalidRequest('Missing one or more required fields (issuer, subject)');
    if (!(issuer.startsWith('http://') || issuer.startsWith('https://'))) throw invalidRequest('Issuer must be a URL (http:// or https://)');
    const key = JSON.stringify([issuer, subject]);
    if (seen.has(key)) throw invalidRequest('Duplicate federation config entry');
    seen.add(key);
    out.push({ issuer, subject });
  }
  return out;
}

/** `get_robot_federation_config`: the stored list as it is, `audiences` included where an entry has them. */
const federationJson = (robot: RobotEntity): Json => robot.federation.map((f) => ({ issuer: f.issuer, subject: f.subject, ...(f.audiences !== undefined ? { audiences: [...f.audiences] } : {}) }));

export function registerRobots(router: Router<Route>): void {
  // ----- user namespace ------------------------------------------------------------------------
  api(router, 'GET', '/user/robots', (ctx) => {
    const username = requireUserAdmin(ctx);
    const permissions = ctx.boolArg('permissions', false);
    const token = ctx.boolArg('token', true);
    const limit = ctx.intArg('limit', LIMIT_HELP);
    return ok(robotsList(ctx, username, permissions, token, limit));
  });
  api(router, 'GET', '/user/robots/<short>', (ctx) => {
    const username = requireUserAdmin(ctx);
    return ok(robotView(lookupRobot(ctx.model, `${username}+${ctx.param('short')}`), { metadata: true, token: true }));
  });
  api(router, 'PUT', '/user/robots/<short>', (ctx, services) => {
    const username = requireUserAdmin(ctx);
    ctx.maxJsonSize(ROBOT_MAX_SIZE);
    ctx.validateJson(SCHEMAS.CreateRobot, true);
    return ok(createdView(ctx, createRobot(ctx, services, username, ctx.param('short'))), 201);
  });
  api(router, 'DELETE', '/user/robots/<short>', (ctx) => {
    const username = requireUserAdmin(ctx);
    deleteRobot(ctx, username, ctx.param('short'));
    return noContent();
  });
  api(router, 'GET', '/user/robots/<short>/permissions', (ctx) => {
    const username = requireUserAdmin(ctx);
    return ok(robotPermissions(ctx, lookupRobot(ctx.model, `${username}+${ctx.param('short')}`)));
  });
  api(router, 'POST', '/user/robots/<short>/regenerate', (ctx) => {
    const username = requireUserAdmin(ctx);
    return ok(regenerate(ctx, lookupRobot(ctx.model, `${username}+${ctx.param('short')}`), username));
  });
  api(router, 'GET', '/user/robots/<short>/federation', (ctx) => {
    const username = requireUserAdmin(ctx);
    return ok(federationJson(lookupRobot(ctx.model, `${username}+${ctx.param('short')}`)));
  });
  api(router, 'POST', '/user/robots/<short>/federation', (ctx) => {
    const username = requireUserAdmin(ctx);
    const body = ctx.validateJson(SCHEMAS.CreateRobotFederation, false);
    const config = parseFederation(body);
    const robot = lookupRobot(ctx.model, `${username}+${ctx.param('short')}`);
    robot.federation = config;
    ctx.log('create_robot_federation', username, { config: federationJson(robot), robot: ctx.param('short') });
    return ok(federationJson(robot));
  });
  api(router, 'DELETE', '/user/robots/<short>/federation', (ctx) => {
    const username = requireUserAdmin(ctx);
    const robot = lookupRobot(ctx.model, `${username}+${ctx.param('short')}`);
    robot.federation = [];
    ctx.log('delete_robot_federation', username, { robot: ctx.param('short') });
    return noContent();
  });

  // ----- organizations (and, quirk, your own user namespace) -------------------------------------
  api(router, 'GET', '/organization/<org>/robots', (ctx) => {
    const org = ctx.param('org');
    const permissions = ctx.boolArg('permissions', false);
    const token = ctx.boolArg('token', true);
    const limit = ctx.intArg('limit', LIMIT_HELP);
    if (!ctx.auth.isOrgMember(org)) throw ctx.unauthorized();
    const admin = ctx.auth.isOrgAdmin(org);
    return ok(robotsList(ctx, org, admin && permissions, admin && token, limit));
  });
  api(router, 'GET', '/organization/<org>/robots/<short>', (ctx) => {
    const org = ctx.param('org');
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    requireOrg(ctx.model, org);
    return ok(robotView(lookupRobot(ctx.model, `${org}+${ctx.param('short')}`), { metadata: true, token: true }));
  });
  api(router, 'PUT', '/organization/<org>/robots/<short>', (ctx, services) => {
    const org = ctx.param('org');
    ctx.maxJsonSize(ROBOT_MAX_SIZE);
    ctx.validateJson(SCHEMAS.CreateRobot, true);
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    requireOrg(ctx.model, org);
    return ok(createdView(ctx, createRobot(ctx, services, org, ctx.param('short'))), 201);
  });
  api(router, 'DELETE', '/organization/<org>/robots/<short>', (ctx) => {
    const org = ctx.param('org');
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    deleteRobot(ctx, org, ctx.param('short'));
    return noContent();
  });
  api(router, 'GET', '/organization/<org>/robots/<short>/permissions', (ctx) => {
    const org = ctx.param('org');
    requireUserAdmin(ctx);
    if (!ctx.auth.isOrgAdmin(org)) throw forbiddenB();
    requireOrg(ctx.model, org);
    return ok(robotPermissions(ctx, lookupRobot(ctx.model, `${org}+${ctx.param('short')}`)));
  });
  api(router, 'POST', '/organization/<org>/robots/<short>/regenerate', (ctx) => {
    const org = ctx.param('org');
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    requireOrg(ctx.model, org);
    return ok(regenerate(ctx, lookupRobot(ctx.model, `${org}+${ctx.param('short')}`), org));
  });
  api(router, 'GET', '/organization/<org>/robots/<short>/federation', (ctx) => {
    const org = ctx.param('org');
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    return ok(federationJson(lookupRobot(ctx.model, `${org}+${ctx.param('short')}`)));
  });
  api(router, 'POST', '/organization/<org>/robots/<short>/federation', (ctx) => {
    const org = ctx.param('org');
    const body = ctx.validateJson(SCHEMAS.CreateRobotFederation, false);
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    const config = parseFederation(body);
    const robot = lookupRobot(ctx.model, `${org}+${ctx.param('short')}`);
    robot.federation = config;
    ctx.log('create_robot_federation', org, { config: federationJson(robot), robot: ctx.param('short') });
    return ok(federationJson(robot));
  });
  api(router, 'DELETE', '/organization/<org>/robots/<short>/federation', (ctx) => {
    const org = ctx.param('org');
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    const robot = lookupRobot(ctx.model, `${org}+${ctx.param('short')}`);
    robot.federation = [];
    ctx.log('delete_robot_federation', org, { robot: ctx.param('short') });
    return noContent();
  });
}
