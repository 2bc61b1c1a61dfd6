import { obj, objAt, oneOf, optBool, optListAt, optNum, optObjAt, optStr, str, type JsonObject } from './parse';
import { seg } from './paths';
import type { Transport } from './transport';
import type { CallOptions, Organization, Team, TeamRole } from './types';

/** `GET /api/v1/organization/{org}` (contract §1.2): teams are only listed for members. */
export function getOrganization(t: Transport, name: string, options: CallOptions = {}): Promise<Organization> {
  return t.call(
    { method: 'GET', path: `/api/v1/organization/${seg(name)}`, operation: { action: 'read organization', object: name }, signal: options.signal },
    parseOrganization,
  );
}

const TEAM_ROLES: readonly TeamRole[] = ['member', 'creator', 'admin'];

export function parseOrganization(body: unknown): Organization {
  const o = obj(body, '');
  const teamsObject = optObjAt(o, 'teams', '');
  const order = (optListAt(o, 'ordered_teams', '') ?? []).filter((n): n is string => typeof n === 'string');
  const names = teamsObject === undefined ? [] : [...order.filter((n) => n in teamsObject), ...Object.keys(teamsObject).filter((n) => !order.includes(n))];
  return {
    name: str(o, 'name', ''),
    email: optStr(o, 'email', '') ?? '',
    isAdmin: optBool(o, 'is_admin', '') ?? false,
    isMember: optBool(o, 'is_member', '') ?? false,
    teams: teamsObject === undefined ? [] : names.map((n) => parseTeam(objAt(teamsObject, n, 'teams'), `teams.${n}`)),
  };
}

export function parseTeam(o: JsonObject, at: string): Team {
  const canView = optBool(o, 'can_view', at);
  const memberCount = optNum(o, 'member_count', at);
  const repoCount = optNum(o, 'repo_count', at);
  const isSynced = optBool(o, 'is_synced', at);
  return {
    name: str(o, 'name', at),
    description: optStr(o, 'description', at) ?? '',
    role: oneOf(o, 'role', at, TEAM_ROLES),
    ...(canView !== undefined ? { canView } : {}),
    ...(memberCount !== undefined ? { memberCount } : {}),
    ...(repoCount !== undefined ? { repoCount } : {}),
    ...(isSynced !== undefined ? { isSynced } : {}),
  };
}

