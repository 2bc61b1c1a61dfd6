import * as vscode from 'vscode';
import type { InstanceConfig } from '../core/instances';
import type { Namespace, Prototype, Robot } from '../core/quay/types';
import { RobotRef, refNamespace } from '../refs';
import type { PermissionRef } from '../views/nodes/itemNode';
import { RobotNode } from '../views/nodes/robotNode';
import type { CommandContext } from './commandContext';
import { pickInstance, required } from './prompts';

export interface RobotTarget {
  readonly instance: InstanceConfig;
  readonly namespace: Namespace;
  readonly robot: Robot;
}

/** The namespace a command works in: the ref's or node's, or picked among the user's own and the organizations. */
export async function pickNamespace(c: CommandContext, instance: InstanceConfig, node: unknown, title: string): Promise<Namespace> {
  const fromRef = refNamespace(node);
  if (fromRef !== undefined) return fromRef;
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
  const picked = await required(vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('Organization or your namespace'), ignoreFocusOut: true }));
  return picked.ns;
}

/** The robot a command applies to: the tree node's or the reference's, or picked through instance → namespace → robot. */
export async function resolveRobot(c: CommandContext, node: unknown, title: string): Promise<RobotTarget> {
  if (node instanceof RobotNode || node instanceof RobotRef) {
    const instance = c.store.get(node.instanceUrl);
    if (instance !== undefined) return { instance, namespace: node.namespace, robot: node.robot };
  }
  const instance = await pickInstance(c.store, node, title);
  const namespace = await pickNamespace(c, instance, node, title);
  const robots = await c.clients.get(instance.url).listRobots(namespace, { permissions: false, token: false });
  if (robots.length === 0) throw new Error(vscode.l10n.t('{0} has no robot accounts on {1}.', namespace.name, instance.url));
  const picked = await required(vscode.window.showQuickPick(
    robots.map((r) => ({ label: r.shortName, description: r.description, robot: r })),
    { title, placeHolder: vscode.l10n.t('Robot account'), ignoreFocusOut: true },
  ));
  return { instance, namespace, robot: picked.robot };
}

/** An organization of an instance: the node's, or picked. */
export async function pickOrg(c: CommandContext, node: unknown, title: string): Promise<{ instance: InstanceConfig; org: string }> {
  const instance = await pickInstance(c.store, node, title);
  const ns = await pickNamespace(c, instance, node, title);
  if (ns.kind !== 'org') throw new Error(vscode.l10n.t('{0} is your user namespace; pick an organization.', ns.name));
  return { instance, org: ns.name };
}

/** Every repository name of an organization (all pages): for pickers and bulk plans, never for the tree. */
export async function repositoryNames(c: CommandContext, instanceUrl: string, org: string): Promise<string[]> {
  const names: string[] = [];
  for await (const page of c.clients.get(instanceUrl).listRepositories({ namespace: org })) names.push(...page.repositories.map((r) => r.name));
  return names;
}

/** A repository of an organization, picked from every page. */
export async function pickRepository(c: CommandContext, node: unknown, title: string): Promise<{ instance: InstanceConfig; namespace: Namespace; repository: string }> {
  const { instance, org } = await pickOrg(c, node, title);
  const names = await repositoryNames(c, instance.url, org);
  const picked = await required(vscode.window.showQuickPick(names, { title, placeHolder: vscode.l10n.t('Repository of {0}', org), ignoreFocusOut: true }));
  return { instance, namespace: { kind: 'org', name: org }, repository: picked };
}

/** A direct permission (user, robot or team) on a repository. */
export async function pickPermission(c: CommandContext, node: unknown, title: string): Promise<{ instance: InstanceConfig; permission: PermissionRef }> {
  const { instance, namespace, repository } = await pickRepository(c, node, title);
  const client = c.clients.get(instance.url);
  const ref = { namespace: namespace.name, name: repository };
  const [users, teams] = await Promise.all([client.listRepoUserPermissions(ref), client.listRepoTeamPermissions(ref)]);
  const picked = await required(vscode.window.showQuickPick(
    [...users, ...teams].map((p) => ({ label: p.name, description: `${p.role} · ${p.kind}`, p })),
    { title, placeHolder: vscode.l10n.t('Permission on {0}/{1}', namespace.name, repository), ignoreFocusOut: true },
  ));
  return { instance, permission: { namespace, repository, principal: picked.p.name, principalKind: picked.p.kind, role: picked.p.role } };
}

/** A default permission of an organization. */
export async function pickPrototype(c: CommandContext, node: unknown, title: string): Promise<{ instance: InstanceConfig; org: string; rule: Prototype }> {
  const { instance, org } = await pickOrg(c, node, title);
  const rules = await c.clients.get(instance.url).listPrototypes(org);
  if (rules.length === 0) throw new Error(vscode.l10n.t('{0} has no default permissions.', org));
  const picked = await required(vscode.window.showQuickPick(
    rules.map((rule) => ({ label: `${rule.delegate.name} gets ${rule.role}`, description: `created by ${rule.activatingUser?.name ?? 'anyone'}`, rule })),
    { title, ignoreFocusOut: true },
  ));
  return { instance, org, rule: picked.rule };
}

/** A member of a team. */
export async function pickMembership(c: CommandContext, node: unknown, title: string): Promise<{ instance: InstanceConfig; org: string; team: string; member: string }> {
  const { instance, org } = await pickOrg(c, node, title);
  const client = c.clients.get(instance.url);
  const team = await required(vscode.window.showQuickPick((await client.getOrganization(org)).teams.map((t) => t.name), { title, placeHolder: vscode.l10n.t('Team'), ignoreFocusOut: true }));
  const member = await required(vscode.window.showQuickPick((await client.listTeamMembers(org, team)).map((m) => m.name), { title, placeHolder: vscode.l10n.t('Member of {0}', team), ignoreFocusOut: true }));
  return { instance, org, team, member };
}
