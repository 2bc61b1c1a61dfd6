/**
 * Default permissions ("prototypes") — contract §5 (`endpoints/api/prototype.py`). Bodies are
 * validated before the org-admin check; POST answers 200; a missing team is the tuple-ish 400 D.
 */
import { noContent, ok, type RequestContext } from '../context';
import { invalidRequest, ModelError, notFound } from '../errors';
import type { Json, JsonObject } from '../json';
import type { Entity, Prototype, RepoRole } from '../model';
import type { Router } from '../router';
import { SCHEMAS } from '../schema';
import { pyRepr } from '../json';
import { api, teamAvatar, userAvatar, type Route } from './common';

function userView(ctx: RequestContext, org: string, e: Entity): JsonObject {
  return { name: e.username, is_robot: e.kind === 'robot', kind: 'user', is_org_member: e.kind === 'robot' || ctx.model.isOrgMember(org, e.username), avatar: userAvatar(e) };
}

function prototypeView(ctx: RequestContext, p: Prototype): JsonObject {
  const activating = p.activatingUser === null ? undefined : ctx.model.entity(p.activatingUser);
  let delegate: Json = null;
  if (p.delegateUser !== null) {
    const e = ctx.model.entity(p.delegateUser);
    delegate = e ? userView(ctx, p.org, e) : null;
  } else {
    const team = ctx.model.teamsById.get(p.delegateTeamId ?? -1);
    delegate = { name: team?.name ?? '', kind: 'team', avatar: teamAvatar(team?.name ?? '') };
  }
  return { activating_user: activating ? userView(ctx, p.org, activating) : null, delegate, role: p.role, id: p.uuid };
}

function logPrototype(ctx: RequestContext, kind: string, org: string, p: Prototype, extra: Record<string, Json> = {}): void {
  const md: Record<string, Json> = {
    prototypeid: p.uuid,
    username: ctx.auth.user?.username ?? null,
    activating_username: p.activatingUser,
    role: p.role,
    ...extra,
  };
  if (p.delegateUser !== null) md['delegate_user'] = p.delegateUser;
  else md['delegate_team'] = ctx.model.teamsById.get(p.delegateTeamId ?? -1)?.name ?? null;
  ctx.log(kind, org, md);
}

function requireAdminOfOrg(ctx: RequestContext): string {
  const org = ctx.param('org');
  if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
  if (!ctx.model.org(org)) throw notFound();
  return org;
}

export function registerPrototypes(router: Router<Route>): void {
  api(router, 'GET', '/organization/<org>/prototypes', (ctx) => {
    const org = requireAdminOfOrg(ctx);
    return ok({ prototypes: ctx.model.orgPrototypes(org).map((p) => prototypeView(ctx, p)) });
  });

  api(router, 'POST', '/organization/<org>/prototypes', (ctx) => {
    const details = ctx.validateJson(SCHEMAS.NewPrototype, false) as {
      role: RepoRole;
      delegate: { kind: 'user' | 'team'; name: string };
      activating_user?: { name?: string } | null;
    };
    const org = requireAdminOfOrg(ctx);
    const activatingName = details.activating_user && typeof details.activating_user.name === 'string' ? details.activating_user.name : undefined;
    const delegateUserName = details.delegate.kind === 'user' ? details.delegate.name : undefined;
    const delegateTeamName = details.delegate.kind === 'team' ? details.delegate.name : undefined;
    const activating = activatingName ? ctx.model.userOrRobot(activatingName) : undefined;
    const delegateUser = delegateUserName ? ctx.model.userOrRobot(delegateUserName) : undefined;
    let delegateTeam;
    if (delegateTeamName) {
      delegateTeam = ctx.model.team(org, delegateTeamName);
      // InvalidTeamException("Team does not exist: %s/%s", orgname, teamname): never formatted.
      if (!delegateTeam) throw new ModelError(`(${pyRepr('Team does not exist: %s/%s')}, ${pyRepr(org)}, ${pyRepr(delegateTeamName)})`);
    }
    if (activatingName && !activating) throw invalidRequest('Unknown activating user');
    if (!delegateUser && !delegateTeam) throw invalidRequest('Missing delegate user or team');
    const proto = ctx.model.addPrototype(org, details.role, activating?.username ?? null, delegateUser ? { user: delegateUser.username } : { teamId: delegateTeam?.id ?? -1 });
    logPrototype(ctx, 'create_prototype_permission', org, proto);
    return ok(prototypeView(ctx, proto));
  });

  api(router, 'PUT', '/organization/<org>/prototypes/<id>', (ctx) => {
    const details = ctx.validateJson(SCHEMAS.PrototypeUpdate, false) as { role: RepoRole };
    const org = requireAdminOfOrg(ctx);
    const proto = ctx.model.orgPrototypes(org).find((p) => p.uuid === ctx.param('id'));
    if (!proto) throw notFound();
    const original = proto.role;
    proto.role = details.role;
    logPrototype(ctx, 'modify_prototype_permission', org, proto, { original_role: original });
    return ok(prototypeView(ctx, proto));
  });

  api(router, 'DELETE', '/organization/<org>/prototypes/<id>', (ctx) => {
    const org = requireAdminOfOrg(ctx);
    const proto = ctx.model.orgPrototypes(org).find((p) => p.uuid === ctx.param('id'));
    if (!proto) throw notFound();
    ctx.model.prototypesList = ctx.model.prototypesList.filter((p) => p !== proto);
    logPrototype(ctx, 'delete_prototype_permission', org, proto);
    return noContent();
  });
}
