import * as vscode from 'vscode';
import type { Role } from '../../core/quay/types';
import { robotNameProblem } from '../../core/robotName';
import { nodeIds } from '../../views/nodeIds';
import type { CommandContext } from '../commandContext';
import { pickNamespace } from '../pickers';
import { credentialsFor } from './credentials';
import { pickInstanceForCreation } from './robotCreation';
import { UserCancelled } from '../runCommand';
import { applyGrants, pickRepositories, pickRole } from '../permissions/bulkChange';
import { errorMessage } from '../../core/log';
import { required } from '../prompts';

/**
 * "Create Robot Account": a multi-step quick input (namespace, name validated live with Quay's rule,
 * description, then optional repositories with a role, a default permission and teams).
 */
export async function createRobot(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Create Robot Account');
  // ROBOTS_DISALLOW is told before anything is asked (the instance's GET /config).
  const instance = await pickInstanceForCreation(c, node, title);
  const ns = await pickNamespace(c, instance, node, `${title} (1/5)`);
  const client = c.clients.get(instance.url);
  const shortName = await vscode.window.showInputBox({
    title: `${title} (2/5)`,
    prompt: vscode.l10n.t('Name of the robot in {0}: it will be {0}+<name>', ns.name),
    placeHolder: 'k8s_prod_puller',
    ignoreFocusOut: true,
    validateInput: (v) => (v === '' ? undefined : robotNameProblem(v)),
  });
  if (shortName === undefined || shortName === '') throw new UserCancelled();
  const description = await required(vscode.window.showInputBox({
    title: `${title} (3/5)`,
    prompt: vscode.l10n.t('Description (optional): what uses this robot, e.g. "Pulls images for the prod cluster"'),
    ignoreFocusOut: true,
    validateInput: (v) => (v.length > 255 ? vscode.l10n.t('At most 255 characters') : undefined),
  }));

  let repositories: string[] = [];
  let role: Role = 'read';
  let prototypeRole: Role | undefined;
  let teams: string[] = [];
  if (ns.kind === 'org') {
    repositories = await pickRepositories(c, instance.url, ns.name, new Set(), `${title} (4/5)`, { optional: true });
    if (repositories.length > 0) role = await pickRole(`${title} (4/5)`, 'read');
    const extras = await required(vscode.window.showQuickPick(
      [
        { label: vscode.l10n.t('Default permission'), description: vscode.l10n.t('also grant a role on repositories created from now on'), key: 'prototype' },
        { label: vscode.l10n.t('Teams'), description: vscode.l10n.t('add the robot to teams'), key: 'teams' },
      ],
      { title: `${title} (5/5)`, placeHolder: vscode.l10n.t('Optional: pick extras, or press Enter for none'), canPickMany: true, ignoreFocusOut: true },
    ));
    if (extras.some((e) => e.key === 'prototype')) prototypeRole = await pickRole(vscode.l10n.t('Default permission for new repositories'), role);
    if (extras.some((e) => e.key === 'teams')) {
      const org = await client.getOrganization(ns.name);
      const picked = await required(vscode.window.showQuickPick(
        org.teams.map((t) => ({ label: t.name, description: t.role })),
        { title: vscode.l10n.t('Teams for {0}+{1}', ns.name, shortName), canPickMany: true, ignoreFocusOut: true },
      ));
      teams = picked.map((p) => p.label);
    }
  }

  const robot = await client.createRobot(ns, shortName, { description });
  c.logger.info(`Created robot ${robot.fullName} on ${instance.url}.`);
  const problems: string[] = [];
  if (repositories.length > 0) {
    const report = await applyGrants(c, instance.url, ns, robot.fullName, repositories.map((r) => ({ repository: r, from: undefined, to: role, action: 'add' as const })));
    problems.push(...report.failed.map((f) => `${f.item.repository}: ${errorMessage(f.error)}`));
  }
  if (prototypeRole !== undefined) {
    await client.createPrototype(ns.name, { role: prototypeRole, delegate: { kind: 'robot', name: robot.fullName } }).catch((e: unknown) => problems.push(errorMessage(e)));
  }
  for (const team of teams) {
    await client.addTeamMember(ns.name, team, robot.fullName).catch((e: unknown) => problems.push(errorMessage(e)));
  }
  c.tree.refreshIds([nodeIds.robots(instance.url, ns), nodeIds.prototypes(instance.url, ns), nodeIds.teams(instance.url, ns)]);

  const copy = vscode.l10n.t('Copy Token');
  const show = vscode.l10n.t('Show Credentials');
  const summary = vscode.l10n.t('Created robot {0}.', robot.fullName);
  const choice =
    problems.length > 0
      ? await vscode.window.showWarningMessage(c.logger.clean(`${summary} ${vscode.l10n.t('Some extras failed:')} ${problems.join('; ')}`), copy, show)
      : await vscode.window.showInformationMessage(summary, copy, show);
  if (choice === show) {
    await credentialsFor(c, { instance, namespace: ns, robot });
    return;
  }
  if (choice === copy) {
    const token = robot.token ?? (await client.getRobot(ns, shortName)).token;
    if (token === undefined) throw new Error(vscode.l10n.t('Quay did not return a token for {0}.', robot.fullName));
    await vscode.env.clipboard.writeText(token);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Token of {0} copied', robot.fullName), 3000);
  }
}
