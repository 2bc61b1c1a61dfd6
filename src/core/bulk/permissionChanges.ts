import type { QuayClient } from '../quay/client';
import type { Namespace } from '../quay/types';
import type { PlannedChange } from './plan';

/** Whose direct role a planned change sets: a user or robot (`user`) or a team. */
export interface ChangeTarget {
  readonly principal: string;
  readonly kind: 'user' | 'team';
}

/** The client calls a permission change needs (a `QuayClient` has them all). */
export type PermissionClient = Pick<QuayClient, 'setRepoUserPermission' | 'deleteRepoUserPermission' | 'setRepoTeamPermission' | 'deleteRepoTeamPermission'>;

/**
 * Makes one planned change on Quay: sets `change.to` as the target's direct role on the repository, or revokes it
 * when `to` is undefined (a user or robot through the user-permission endpoint, a team through the team one).
 */
export async function applyPermissionChange(client: PermissionClient, ns: Namespace, target: ChangeTarget, change: PlannedChange): Promise<void> {
  const ref = { namespace: ns.name, name: change.repository };
  if (target.kind === 'team') {
    if (change.to === undefined) await client.deleteRepoTeamPermission(ref, target.principal);
    else await client.setRepoTeamPermission(ref, target.principal, change.to);
    return;
  }
  if (change.to === undefined) await client.deleteRepoUserPermission(ref, target.principal);
  else await client.setRepoUserPermission(ref, target.principal, change.to);
}
