import { listAt, obj, optBool, optStr, str } from './parse';
import { seg } from './paths';
import type { Transport } from './transport';
import type { CallOptions, TeamMember } from './types';

/** Team members (contract §7). There is no "list teams" endpoint: teams come with getOrganization. */

const base = (org: string, team: string): string => `/api/v1/organization/${seg(org)}/team/${seg(team)}/members`;

/** `GET …/team/{team}/members` (team members or org admin). `includePending` shows invites (admins only). */
export function listTeamMembers(
  t: Transport,
  org: string,
  team: string,
  query: { readonly includePending?: boolean } = {},
  options: CallOptions = {},
): Promise<readonly TeamMember[]> {
  return t.call(
    {
      method: 'GET',
      path: base(org, team),
      query: { includePending: query.includePending === true ? 'true' : undefined },
      operation: { action: 'list the members of team', object: `${org}/${team}` },
      signal: options.signal,
    },
    (body) => listAt(obj(body, ''), 'members', '').map((entry, i) => parseTeamMember(entry, `members[${i}]`)),
  );
}

/**
 * `PUT …/members/{member}` → 200. Robots are added directly, other non-members are invited. Not
 * retried on 5xx: a repeat answers 400 "already a member" (→ conflict).
 */
export function addTeamMember(t: Transport, org: string, team: string, member: string, options: CallOptions = {}): Promise<TeamMember> {
  return t.call(
    {
      method: 'PUT',
      path: `${base(org, team)}/${seg(member)}`,
      idempotent: false,
      operation: {
        action: `add to team ${org}/${team}`,
        object: member,
        hints: { forbidden: `Changing teams of ${org} needs organization admin rights and a token with the org:admin scope.` },
      },
      signal: options.signal,
    },
    (body) => parseTeamMember(body, ''),
  );
}

/** `DELETE …/members/{member}` → 204. */
export function removeTeamMember(t: Transport, org: string, team: string, member: string, options: CallOptions = {}): Promise<void> {
  return t.send({
    method: 'DELETE',
    path: `${base(org, team)}/${seg(member)}`,
    operation: {
      action: `remove from team ${org}/${team}`,
      object: member,
      hints: { forbidden: `Changing teams of ${org} needs organization admin rights and a token with the org:admin scope.` },
    },
    signal: options.signal,
  });
}

export function parseTeamMember(value: unknown, at: string): TeamMember {
  const o = obj(value, at);
  // Pending invites (includePending) may carry an email instead of a name.
  const name = optStr(o, 'name', at) ?? optStr(o, 'email', at) ?? str(o, 'name', at);
  const isRobot = optBool(o, 'is_robot', at) ?? name.includes('+');
  return { name, kind: isRobot ? 'robot' : 'user', isRobot, invited: optBool(o, 'invited', at) ?? false };
}
