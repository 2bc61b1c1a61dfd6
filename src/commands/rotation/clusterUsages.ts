import * as vscode from 'vscode';
import { visibleText } from '../../core/serverText';
import type { RobotFilter } from '../../core/k8s/clusterSecrets';
import { clusterReport, scanContexts, type ClusterScan } from '../../core/rotation/clusters';
import { KubectlError } from '../../core/k8s/kubectl';
import { kubectlFromSettings, kubectlRefusal } from '../../host/kubectl';
import { instanceHost } from '../../core/instances';
import { resolveRobot } from '../pickers';
import type { CommandContext } from '../commandContext';
import { required } from '../prompts';

/**
 * The "Clusters" part of the plan: the user picks kubeconfig contexts (the current one preselected; none picked
 * skips the clusters), then every namespace of each is searched for pull Secrets holding the robot.
 * A missing kubectl is not an error here: the plan says so, and the rotation goes on with the files.
 */
export async function scanClusters(c: CommandContext, filter: RobotFilter, title: string): Promise<ClusterScan> {
  const kubectl = kubectlFromSettings();
  const robot = filter.robot;
  const empty = { kubectl, filter, contexts: [], matches: [], problems: [] };
  let names: readonly string[];
  let current: string | undefined;
  try {
    ({ names, current } = await kubectl.contexts());
  } catch (error) {
    if (!(error instanceof KubectlError)) throw error;
    c.logger.info(`Clusters: ${error.message}`);
    return { ...empty, unreachable: [{ context: '', reason: error.message }] };
  }
  c.logger.info(`Clusters: ${names.length} kubeconfig contexts (current: ${current ?? 'none'}) through ${kubectl.path}`);
  if (names.length === 0) return { ...empty, unreachable: [] };
  const picked = await required(vscode.window.showQuickPick(
    names.map((name) => ({ label: name, description: name === current ? vscode.l10n.t('current context') : '', picked: name === current })),
    { title, placeHolder: vscode.l10n.t('Clusters: kubeconfig contexts to search for pull Secrets holding {0} (none: skip clusters)', robot), canPickMany: true, ignoreFocusOut: true },
  ));
  const contexts = picked.map((p) => p.label);
  const scan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Looking for pull Secrets holding {0}…', robot) }, (progress) =>
    scanContexts(kubectl, contexts, filter, (context) => progress.report({ message: context })),
  );
  c.logger.info(`Clusters: ${scan.matches.length} pull Secrets and ${scan.externalSecrets?.length ?? 0} vault-backed ExternalSecrets of ${robot} in ${contexts.length} contexts.`);
  return scan;
}

/** "Find Robot in Clusters": the rotation's cluster search, without rotating; the result as a Markdown report. */
export async function findRobotInClusters(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Find Robot in Clusters');
  const refusal = kubectlRefusal();
  if (refusal !== undefined) throw new Error(refusal); // a report saying "no pull Secret holds this robot" would mislead
  const { instance, robot } = await resolveRobot(c, node, title);
  const scan = await scanClusters(c, { robot: robot.fullName, host: instanceHost(instance) }, title);
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: [`# ${vscode.l10n.t('{0} in clusters', robot.fullName)}`, '', instance.url, '', ...clusterReport(scan, undefined)].map(visibleText).join('\n') });
  await vscode.window.showTextDocument(doc, { preview: true });
  void vscode.window.showInformationMessage(
    vscode.l10n.t('{0}: {1} pull Secrets in {2} contexts; {3} problems.', robot.fullName, scan.matches.length, scan.contexts.length, scan.problems.length + scan.unreachable.length),
  );
}
