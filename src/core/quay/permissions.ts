import type { Operation } from './errors';
import { listAt, obj, objAt, optBool, optStr, role } from './parse';
import { repoDisplay, repoPath, seg } from './paths';
import { parseRepositoryGrant } from './robots';
import type { Transport } from './transport';
import type { CallOptions, Permission, RepositoryRef, Role, TeamRepositoryPermission } from './types';

/** Repository permissions of users, robots and teams (contract §4). All need repo admin + `repo:admin`. */

function op(action: string, object: string, repo: RepositoryRef): Operation {
  return {
    action,
    object,
    hints: {
      forbidden: `Repository permissions need admin rights on ${repoDisplay(repo)} and a token with the repo:admin scope.`,
    },
  };
}

const userBase = (repo: RepositoryRef): string => `/api/v1/repository/${repoPath(repo)}/permissions/user/`;
const teamBase = (repo: RepositoryRef): string => `/api/v1/repository/${repoPath(repo)}/permissions/team/`;

/** `GET …/permissions/user/` — users and robots with a direct grant. */
export function listRepoUserPermissions(t: Transport, repo: RepositoryRef, options: CallOptions = {}): Promise<readonly Permission[]> {
  return t.call(
    { method: 'GET', path: userBase(repo), operation: op('list user permissions of', repoDisplay(repo), repo), signal: options.signal },
    (body) => {
      const perms = objAt(obj(body, ''), 'permissions', '');
      return Object.keys(perms).map((name) => parseUserPermission(perms[name], `permissions.${name}`, name));
    },
  );
}

/** `GET …/permissions/user/{name}` — no grant is a 400 invalidRequest "User does not have permission for repo." */
export function getRepoUserPermission(t: Transport, repo: RepositoryRef, username: string, options: CallOptions = {}): Promise<Permission> {
  return t.call(
    {
      method: 'GET',
      path: `${userBase(repo)}${seg(username)}`,
      operation: op('read the permission of', `${username} on ${repoDisplay(repo)}`, repo),
      signal: options.signal,
    },
    (body) => parseUserPermission(body, '', username),
  );
}

/** `PUT …/permissions/user/{name}` `{"role"}` — create or change, idempotent (both 200). */
export function setRepoUserPermission(t: Transport, repo: RepositoryRef, username: string, newRole: Role, options: CallOptions = {}): Promise<Permission> {
  return t.call(
    {
      method: 'PUT',
      path: `${userBase(repo)}${seg(username)}`,
      body: { role: newRole },
      operation: op(`grant ${newRole} on ${repoDisplay(repo)} to`, username, repo),
      signal: options.signal,
    },
    (body) => parseUserPermission(body, '', username),
  );
}

/** `DELETE …/permissions/user/{name}` → 204. */
export function deleteRepoUserPermission(t: Transport, repo: RepositoryRef, username: string, options: CallOptions = {}): Promise<void> {
  return t.send({
    method: 'DELETE',
    path: `${userBase(repo)}${seg(username)}`,
    operation: op(`revoke the permission on ${repoDisplay(repo)} of`, username, repo),
    signal: options.signal,
  });
}

/** `GET …/permissions/user/{name}/transitive` — direct and team-derived roles, one per grant (may repeat). */
export function getTransitivePermissions(t: Transport, repo: RepositoryRef, username: string, options: CallOptions = {}): Promise<readonly Role[]> {
  return t.call(
    {
      method: 'GET',
      path: `${userBase(repo)}${seg(username)}/transitive`,
      operation: op('read the effective permissions of', `${username} on ${repoDisplay(repo)}`, repo),
      signal: options.signal,
    },
    (body) => listAt(obj(body, ''), 'permissions', '').map((entry, i) => role(obj(entry, `permissions[${i}]`), 'role', `permissions[${i}]`)),
  );
}

/** `GET …/permissions/team/`. */
export function listRepoTeamPermissions(t: Transport, repo: RepositoryRef, options: CallOptions = {}): Promise<readonly Permission[]> {
  return t.call(
    { method: 'GET', path: teamBase(repo), operation: op('list team permissions of', repoDisplay(repo), repo), signal: options.signal },
    (body) => {
      const perms = objAt(obj(body, ''), 'permissions', '');
      return Object.keys(perms).map((name) => parseTeamPermission(perms[name], `permissions.${name}`, name));
    },
  );
}

/** `GET …/permissions/team/{team}` — Quay answers the role only; the name is the one asked for. */
export function getRepoTeamPermission(t: Transport, repo: RepositoryRef, team: string, options: CallOptions = {}): Promise<Permission> {
  return t.call(
    {
      method: 'GET',
      path: `${teamBase(repo)}${seg(team)}`,
      operation: op('read the permission of team', `${team} on ${repoDisplay(repo)}`, repo),
      signal: options.signal,
    },
    (body) => parseTeamPermission(body, '', team),
  );
}

/** `PUT …/permissions/team/{team}` `{"role"}` → 200. */
export function setRepoTeamPermission(t: Transport, repo: RepositoryRef, team: string, newRole: Role, options: CallOptions = {}): Promise<Permission> {
  return t.call(
    {
      method: 'PUT',
      path: `${teamBase(repo)}${seg(team)}`,
      body: { role: newRole },
      operation: op(`grant ${newRole} on ${repoDisplay(repo)} to team`, team, repo),
      signal: options.signal,
    },
    (body) => parseTeamPermission(body, '', team),
  );
}

/** `DELETE …/permissions/team/{team}` → 204. */
export function deleteRepoTeamPermission(t: Transport, repo: RepositoryRef, team: string, options: CallOptions = {}): Promise<void> {
  return t.send({
    method: 'DELETE',
    path: `${teamBase(repo)}${seg(team)}`,
    operation: op(`revoke the permission on ${repoDisplay(repo)} of team`, team, repo),
    signal: options.signal,
  });
}

/** `GET /api/v1/organization/{org}/team/{team}/permissions` — the repositories a team has a grant on. */
export function listTeamPermissions(t: Transport, org: string, team: string, options: CallOptions = {}): Promise<readonly TeamRepositoryPermission[]> {
  return t.call(
    {
      method: 'GET',
      path: `/api/v1/organization/${seg(org)}/team/${seg(team)}/permissions`,
      operation: { action: 'list the repository permissions of team', object: `${org}/${team}` },
      signal: options.signal,
    },
    (body) => listAt(obj(body, ''), 'permissions', '').map((entry, i) => parseRepositoryGrant(entry, `permissions[${i}]`)),
  );
}

function parseUserPermission(value: unknown, at: string, fallbackName: string): Permission {
  const o = obj(value, at);
  const name = optStr(o, 'name', at) ?? fallbackName;
  const isRobot = optBool(o, 'is_robot', at) ?? name.includes('+');
  const isOrgMember = optBool(o, 'is_org_member', at);
  return { kind: isRobot ? 'robot' : 'user', name, role: role(o, 'role', at), ...(isOrgMember !== undefined ? { isOrgMember } : {}) };
}

function parseTeamPermission(value: unknown, at: string, fallbackName: string): Permission {
  const o = obj(value, at);
  return { kind: 'team', name: optStr(o, 'name', at) ?? fallbackName, role: role(o, 'role', at) };
}
