import { obj, optBool, optListAt, optStr, str, type JsonObject } from './parse';
import type { Transport } from './transport';
import type { CallOptions, CurrentUser, OrganizationSummary } from './types';

/** `GET /api/v1/user/` (contract §1.1). A token without user:read gets 401 here even when it is valid. */
export function getCurrentUser(t: Transport, options: CallOptions = {}): Promise<CurrentUser> {
  return t.call(
    {
      method: 'GET',
      path: '/api/v1/user/',
      operation: {
        action: 'read the signed-in user',
        hints: {
          unauthorized: 'Sign in again with a new token: this one is unknown, revoked or expired, or lacks the user:read scope.',
        },
      },
      signal: options.signal,
    },
    parseCurrentUser,
  );
}

export function parseCurrentUser(body: unknown): CurrentUser {
  const o = obj(body, '');
  const orgs = optListAt(o, 'organizations', '') ?? [];
  const email = optStr(o, 'email', '');
  const verified = optBool(o, 'verified', '');
  const canCreateRepo = optBool(o, 'can_create_repo', '');
  return {
    username: str(o, 'username', ''),
    anonymous: optBool(o, 'anonymous', '') ?? false,
    ...(email !== undefined ? { email } : {}),
    ...(verified !== undefined ? { verified } : {}),
    ...(canCreateRepo !== undefined ? { canCreateRepo } : {}),
    superUser: optBool(o, 'super_user', '') ?? false,
    organizations: orgs.map((entry, i) => parseOrganizationSummary(obj(entry, `organizations[${i}]`), `organizations[${i}]`)),
  };
}

function parseOrganizationSummary(o: JsonObject, at: string): OrganizationSummary {
  const isOrgAdmin = optBool(o, 'is_org_admin', at);
  const canCreateRepo = optBool(o, 'can_create_repo', at);
  const isPublic = optBool(o, 'public', at);
  return {
    name: str(o, 'name', at),
    ...(isOrgAdmin !== undefined ? { isOrgAdmin } : {}),
    ...(canCreateRepo !== undefined ? { canCreateRepo } : {}),
    ...(isPublic !== undefined ? { public: isPublic } : {}),
  };
}

