import type { Operation } from './errors';
import { listAt, obj, objAt, optDate, optListAt, optObjAt, optStr, role, str, strValue } from './parse';
import { robotFullName, robotsBase, robotShortName, seg } from './paths';
import type { Transport } from './transport';
import type { CallOptions, Namespace, Robot, RobotPermission } from './types';
import { splitRobotName } from '../robotName';

/** Robot accounts of an organization or of the signed-in user (contract §3). */

export interface RobotListQuery {
  /** Add `teams` and `repositories` (org admins only; ignored for members). */
  readonly permissions?: boolean;
  /** Include tokens. Default **false** here (Quay's default is true): tokens are fetched only when asked for. */
  readonly token?: boolean;
  /** SQL LIMIT on joined rows: with `permissions` fewer robots than `limit` may come back. */
  readonly limit?: number;
}

export interface NewRobot {
  readonly description?: string;
  readonly unstructuredMetadata?: Readonly<Record<string, unknown>>;
}

function forbiddenHint(ns: Namespace): string {
  return ns.kind === 'org'
    ? `Managing robot accounts of ${ns.name} needs organization admin rights and a token with the org:admin scope.`
    : 'Robot accounts of your own namespace need a token with the user:admin scope.';
}

function op(action: string, ns: Namespace, object: string, extra: Operation['hints'] = {}): Operation {
  return { action, object, hints: { forbidden: forbiddenHint(ns), ...extra } };
}

/** `GET …/robots` — no paging in Quay; ordered by last access, newest first. */
export function listRobots(t: Transport, ns: Namespace, query: RobotListQuery = {}, options: CallOptions = {}): Promise<readonly Robot[]> {
  return t.call(
    {
      method: 'GET',
      path: robotsBase(ns),
      query: {
        permissions: query.permissions === true ? 'true' : 'false',
        token: query.token === true ? 'true' : 'false',
        limit: query.limit,
      },
      operation: op('list robot accounts of', ns, ns.kind === 'org' ? ns.name : ns.name || 'your namespace'),
      signal: options.signal,
    },
    (body) => listAt(obj(body, ''), 'robots', '').map((entry, i) => remembered(t, parseRobot(entry, `robots[${i}]`))),
  );
}

/** `GET …/robots/{short}` — includes the token for admins. Unknown robot → 400 invalidRequest (Quay's quirk, §11.1). */
export function getRobot(t: Transport, ns: Namespace, name: string, options: CallOptions = {}): Promise<Robot> {
  return t.call(
    { method: 'GET', path: `${robotsBase(ns)}/${seg(robotShortName(ns, name))}`, operation: op('read robot', ns, robotFullName(ns, name)), signal: options.signal },
    (body) => remembered(t, parseRobot(body, '')),
  );
}

/**
 * `PUT …/robots/{short}` → 201 with token. Not retried on 5xx/resets: Quay's create is not idempotent
 * (a repeat answers 400 "Existing robot with name", mapped to `conflict`).
 */
export function createRobot(t: Transport, ns: Namespace, name: string, robot: NewRobot = {}, options: CallOptions = {}): Promise<Robot> {
  return t.call(
    {
      method: 'PUT',
      path: `${robotsBase(ns)}/${seg(robotShortName(ns, name))}`,
      body: { description: robot.description ?? '', unstructured_metadata: robot.unstructuredMetadata ?? {} },
      idempotent: false,
      operation: op('create robot', ns, robotFullName(ns, name), { conflict: 'Choose another name: robot names are unique among users, robots and organizations.' }),
      signal: options.signal,
    },
    (body) => remembered(t, parseRobot(body, '')),
  );
}

/** `DELETE …/robots/{short}` → 204. Cascades to team memberships, grants and prototypes. */
export function deleteRobot(t: Transport, ns: Namespace, name: string, options: CallOptions = {}): Promise<void> {
  return t.send({
    method: 'DELETE',
    path: `${robotsBase(ns)}/${seg(robotShortName(ns, name))}`,
    operation: op('delete robot', ns, robotFullName(ns, name)),
    signal: options.signal,
  });
}

/** `POST …/robots/{short}/regenerate` → 200 robot with its new token. The old token stops working at once. */
export function regenerateRobotToken(t: Transport, ns: Namespace, name: string, options: CallOptions = {}): Promise<Robot> {
  return t.call(
    {
      method: 'POST',
      path: `${robotsBase(ns)}/${seg(robotShortName(ns, name))}/regenerate`,
      body: {},
      operation: op('regenerate the token of robot', ns, robotFullName(ns, name)),
      signal: options.signal,
    },
    (body) => remembered(t, parseRobot(body, '')),
  );
}

/** `GET …/robots/{short}/permissions` — direct repository grants only (not team-derived). */
export function getRobotPermissions(t: Transport, ns: Namespace, name: string, options: CallOptions = {}): Promise<readonly RobotPermission[]> {
  return t.call(
    {
      method: 'GET',
      path: `${robotsBase(ns)}/${seg(robotShortName(ns, name))}/permissions`,
      operation: op('read the permissions of robot', ns, robotFullName(ns, name), {
        forbidden:
          ns.kind === 'org'
            ? `Reading a robot's permissions needs a token with the user:admin scope and organization admin rights in ${ns.name}.`
            : "Reading your robots' permissions needs a token with the user:admin scope.",
      }),
      signal: options.signal,
    },
    (body) => listAt(obj(body, ''), 'permissions', '').map((entry, i) => parseRepositoryGrant(entry, `permissions[${i}]`)),
  );
}

/** `{"repository": {"name", "is_public"}, "role"}` — shared with a team's permissions. */
export function parseRepositoryGrant(value: unknown, at: string): RobotPermission {
  const o = obj(value, at);
  const repo = objAt(o, 'repository', at);
  const isPublic = repo.is_public;
  return {
    repository: str(repo, 'name', `${at}.repository`),
    isPublic: typeof isPublic === 'boolean' ? isPublic : false,
    role: role(o, 'role', at),
  };
}

/** The robot, its token (when Quay sent one) registered with the redactor first. */
function remembered(t: Transport, robot: Robot): Robot {
  t.remember(robot.token);
  return robot;
}

export function parseRobot(value: unknown, at: string): Robot {
  const o = obj(value, at);
  const fullName = str(o, 'name', at);
  const { namespace, shortName } = splitRobotName(fullName);
  const teams = optListAt(o, 'teams', at);
  const repositories = optListAt(o, 'repositories', at);
  const token = optStr(o, 'token', at);
  const metadata = optObjAt(o, 'unstructured_metadata', at);
  return {
    fullName,
    namespace,
    shortName,
    description: optStr(o, 'description', at) ?? '',
    created: optDate(o, 'created', at),
    lastAccessed: optDate(o, 'last_accessed', at),
    ...(teams !== undefined ? { teams: teams.map((team, i) => teamName(team, `${join(at, 'teams')}[${i}]`)) } : {}),
    ...(repositories !== undefined ? { repositories: repositories.map((r, i) => strValue(r, `${join(at, 'repositories')}[${i}]`)) } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(metadata !== undefined ? { unstructuredMetadata: metadata } : {}),
  };
}

function join(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}

function teamName(value: unknown, at: string): string {
  if (typeof value === 'string') return value;
  return str(obj(value, at), 'name', at);
}

