/**
 * The current user, organizations and the error-description resource — contract §1 and §0.4
 * (`endpoints/api/user.py` `user_view`, `endpoints/api/organization.py` `org_view`,
 * `endpoints/api/error.py`).
 */
import { ok } from '../context';
import { ApiException, ERROR_DESCRIPTIONS, notFound, type ApiErrorType } from '../errors';
import type { Json } from '../json';
import type { Router } from '../router';
import { api, orgAvatar, teamAvatar, userAvatar, type Route } from './common';

const TAG_EXPIRATION_S = 1209600;

/** `util.validation.validate_email`. */
function validEmail(address: string): boolean {
  if (!address || address.length > 254) return false;
  const parts = address.split('@');
  if (parts.length !== 2) return false;
  const [local = '', domain = ''] = parts;
  if (!local || !domain) return false;
  const labels = domain.split('.');
  return labels.length >= 2 && labels.every((l) => l.length > 0);
}

export function registerAccount(router: Router<Route>): void {
  api(router, 'GET', '/user/', (ctx) => {
    const user = ctx.auth.user;
    if (!user || !ctx.auth.userRead) throw new ApiException('invalid_token', 401, 'Requires authentication', { session_required: false });
    const view: Record<string, Json> = { anonymous: false, username: user.username, avatar: userAvatar(user) };
    const isAdmin = ctx.auth.userAdmin;
    if (isAdmin) {
      Object.assign(view, {
        can_create_repo: true,
        is_me: true,
        verified: true,
        email: user.email,
        logins: [],
        invoice_email: false,
        invoice_email_address: null,
        preferred_namespace: false,
        tag_expiration_s: TAG_EXPIRATION_S,
        prompts: [],
        company: null,
        family_name: null,
        given_name: null,
        location: null,
        is_free_account: true,
        has_password_set: true,
      });
    }
    view['organizations'] = ctx.model.userOrganizations(user.username).map((o) => {
      const entry: Record<string, Json> = { name: o.username, avatar: orgAvatar(o), can_create_repo: ctx.auth.canCreateRepo(o.username), public: false };
      if (isAdmin) {
        entry['is_org_admin'] = ctx.auth.isOrgAdmin(o.username);
        entry['preferred_namespace'] = false;
      }
      return entry;
    });
    return ok(view);
  });

  api(router, 'GET', '/organization/<org>', (ctx) => {
    const name = ctx.param('org');
    const org = ctx.model.org(name);
    if (!org) throw notFound();
    const isAdmin = ctx.auth.isOrgAdmin(name);
    const isMember = ctx.auth.isOrgMember(name);
    const view: Record<string, Json> = {
      name,
      email: isAdmin && validEmail(org.email) ? org.email : '',
      avatar: userAvatar(org),
      is_admin: isAdmin,
      is_member: isMember,
    };
    if (isMember) {
      const teams = ctx.model.orgTeams(name);
      const user = ctx.auth.user;
      // get_viewable_teams_for_org: from the database, not the token's scopes.
      const seesAll = isAdmin || (user !== null && ctx.model.isOrgAdmin(name, user.username));
      const teamViews: Record<string, Json> = {};
      for (const t of teams) {
        teamViews[t.name] = {
          name: t.name,
          description: t.description,
          role: t.role,
          avatar: teamAvatar(t),
          can_view: seesAll || (user !== null && t.members.has(user.username)),
          repo_count: ctx.model.teamPerms(t).length,
          member_count: t.members.size,
          is_synced: false,
        };
      }
      view['teams'] = teamViews;
      view['ordered_teams'] = teams.map((t) => t.name);
    }
    if (isAdmin) {
      view['invoice_email'] = false;
      view['invoice_email_address'] = null;
      view['tag_expiration_s'] = TAG_EXPIRATION_S;
      view['is_free_account'] = true;
    }
    return ok(view);
  });

  api(router, 'GET', '/error/<type>', (ctx) => {
    const type = ctx.param('type');
    if (!(type in ERROR_DESCRIPTIONS)) throw notFound();
    return ok({ type: `${ctx.baseUrl}/api/v1/error/${type}`, title: type, description: ERROR_DESCRIPTIONS[type as ApiErrorType] });
  });
}
