import * as vscode from 'vscode';
import { splitRobotName } from '../../core/robotName';
import { ItemNode, type PermissionRef } from '../../views/nodes/itemNode';
import { nodeIds } from '../../views/nodeIds';
import type { CommandContext } from '../commandContext';
import { pickPermission } from '../pickers';
import { UserCancelled } from '../runCommand';
import { pickRole } from './bulkChange';

/** The permission a command acts on: the tree row's, or picked through instance → org → repository → permission. */
async function permissionOf(c: CommandContext, node: unknown, title: string): Promise<{ instanceUrl: string; p: PermissionRef }> {
  if (node instanceof ItemNode && node.spec.permission !== undefined) return { instanceUrl: node.instanceUrl, p: node.spec.permission };
  const picked = await pickPermission(c, node, title);
  return { instanceUrl: picked.instance.url, p: picked.permission };
}

function refresh(c: CommandContext, url: string, p: PermissionRef): void {
  const robotShort = p.principalKind === 'robot' ? splitRobotName(p.principal).shortName : undefined;
  c.tree.refreshIds([
    nodeIds.access(nodeIds.repository(url, p.namespace, p.repository)),
    ...(robotShort !== undefined ? [nodeIds.robot(url, p.namespace, robotShort), nodeIds.robots(url, p.namespace)] : []),
  ]);
}

/** "Change Role…" on a permission row (under a robot or a repository). */
export async function changeRole(c: CommandContext, target?: unknown): Promise<void> {
  const { instanceUrl, p } = await permissionOf(c, target, vscode.l10n.t('Change Role'));
  const role = await pickRole(vscode.l10n.t('Role of {0} on {1}/{2} (now {3})', p.principal, p.namespace.name, p.repository, p.role), p.role);
  if (role === p.role) return;
  const client = c.clients.get(instanceUrl);
  const ref = { namespace: p.namespace.name, name: p.repository };
  if (p.principalKind === 'team') await client.setRepoTeamPermission(ref, p.principal, role);
  else await client.setRepoUserPermission(ref, p.principal, role);
  c.logger.info(`${p.principal} now has ${role} on ${p.namespace.name}/${p.repository} (was ${p.role}).`);
  refresh(c, instanceUrl, p);
  void vscode.window.showInformationMessage(vscode.l10n.t('{0} now has {1} on {2}/{3}.', p.principal, role, p.namespace.name, p.repository));
}

/** "Revoke" on a permission row, after a modal. */
export async function revokePermission(c: CommandContext, target?: unknown): Promise<void> {
  const { instanceUrl, p } = await permissionOf(c, target, vscode.l10n.t('Revoke Permission'));
  const revoke = vscode.l10n.t('Revoke');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Revoke {0} of {1} on {2}/{3}?', p.role, p.principal, p.namespace.name, p.repository),
    { modal: true, detail: vscode.l10n.t('Pulls and pushes that rely on this direct permission fail from now on (team permissions still apply).') },
    revoke,
  );
  if (choice !== revoke) throw new UserCancelled();
  const client = c.clients.get(instanceUrl);
  const ref = { namespace: p.namespace.name, name: p.repository };
  if (p.principalKind === 'team') await client.deleteRepoTeamPermission(ref, p.principal);
  else await client.deleteRepoUserPermission(ref, p.principal);
  c.logger.info(`Revoked ${p.role} of ${p.principal} on ${p.namespace.name}/${p.repository}.`);
  refresh(c, instanceUrl, p);
}
