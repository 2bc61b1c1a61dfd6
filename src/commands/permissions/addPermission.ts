import * as vscode from 'vscode';
import { RepositoryNode } from '../../views/nodes/repositoryNode';
import { nodeIds } from '../../views/nodeIds';
import type { CommandContext } from '../commandContext';
import { pickRepository } from '../pickers';
import { askUserName, required } from '../prompts';
import { UserCancelled } from '../runCommand';
import { pickRole } from './bulkChange';

/** "Add Permission…" on a repository: a robot, team or user of the organization, and a role. */
export async function addPermission(c: CommandContext, node?: unknown): Promise<void> {
  const target =
    node instanceof RepositoryNode
      ? { instanceUrl: node.instanceUrl, ns: node.namespace, repository: node.repository.name }
      : await pickRepository(c, node, vscode.l10n.t('Add Permission')).then((p) => ({ instanceUrl: p.instance.url, ns: p.namespace, repository: p.repository }));
  const { ns, instanceUrl } = target;
  const fullName = `${ns.name}/${target.repository}`;
  const client = c.clients.get(instanceUrl);
  const title = vscode.l10n.t('Add permission on {0}', fullName);
  const kind = await required(vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Robot account'), pick: 'robot' as const },
      ...(ns.kind === 'org' ? [{ label: vscode.l10n.t('Team'), pick: 'team' as const }] : []),
      { label: vscode.l10n.t('User'), pick: 'user' as const },
    ],
    { title, ignoreFocusOut: true },
  ));
  let name: string | undefined;
  if (kind.pick === 'robot') {
    const robots = await client.listRobots(ns);
    name = (await vscode.window.showQuickPick(robots.map((r) => ({ label: r.fullName, description: r.description })), { title, ignoreFocusOut: true }))?.label;
  } else if (kind.pick === 'team') {
    const teams = (await client.getOrganization(ns.name)).teams;
    name = (await vscode.window.showQuickPick(teams.map((t) => ({ label: t.name, description: t.role })), { title, ignoreFocusOut: true }))?.label;
  } else {
    name = await askUserName(title, vscode.l10n.t('Username'));
  }
  if (name === undefined || name === '') throw new UserCancelled();
  const role = await pickRole(title, 'read');
  const ref = { namespace: ns.name, name: target.repository };
  if (kind.pick === 'team') await client.setRepoTeamPermission(ref, name, role);
  else await client.setRepoUserPermission(ref, name, role);
  c.logger.info(`Granted ${role} to ${name} on ${fullName}.`);
  c.tree.refreshIds([nodeIds.access(nodeIds.repository(instanceUrl, ns, target.repository)), nodeIds.robots(instanceUrl, ns)]);
  void vscode.window.showInformationMessage(vscode.l10n.t('{0} now has {1} on {2}.', name, role, fullName));
}
