/**
 * Teams — contract §7 (`endpoints/api/team.py`, `data/model/team.py`), with FEATURE_MAILING and
 * FEATURE_REQUIRE_TEAM_INVITE on: robots of the org are added directly, foreign robots refused,
 * users who are not yet org members are invited.
 */
import { noContent, ok, type RequestContext } from '../context';
import { invalidRequest, ModelError, notFound } from '../errors';
import type { Json, JsonObject } from '../json';
import type { Entity, Team, TeamRole } from '../model';
import type { Router } from '../router';
import { SCHEMAS } from '../schema';
import { api, requireOrg, teamAvatar, userAvatar, type Route } from './common';

const TEAM_NAME_RE = /^([a-z0-9]+(?:[._-][a-z0-9]+)*)$/;

function memberView(e: Entity, invited: boolean): JsonObject {
  return { name: e.username, kind: 'user', is_robot: e.kind === 'robot', avatar: userAvatar(e), invited };
}

function teamView(ctx: RequestContext, team: Team, isNew: boolean): JsonObject {
  return { name: team.name, description: team.description, can_view: ctx.auth.canViewTeam(team.org, team.name), role: team.role, avatar: teamAvatar(team), new_team: isNew };
}

function adminTeamsOf(ctx: RequestContext, org: string, username: string): Team[] {
  return ctx.model.userTeams(org, username).filter((t) => t.role === 'admin');
}

export function registerTeams(router: Router<Route>): void {
  api(router, 'PUT', '/organization/<org>/team/<team>', (ctx) => {
    const details = ctx.validateJson(SCHEMAS.TeamDescription, false) as { role: TeamRole; description?: string };
    const org = ctx.param('org');
    const name = ctx.param('team');
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    let team = ctx.model.team(org, name);
    const existing = team !== undefined;
    if (!team) {
      requireOrg(ctx.model, org);
      if (!TEAM_NAME_RE.test(name)) throw new ModelError(`Invalid team name ${name}: Namespace must match expression ^([a-z0-9]+(?:[._-][a-z0-9]+)*)$`);
      if (name.length < 2 || name.length > 255) throw new ModelError(`Invalid team name ${name}: Team must be between 2 and 255 characters in length`);
      team = ctx.model.addTeam(org, name, details.role, details.description ?? '');
      ctx.log('org_create_team', org, { team: name });
    } else {
      if (details.description !== undefined && team.description !== details.description) {
        team.description = details.description;
        ctx.log('org_set_team_description', org, { team: name, description: team.description });
      }
      if (team.role !== details.role) {
        const caller = ctx.auth.user?.username ?? '';
        if (team.role === 'admin' && details.role !== 'admin') {
          const adminTeams = adminTeamsOf(ctx, org, caller).map((t) => t.name);
          if (adminTeams.includes(team.name) && adminTeams.length <= 1) {
            throw new ModelError(`Cannot remove admin from team '${team.name}' because calling user would no longer have admin on org '${org}'`);
          }
        }
        team.role = details.role;
        ctx.log('org_set_team_role', org, { team: name, role: details.role });
      }
    }
    return ok(teamView(ctx, team, !existing));
  });

  api(router, 'DELETE', '/organization/<org>/team/<team>', (ctx) => {
    const org = ctx.param('org');
    const name = ctx.param('team');
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    const team = ctx.model.org(org) ? ctx.model.team(org, name) : undefined;
    if (!team) throw new ModelError(`Team '${name}' is not a team in org '${org}'`);
    if (team.role === 'admin') {
      const caller = ctx.auth.user?.username ?? '';
      const adminTeams = adminTeamsOf(ctx, org, caller);
      if (adminTeams.length <= 1 && adminTeams[0]?.name === name) {
        throw new ModelError(`Deleting team '${name}' would remove admin ability for user '${caller}' in organization '${org}'`);
      }
    }
    ctx.model.removeTeam(team);
    ctx.log('org_delete_team', org, { team: name });
    return noContent();
  });

  api(router, 'GET', '/organization/<org>/team/<team>/members', (ctx) => {
    const org = ctx.param('org');
    const name = ctx.param('team');
    const includePending = ctx.boolArg('includePending', false);
    if (!ctx.auth.canViewTeam(org, name)) throw ctx.unauthorized();
    const team = ctx.model.team(org, name);
    if (!team) throw notFound();
    const canEdit = ctx.auth.isOrgAdmin(org);
    const members: Json[] = [];
    for (const username of team.members) {
      const e = ctx.model.entity(username);
      if (e) members.push(memberView(e, false));
    }
    if (includePending && canEdit) {
      for (const username of team.invites) {
        const e = ctx.model.entity(username);
        if (e) members.push(memberView(e, true));
      }
    }
    return ok({ name, members, can_edit: canEdit });
  });

  api(router, 'PUT', '/organization/<org>/team/<team>/members/<member>', (ctx) => {
    const org = ctx.param('org');
    const teamName = ctx.param('team');
    const memberName = ctx.param('member');
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    const team = ctx.model.team(org, teamName);
    if (!team) throw notFound();
    const user = ctx.model.userOrRobot(memberName);
    if (!user) throw invalidRequest('Unknown user');
    let requiresInvite: boolean;
    if (user.kind === 'robot') {
      requiresInvite = false;
      if (!user.username.startsWith(`${org}+`)) throw new ModelError('Cannot add the specified robot to this team, as it is not a member of the organization');
    } else requiresInvite = !ctx.model.isOrgMember(org, user.username);
    if (!requiresInvite) {
      if (team.members.has(user.username)) throw new ModelError(`User ${user.username} is already a member of team ${team.name}`);
      team.members.add(user.username);
      ctx.log('org_add_team_member', org, { member: memberName, team: teamName });
      return ok(memberView(user, false));
    }
    team.invites.add(user.username);
    ctx.log('org_invite_team_member', org, { user: memberName, member: memberName, team: teamName });
    return ok(memberView(user, true));
  });

  api(router, 'DELETE', '/organization/<org>/team/<team>/members/<member>', (ctx) => {
    const org = ctx.param('org');
    const teamName = ctx.param('team');
    const memberName = ctx.param('member');
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    const caller = ctx.auth.user?.username ?? '';
    const team = ctx.model.team(org, teamName);
    if (!team) throw notFound();
    const member = ctx.model.userOrRobot(memberName);
    if (!member) throw notFound();
    if (team.invites.delete(member.username)) {
      ctx.log('org_delete_team_member_invite', org, { user: memberName, team: teamName, member: memberName });
      return noContent();
    }
    if (!team.members.has(member.username)) throw new ModelError(`User ${memberName} does not belong to team ${teamName}`);
    if (memberName === caller) {
      const adminTeams = adminTeamsOf(ctx, org, caller).map((t) => t.name);
      if (adminTeams.includes(teamName) && adminTeams.length <= 1) throw new ModelError('User cannot remove themselves from their only admin team.');
    }
    team.members.delete(member.username);
    ctx.log('org_remove_team_member', org, { member: memberName, team: teamName });
    return noContent();
  });
}
