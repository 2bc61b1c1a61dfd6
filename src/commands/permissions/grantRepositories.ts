import * as vscode from 'vscode';
import { planBulk } from '../../core/bulk/plan';
import type { CommandContext } from '../commandContext';
import { resolveRobot } from '../pickers';
import { applyGrants, confirmPlan, pickRepositories, pickRole, showBulkReport } from './bulkChange';

/** "Grant Access to Repositories…" from a robot: pick repositories and a role, preview the plan, apply. */
export async function grantRepositories(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Grant Access to Repositories');
  const { instance, namespace, robot } = await resolveRobot(c, node, title);
  if (namespace.kind !== 'org') throw new Error(vscode.l10n.t('Repository grants from the tree are for organization robots; {0} is a user robot.', robot.fullName));
  const client = c.clients.get(instance.url);
  const current = new Map((await client.getRobotPermissions(namespace, robot.shortName)).map((p) => [p.repository, p.role] as const));
  const repos = await pickRepositories(c, instance.url, namespace.name, new Set(), vscode.l10n.t('{0} for {1} (1/3)', title, robot.fullName));
  const role = await pickRole(vscode.l10n.t('{0} for {1} (2/3)', title, robot.fullName), 'read');
  const changes = await confirmPlan(vscode.l10n.t('Grant {0} to {1}', role, robot.fullName), planBulk(repos, current, role));
  const report = await applyGrants(c, instance.url, namespace, robot.fullName, changes);
  await showBulkReport(c, vscode.l10n.t('Grant {0} to {1}', role, robot.fullName), report);
}
