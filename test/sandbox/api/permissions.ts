/**
 * Repository user/team permissions — contract §4 (`endpoints/api/permission.py`,
 * `data/model/permission.py`). Every endpoint requires repository admin (capped by `repo:admin`)
 * before anything else; bodies are validated after that.
 */
import { noContent, ok, type RequestContext } from '../context';
import { invalidRequest, ModelError, notFound, RawServerError } from '../errors';
import type { Json, JsonObject } from '../json';
import type { Entity, Permission, RepoRole, Repository, Team } from '../model';
import type { Router } from '../router';
import { SCHEMAS } from '../schema';
import { api, repoPermissionEntry, teamAvatar, userAvatar, type Route } from './common';

function requireRepoAdmin(ctx: RequestContext): { namespace: string; name: string; repo: Repository | undefined } {
  const { namespace, name } = ctx.repoParam();
  if (!ctx.auth.isRepoAdmin(namespace, name)) throw ctx.unauthorized();
  return { namespace, name, repo: ctx.model.repo(namespace, name) };
}

/** `UserPermission.to_dict`; `is_org_member` only when the namespace is an organization. */
function userPermView(ctx: RequestContext, namespace: string, entity: Entity, role: RepoRole): JsonObject {
  const view: Record<string, Json> = { role, name: entity.username, is_robot: entity.kind === 'robot', avatar: userAvatar(entity) };
  if (ctx.model.org(namespace)) view['is_org_member'] = entity.kind === 'robot' || ctx.model.isOrgMember(namespace, entity.username);
  return view;
}

function teamPermView(team: Team, role: RepoRole): JsonObject {
  return { role, name: team.name, avatar: teamAvatar(team) };
}

function permEntity(ctx: RequestContext, p: Permission): Entity | undefined {
  return p.user === null ? undefined : ctx.model.entity(p.user);
}

export function registerPermissions(router: Router<Route>): void {
  api(router, 'GET', '/repository/<repo:repository>/permissions/user/<username>/transitive', (ctx) => {
    const { repo } = requireRepoAdmin(ctx);
    const user = ctx.model.userOrRobot(ctx.param('username'));
    if (!user || !repo) throw notFound();
    const teams = new Set(ctx.model.orgTeams(repo.namespace).filter((t) => t.members.has(user.username)).map((t) => t.id));
    const roles = ctx.model.repoPermissions(repo).filter((p) => p.user === user.username || (p.teamId !== null && teams.has(p.teamId)));
    if (roles.length === 0) throw notFound();
    return ok({ permissions: roles.map((p) => ({ role: p.role })) });
  });

  api(router, 'GET', '/repository/<repo:repository>/permissions/user/', (ctx) => {
    const { namespace, repo } = requireRepoAdmin(ctx);
    const out: Record<string, Json> = {};
    for (const p of repo ? ctx.model.repoPermissions(repo) : []) {
      const e = permEntity(ctx, p);
      if (e) out[e.username] = userPermView(ctx, namespace, e, p.role);
    }
    return ok({ permissions: out });
  });

  api(router, 'GET', '/repository/<repo:repository>/permissions/user/<username>', (ctx) => {
    const { namespace, repo } = requireRepoAdmin(ctx);
    const entity = ctx.model.entity(ctx.param('username'));
    const perm = repo && entity ? ctx.model.findUserPermission(repo, entity.username) : undefined;
    if (!perm || !entity) throw new ModelError('User does not have permission for repo.');
    return ok(userPermView(ctx, namespace, entity, perm.role));
  });

  api(router, 'PUT', '/repository/<repo:repository>/permissions/user/<username>', (ctx) => {
    const { namespace, name, repo } = requireRepoAdmin(ctx);
    const body = ctx.validateJson(SCHEMAS.UserPermission, false) as { role: RepoRole };
    const username = ctx.param('username');
    // set_user_repo_permission, in order.
    if (username === namespace) throw invalidRequest('Namespace owner must always be admin.');
    const entity = ctx.model.entity(username);
    if (!entity) throw invalidRequest(`Invalid username: ${username}`);
    if (entity.kind === 'robot') {
      const plus = username.indexOf('+');
      if (plus < 0) throw invalidRequest(`Invalid robot: ${username}`);
      if (username.slice(0, plus) !== namespace) throw invalidRequest(`Cannot add robot ${username} under namespace ${namespace}`);
    }
    if (!repo) throw new RawServerError('Repository.DoesNotExist');
    ctx.model.setPermission(repo, { user: username }, body.role);
    const view = userPermView(ctx, namespace, entity, body.role);
    ctx.log('change_repo_permission', namespace, { username, repo: name, namespace, role: body.role }, { repo });
    return ok(view);
  });

  api(router, 'DELETE', '/repository/<repo:repository>/permissions/user/<username>', (ctx) => {
    const { namespace, name, repo } = requireRepoAdmin(ctx);
    const username = ctx.param('username');
    if (username === namespace) throw invalidRequest('Namespace owner must always be admin.');
    const perm = repo ? ctx.model.findUserPermission(repo, username) : undefined;
    if (!perm || !repo) throw invalidRequest('User does not have permission for repo.');
    ctx.model.removePermission(perm);
    ctx.log('delete_repo_permission', namespace, { username, repo: name, namespace }, { repo });
    return noContent();
  });

  api(router, 'GET', '/repository/<repo:repository>/permissions/team/', (ctx) => {
    const { repo } = requireRepoAdmin(ctx);
    const out: Record<string, Json> = {};
    for (const p of repo ? ctx.model.repoPermissions(repo) : []) {
      const team = p.teamId === null ? undefined : ctx.model.teamsById.get(p.teamId);
      if (team) out[team.name] = teamPermView(team, p.role);
    }
    return ok({ permissions: out });
  });

  api(router, 'GET', '/repository/<repo:repository>/permissions/team/<team>', (ctx) => {
    const { namespace, repo } = requireRepoAdmin(ctx);
    const team = ctx.model.team(namespace, ctx.param('team'));
    const perm = repo && team ? ctx.model.findTeamPermission(repo, team) : undefined;
    if (!perm) throw new ModelError('Team does not have permission for repo.');
    return ok({ role: perm.role });
  });

  api(router, 'PUT', '/repository/<repo:repository>/permissions/team/<team>', (ctx) => {
    const { namespace, name, repo } = requireRepoAdmin(ctx);
    const body = ctx.validateJson(SCHEMAS.TeamPermission, false) as { role: RepoRole };
    const teamName = ctx.param('team');
    const team = ctx.model.org(namespace) ? ctx.model.team(namespace, teamName) : undefined;
    if (!team) throw invalidRequest(`No team ${teamName} in organization ${namespace}`);
    if (!repo) throw new RawServerError('Repository.DoesNotExist');
    ctx.model.setPermission(repo, { teamId: team.id }, body.role);
    ctx.log('change_repo_permission', namespace, { team: teamName, repo: name, role: body.role }, { repo });
    return ok(teamPermView(team, body.role));
  });

  api(router, 'DELETE', '/repository/<repo:repository>/permissions/team/<team>', (ctx) => {
    const { namespace, name, repo } = requireRepoAdmin(ctx);
    const teamName = ctx.param('team');
    const team = ctx.model.team(namespace, teamName);
    const perm = repo && team ? ctx.model.findTeamPermission(repo, team) : undefined;
    if (!perm || !repo) throw invalidRequest('Team does not have permission for repo.');
    ctx.model.removePermission(perm);
    ctx.log('delete_repo_permission', namespace, { team: teamName, repo: name }, { repo });
    return noContent();
  });

  // `endpoints/api/team.py` TeamPermissions: org admin, no scope declared.
  api(router, 'GET', '/organization/<org>/team/<team>/permissions', (ctx) => {
    const org = ctx.param('org');
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    const team = ctx.model.team(org, ctx.param('team'));
    if (!team) throw notFound();
    return ok({ permissions: ctx.model.teamPerms(team).map((p) => repoPermissionEntry(ctx.model, p.repoId, p.role)) });
  });
}
