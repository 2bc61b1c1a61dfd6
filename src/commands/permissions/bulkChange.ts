import * as vscode from 'vscode';
import { maxConcurrentRequests } from '../../host/settings';
import { applyPermissionChange, type ChangeTarget } from '../../core/bulk/permissionChanges';
import { describePlan, type PlannedChange } from '../../core/bulk/plan';
import { runBulk, type BulkReport } from '../../core/bulk/runner';
import type { Namespace, Role } from '../../core/quay/types';
import { nodeIds } from '../../views/nodeIds';
import type { CommandContext } from '../commandContext';
import { UserCancelled } from '../runCommand';
import { ROLES_HELP } from './roles';
import { errorMessage } from '../../core/log';
import { splitRobotName } from '../../core/robotName';
import { required } from '../prompts';

/*
 * The steps of a bulk permission change in the editor (pick repositories and a role, confirm the plan, apply it with
 * progress, report); the Quay calls of each change are core's `applyPermissionChange`.
 */

/** Multi-select of an organization's repositories (every page), with "select all matching" via the filter. */
export async function pickRepositories(
  c: CommandContext,
  instanceUrl: string,
  org: string,
  preselected: ReadonlySet<string>,
  title: string,
  options: { optional?: boolean } = {},
): Promise<string[]> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { repo: string }>();
  qp.title = title;
  qp.placeholder = vscode.l10n.t('Repositories of {0}: type to filter, Ctrl+A selects all shown, Enter confirms', org);
  qp.canSelectMany = true;
  qp.ignoreFocusOut = true;
  qp.matchOnDescription = true;
  qp.busy = true;
  qp.show();
  try {
    const repos: { name: string; isPublic: boolean }[] = [];
    for await (const page of c.clients.get(instanceUrl).listRepositories({ namespace: org })) {
      repos.push(...page.repositories);
      qp.items = repos.map((r) => ({ label: r.name, description: r.isPublic ? vscode.l10n.t('public') : '', repo: r.name }));
    }
    qp.selectedItems = qp.items.filter((i) => preselected.has(i.repo));
    qp.busy = false;
    const picked = await new Promise<readonly string[] | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems.map((i) => i.repo)));
      qp.onDidHide(() => resolve(undefined));
    });
    if (picked === undefined) throw new UserCancelled();
    if (picked.length === 0 && options.optional !== true) throw new UserCancelled();
    return [...picked];
  } finally {
    qp.dispose();
  }
}

/** Read, write or admin, with the advice of the seed articles: pull-only consumers need read. */
export async function pickRole(title: string, preselect: Role): Promise<Role> {
  const items = ROLES_HELP.map((r) => ({ label: r.role, description: r.help, picked: r.role === preselect, role: r.role }));
  const qp = await required(vscode.window.showQuickPick(
    [...items].sort((a, b) => Number(b.picked) - Number(a.picked)),
    { title, placeHolder: vscode.l10n.t('Role (clusters and pipelines that only pull need read)'), ignoreFocusOut: true },
  ));
  return qp.role;
}

/**
 * Shows the plan, one row per repository with its change, and asks to apply it. Returns the changes to make
 * (unchanged rows dropped), or throws UserCancelled.
 */
export async function confirmPlan<T extends PlannedChange>(title: string, plan: readonly T[], label: (change: T) => string = (p) => p.repository): Promise<T[]> {
  const changes = plan.filter((p) => p.action !== 'unchanged');
  const summary = describePlan(plan);
  if (changes.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0}: nothing to change ({1}).', title, summary));
    throw new UserCancelled();
  }
  const apply = { label: `$(check) ${vscode.l10n.t('Apply {0} changes', changes.length)}`, description: summary, apply: true };
  const icon: Record<PlannedChange['action'], string> = { add: '$(add)', upgrade: '$(arrow-up)', downgrade: '$(arrow-down)', remove: '$(remove)', unchanged: '$(dash)' };
  const rows = plan.map((p) => ({
    label: `${icon[p.action]} ${label(p)}`,
    description: `${p.action}: ${p.from ?? '—'} → ${p.to ?? '—'}`,
    apply: false,
  }));
  const picked = await vscode.window.showQuickPick([apply, { label: '', kind: vscode.QuickPickItemKind.Separator, apply: false }, ...rows], {
    title: vscode.l10n.t('{0}: plan', title),
    placeHolder: summary,
    ignoreFocusOut: true,
  });
  if (picked?.apply !== true) throw new UserCancelled();
  return changes;
}

/** Applies a plan for one user, robot or team with a cancellable progress notification; reports each failure. */
export function applyGrants(
  c: CommandContext,
  instanceUrl: string,
  ns: Namespace,
  principal: string,
  changes: readonly PlannedChange[],
  kind: 'user' | 'team' = 'user',
): Promise<BulkReport<PlannedChange>> {
  return applyChanges(c, instanceUrl, ns, changes, () => ({ principal, kind }), vscode.l10n.t('Quay: changing access of {0}', principal));
}

/**
 * Applies planned changes that may belong to several principals (the access matrix) with one cancellable progress
 * notification and the bounded-concurrency runner; logs each failure and refreshes the tree rows they touch.
 */
export async function applyChanges<T extends PlannedChange>(
  c: CommandContext,
  instanceUrl: string,
  ns: Namespace,
  changes: readonly T[],
  target: (change: T) => ChangeTarget,
  title: string,
): Promise<BulkReport<T>> {
  const client = c.clients.get(instanceUrl);
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      // Cancel stops starting new requests; requests already sent are left to finish, so the report says
      // exactly what Quay applied (an aborted request may still have been applied by the server).
      return runBulk(
        changes,
        (change) => applyPermissionChange(client, ns, target(change), change),
        {
          concurrency: maxConcurrentRequests(),
          signal: controller.signal,
          onProgress: (done, total, change) => progress.report({ increment: 100 / total, message: `${done}/${total} · ${change.repository}` }),
        },
      );
    },
  );
  for (const f of report.failed) c.logger.error(`${target(f.item).principal} on ${ns.name}/${f.item.repository}: ${errorMessage(f.error)}`);
  for (const n of report.notRun) c.logger.warn(`${target(n).principal} on ${ns.name}/${n.repository}: not applied (cancelled)`);
  const robots = new Set(changes.map((ch) => target(ch).principal).filter((p) => p.includes('+')));
  c.tree.refreshIds([
    nodeIds.robots(instanceUrl, ns),
    ...new Set(changes.map((ch) => nodeIds.access(nodeIds.repository(instanceUrl, ns, ch.repository)))),
    ...[...robots].map((p) => nodeIds.robot(instanceUrl, ns, splitRobotName(p).shortName)),
  ]);
  return report;
}

/** Tells the user what happened, failures with Quay's own message; "Show Log" lists every one. */
export async function showBulkReport<T extends PlannedChange>(c: CommandContext, what: string, report: BulkReport<T>, label: (change: T) => string = (p) => p.repository): Promise<void> {
  const parts = [vscode.l10n.t('{0}: {1} applied', what, report.applied.length)];
  if (report.failed.length > 0) parts.push(vscode.l10n.t('{0} failed', report.failed.length));
  if (report.notRun.length > 0) parts.push(vscode.l10n.t('{0} not applied (cancelled)', report.notRun.length));
  const first = report.failed[0];
  const detail = first !== undefined ? ` — ${label(first.item)}: ${errorMessage(first.error)}` : '';
  const message = c.logger.clean(`${parts.join(', ')}.${detail}`);
  if (report.failed.length === 0 && report.notRun.length === 0) {
    void vscode.window.showInformationMessage(message);
    return;
  }
  const log = vscode.l10n.t('Show Log');
  if ((await vscode.window.showWarningMessage(message, log)) === log) c.logger.channel.show();
}
