import * as vscode from 'vscode';
import { RepositoryNode } from '../../views/nodes/repositoryNode';
import { nodeIds } from '../../views/nodeIds';
import type { CommandContext } from '../commandContext';
import { UserCancelled } from '../runCommand';
import { pickRole } from './grantRepositories';

/** "Add Permission…" on a repository: a robot, team or user of the organization, and a role. */
export async function addPermission(c: CommandContext, node?: unknown): Promise<void> {
  if (!(node instanceof RepositoryNode)) throw new Error(vscode.l10n.t('Run "Add Permission…" from a repository in the Quay tree.'));
  const ns = node.namespace;
  const client = c.clients.get(node.instanceId);
  const title = vscode.l10n.t('Add permission on {0}', node.fullName);
  const kind = await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Robot account'), pick: 'robot' as const },
      ...(ns.kind === 'org' ? [{ label: vscode.l10n.t('Team'), pick: 'team' as const }] : []),
      { label: vscode.l10n.t('User'), pick: 'user' as const },
    ],
    { title, ignoreFocusOut: true },
  );
  if (kind === undefined) throw new UserCancelled();
  let name: string | undefined;
  if (kind.pick === 'robot') {
    const robots = await client.listRobots(ns);
    name = (await vscode.window.showQuickPick(robots.map((r) => ({ label: r.fullName, description: r.description })), { title, ignoreFocusOut: true }))?.label;
  } else if (kind.pick === 'team') {
    const teams = (await client.getOrganization(ns.name)).teams;
    name = (await vscode.window.showQuickPick(teams.map((t) => ({ label: t.name, description: t.role })), { title, ignoreFocusOut: true }))?.label;
  } else {
    name = await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('Username'), ignoreFocusOut: true });
  }
  if (name === undefined || name === '') throw new UserCancelled();
  const role = await pickRole(title, 'read');
  const ref = { namespace: ns.name, name: node.repository.name };
  if (kind.pick === 'team') await client.setRepoTeamPermission(ref, name, role);
  else await client.setRepoUserPermission(ref, name, role);
  c.logger.info(`Granted ${role} to ${name} on ${node.fullName}.`);
  c.tree.refreshIds([`${nodeIds.repository(node.instanceId, ns, node.repository.name)}/access`, nodeIds.robots(node.instanceId, ns)]);
  void vscode.window.showInformationMessage(vscode.l10n.t('{0} now has {1} on {2}.', name, role, node.fullName));
}
