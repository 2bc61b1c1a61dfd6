import * as vscode from 'vscode';
import type { InstanceConfig } from '../core/instances';
import type { Namespace, Robot } from '../core/quay/types';
import { RobotNode } from '../views/nodes/robotNode';
import type { CommandContext } from './commandContext';
import { pickInstance } from './prompts';
import { UserCancelled } from './runCommand';

export interface RobotTarget {
  readonly instance: InstanceConfig;
  readonly namespace: Namespace;
  readonly robot: Robot;
}

/** The namespace a command works in: the node's, or picked among the user's own and the organizations. */
export async function pickNamespace(c: CommandContext, instance: InstanceConfig, node: unknown, title: string): Promise<Namespace> {
  const fromNode = (node as { namespace?: unknown } | undefined)?.namespace;
  if (typeof fromNode === 'object' && fromNode !== null && 'kind' in fromNode && 'name' in fromNode) return fromNode as Namespace;
  const user = await c.clients.get(instance.url).getCurrentUser();
  const items: (vscode.QuickPickItem & { ns: Namespace })[] = [
    { label: user.username, description: vscode.l10n.t('your namespace'), ns: { kind: 'user', name: user.username } },
    ...user.organizations.map((o) => ({
      label: o.name,
      description: o.isOrgAdmin === true ? vscode.l10n.t('admin') : o.isOrgAdmin === false ? vscode.l10n.t('member') : '',
      ns: { kind: 'org' as const, name: o.name },
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Organization or your namespace'), ignoreFocusOut: true });
  if (picked === undefined) throw new UserCancelled();
  return picked.ns;
}

/** The robot a command applies to: the tree node's, or picked through instance → namespace → robot. */
export async function resolveRobot(c: CommandContext, node: unknown, title: string): Promise<RobotTarget> {
  if (node instanceof RobotNode) {
    const instance = c.store.get(node.instanceId);
    if (instance !== undefined) return { instance, namespace: node.namespace, robot: node.robot };
  }
  const instance = await pickInstance(c.store, node, title);
  const namespace = await pickNamespace(c, instance, node, title);
  const robots = await c.clients.get(instance.url).listRobots(namespace, { permissions: false, token: false });
  if (robots.length === 0) throw new Error(vscode.l10n.t('{0} has no robot accounts on {1}.', namespace.name, instance.url));
  const picked = await vscode.window.showQuickPick(
    robots.map((r) => ({ label: r.shortName, description: r.description, robot: r })),
    { title, placeHolder: vscode.l10n.t('Robot account'), ignoreFocusOut: true },
  );
  if (picked === undefined) throw new UserCancelled();
  return { instance, namespace, robot: picked.robot };
}
