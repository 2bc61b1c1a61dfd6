import * as vscode from 'vscode';
import { planBulk } from '../../core/bulk/plan';
import { runBulk } from '../../core/bulk/runner';
import type { Prototype, Role } from '../../core/quay/types';
import { ItemNode } from '../../views/nodes/itemNode';
import { PrototypesGroupNode } from '../../views/nodes/prototypesGroupNode';
import { describePrototype, prototypeRulesMarkdown } from '../../views/prototypeText';
import { nodeIds } from '../../views/nodeIds';
import type { CommandContext } from '../commandContext';
import { applyGrants, confirmPlan, pickRole, showBulkReport } from '../permissions/bulkChange';
import { PrototypeRef, RobotRef } from '../../refs';
import { pickNamespace, pickPrototype, repositoryNames } from '../pickers';
import { askUserName, pickInstance, required } from '../prompts';
import { UserCancelled } from '../runCommand';

const RULES = () => prototypeRulesMarkdown().replace(/\*\*/g, '').split('\n\n').join(' ');

/**
 * "Create Default Permission…": delegate (robot, team or user), role, and creator (anyone or one user). From a robot
 * (a `RobotRef`, as the robot page passes) the delegate is that robot and the first two steps are skipped.
 */
export async function createPrototype(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Create Default Permission');
  const robot = node instanceof RobotRef ? node : undefined;
  const instance = await pickInstance(c.store, node, title);
  const org = node instanceof PrototypesGroupNode ? node.org : robot !== undefined ? robot.namespace.name : (await pickNamespace(c, instance, node, title)).name;
  const client = c.clients.get(instance.url);
  const kind = robot !== undefined ? { pick: 'robot' as const } : await vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Robot account'), pick: 'robot' as const },
      { label: vscode.l10n.t('Team'), pick: 'team' as const },
      { label: vscode.l10n.t('User'), pick: 'user' as const },
    ],
    { title: `${title} (1/4)`, placeHolder: vscode.l10n.t('Who gets the role on new repositories of {0}? {1}', org, RULES()), ignoreFocusOut: true },
  );
  if (kind === undefined) throw new UserCancelled();
  let delegate: string | undefined;
  if (robot !== undefined) {
    delegate = robot.robot.fullName;
  } else if (kind.pick === 'robot') {
    const robots = await client.listRobots({ kind: 'org', name: org });
    delegate = (await vscode.window.showQuickPick(robots.map((r) => ({ label: r.fullName, description: r.description })), { title: `${title} (2/4)`, ignoreFocusOut: true }))?.label;
  } else if (kind.pick === 'team') {
    const teams = (await client.getOrganization(org)).teams;
    delegate = (await vscode.window.showQuickPick(teams.map((t) => ({ label: t.name, description: t.role })), { title: `${title} (2/4)`, ignoreFocusOut: true }))?.label;
  } else {
    delegate = await askUserName(`${title} (2/4)`, vscode.l10n.t('Username'));
  }
  if (delegate === undefined || delegate === '') throw new UserCancelled();
  const role = await pickRole(`${title} (3/4)`, 'read');
  const creator = await required(vscode.window.showQuickPick(
    [
      { label: vscode.l10n.t('Anyone'), description: vscode.l10n.t('applies to repositories created by any user'), anyone: true },
      { label: vscode.l10n.t('A specific user…'), description: vscode.l10n.t('a rule for one creator beats a rule for anyone'), anyone: false },
    ],
    { title: `${title} (4/4)`, placeHolder: vscode.l10n.t('Repositories created by… (repositories created by robots get no default permissions)'), ignoreFocusOut: true },
  ));
  const activatingUser = creator.anyone ? undefined : await askUserName(`${title} (4/4)`, vscode.l10n.t('Username of the creator'));
  const rule = await client.createPrototype(org, { role, delegate: { kind: kind.pick, name: delegate }, ...(activatingUser !== undefined ? { activatingUser } : {}) });
  c.tree.refreshIds([nodeIds.prototypes(instance.url, { kind: 'org', name: org })]);
  const { label, description } = describePrototype(rule);
  void vscode.window.showInformationMessage(vscode.l10n.t('Default permission created: {0} {1}. Existing repositories are unchanged; use "Apply to Existing Repositories" for them.', label, description));
}

/** The rule a command acts on: the tree row's, or picked through instance → organization → rule. */
async function ruleOf(c: CommandContext, node: unknown, title: string): Promise<{ instanceUrl: string; org: string; rule: Prototype }> {
  if (node instanceof ItemNode && node.spec.prototype !== undefined) return { instanceUrl: node.instanceUrl, org: node.spec.prototype.org, rule: node.spec.prototype.rule };
  if (node instanceof PrototypeRef) return { instanceUrl: node.instanceUrl, org: node.org, rule: node.rule };
  const picked = await pickPrototype(c, node, title);
  return { instanceUrl: picked.instance.url, org: picked.org, rule: picked.rule };
}

export async function changePrototypeRole(c: CommandContext, target?: unknown): Promise<void> {
  const { instanceUrl, org, rule } = await ruleOf(c, target, vscode.l10n.t('Change Default Permission Role'));
  const role: Role = await pickRole(vscode.l10n.t('New role for {0}', describePrototype(rule).label), rule.role);
  if (role === rule.role) return;
  await c.clients.get(instanceUrl).updatePrototype(org, rule.id, role);
  c.tree.refreshIds([nodeIds.prototypes(instanceUrl, { kind: 'org', name: org })]);
}

export async function deletePrototype(c: CommandContext, target?: unknown): Promise<void> {
  const { instanceUrl, org, rule } = await ruleOf(c, target, vscode.l10n.t('Delete Default Permission'));
  const { label, description } = describePrototype(rule);
  const remove = vscode.l10n.t('Delete Default Permission');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete the default permission "{0} {1}"?', label, description),
    { modal: true, detail: vscode.l10n.t('Repositories created from now on no longer get this role. Existing repositories keep the permissions they have.') },
    remove,
  );
  if (choice !== remove) throw new UserCancelled();
  await c.clients.get(instanceUrl).deletePrototype(org, rule.id);
  c.tree.refreshIds([nodeIds.prototypes(instanceUrl, { kind: 'org', name: org })]);
}

/** "Apply to Existing Repositories": the rule's delegate gets its role on every repository of the org, through the plan. */
export async function applyPrototype(c: CommandContext, target?: unknown): Promise<void> {
  const { instanceUrl, org, rule } = await ruleOf(c, target, vscode.l10n.t('Apply to Existing Repositories'));
  const client = c.clients.get(instanceUrl);
  const ns = { kind: 'org' as const, name: org };
  const repos = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading the repositories of {0}…', org) }, () =>
    repositoryNames(c, instanceUrl, org),
  );
  const current = new Map<string, Role>();
  const d = rule.delegate;
  if (d.kind === 'robot') for (const p of await client.getRobotPermissions(ns, d.name)) current.set(p.repository, p.role);
  else if (d.kind === 'team') for (const p of await client.listTeamPermissions(org, d.name)) current.set(p.repository, p.role);
  else {
    // No per-user listing in Quay: read each repository's direct user permissions, bounded like any bulk run.
    await runBulk(repos, async (repo) => {
      const perms = await client.listRepoUserPermissions({ namespace: org, name: repo });
      const mine = perms.find((p) => p.name === d.name);
      if (mine !== undefined) current.set(repo, mine.role);
    }, { concurrency: 4 });
  }
  const what = vscode.l10n.t('Apply "{0}" to the existing repositories of {1}', describePrototype(rule).label, org);
  const changes = await confirmPlan(what, planBulk(repos, current, rule.role).map((p) => (p.action === 'downgrade' ? { ...p, to: p.from, action: 'unchanged' as const } : p)));
  const report = await applyGrants(c, instanceUrl, ns, d.name, changes, d.kind === 'team' ? 'team' : 'user');
  await showBulkReport(c, what, report);
}
