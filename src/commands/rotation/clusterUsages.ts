import * as vscode from 'vscode';
import { findClusterSecrets, updateClusterSecret, type RobotFilter, type SecretCredentials, type SecretMatch, type SecretProblem, type SecretUpdate } from '../../core/k8s/clusterSecrets';
import { KubectlError, type Kubectl } from '../../core/k8s/kubectl';
import { kubectlFromSettings, kubectlRefusal } from '../../host/kubectl';
import { instanceHost } from '../../core/instances';
import { resolveRobot } from '../pickers';
import { UserCancelled } from '../runCommand';
import type { CommandContext } from '../commandContext';

/** What the cluster part of a rotation plan found: Secrets holding the robot, and what could not be searched. */
export interface ClusterScan {
  readonly kubectl: Kubectl;
  readonly filter: RobotFilter;
  readonly contexts: readonly string[];
  readonly matches: readonly SecretMatch[];
  readonly problems: readonly SecretProblem[];
  /** Contexts that could not be reached, or kubectl missing (context ''), with one clear sentence each. */
  readonly unreachable: readonly { readonly context: string; readonly reason: string }[];
}

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
  const picked = await vscode.window.showQuickPick(
    names.map((name) => ({ label: name, description: name === current ? vscode.l10n.t('current context') : '', picked: name === current })),
    { title, placeHolder: vscode.l10n.t('Clusters: kubeconfig contexts to search for pull Secrets holding {0} (none: skip clusters)', robot), canPickMany: true, ignoreFocusOut: true },
  );
  if (picked === undefined) throw new UserCancelled();
  const contexts = picked.map((p) => p.label);
  const matches: SecretMatch[] = [];
  const problems: SecretProblem[] = [];
  const unreachable: { context: string; reason: string }[] = [];
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Looking for pull Secrets holding {0}…', robot) }, async (progress) => {
    for (const context of contexts) {
      progress.report({ message: context });
      try {
        const found = await findClusterSecrets(kubectl, context, filter);
        matches.push(...found.matches);
        problems.push(...found.problems);
      } catch (error) {
        if (!(error instanceof KubectlError)) throw error;
        unreachable.push({ context, reason: error.message });
      }
    }
  });
  return { kubectl, filter, contexts, matches, problems, unreachable };
}

export function secretLabel(m: SecretMatch): string {
  return `${m.context} · ${m.namespace}/${m.name}`;
}

/** Why a managed Secret is not patched, as the plan and the report say it. */
export function managedReason(m: SecretMatch): string {
  return m.managedBy === 'external-secrets'
    ? vscode.l10n.t('managed by External Secrets: update the value in the vault (the operator would overwrite a patch)')
    : vscode.l10n.t('managed by {0}: update its source (the controller would overwrite a patch)', m.managedBy ?? '');
}

/** The lines for what could not be searched: unreachable contexts, forbidden namespaces, malformed Secrets. */
export function problemLines(scan: ClusterScan): string[] {
  return [
    ...scan.unreachable.map((u) => (u.context === '' ? u.reason : vscode.l10n.t('{0}: not searched: {1}', u.context, u.reason))),
    ...scan.problems.map((p) =>
      p.kind === 'forbidden'
        ? vscode.l10n.t('{0}: namespace {1} not searched (forbidden): {2}', p.context, p.namespace === '*' ? vscode.l10n.t('list') : p.namespace, p.reason)
        : vscode.l10n.t('{0}: Secret {1}/{2} could not be read: {3}', p.context, p.namespace, p.name ?? '', p.reason),
    ),
  ];
}

/** Updates the ticked Secrets one by one, each with its resourceVersion as the precondition. */
export async function updateSecrets(scan: ClusterScan, ticked: readonly SecretMatch[], credentials: SecretCredentials): Promise<SecretUpdate[]> {
  const out: SecretUpdate[] = [];
  for (const m of ticked) {
    try {
      out.push(await updateClusterSecret(scan.kubectl, m, credentials, scan.filter));
    } catch (error) {
      out.push({ match: m, outcome: 'failed', reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}

/** The report's "Clusters" section (Markdown lines). */
export function clusterReport(scan: ClusterScan | undefined, results: readonly SecretUpdate[] | undefined): string[] {
  if (scan === undefined || (scan.contexts.length === 0 && scan.unreachable.length === 0)) return [];
  const lines = [`## Clusters (${scan.contexts.length > 0 ? scan.contexts.map((c) => `\`${c}\``).join(', ') : vscode.l10n.t('none searched')})`, ''];
  if (results !== undefined) {
    for (const r of results) {
      const what = `\`${secretLabel(r.match)}\``;
      if (r.outcome === 'updated') lines.push(`- ${what} ${vscode.l10n.t('updated')}`);
      else lines.push(`- ${what} ${r.outcome === 'skipped' ? vscode.l10n.t('skipped: {0}', r.reason) : vscode.l10n.t('failed: {0} — run "Quay: Finish Rotation"', r.reason)}`);
    }
    const done = new Set(results.map((r) => r.match));
    for (const m of scan.matches) if (!done.has(m)) lines.push(`- \`${secretLabel(m)}\` ${m.managedBy !== null ? managedReason(m) : vscode.l10n.t('not ticked')}`);
  } else {
    for (const m of scan.matches) lines.push(`- \`${secretLabel(m)}\` ${m.type} · ${m.registry}${m.managedBy !== null ? ` · ${managedReason(m)}` : ''}`);
  }
  if (scan.matches.length === 0) lines.push(`- ${vscode.l10n.t('no pull Secret holds this robot')}`);
  for (const p of problemLines(scan)) lines.push(`- ${p}`);
  lines.push('');
  return lines;
}

/** "Find Robot in Clusters": the rotation's cluster search, without rotating; the result as a Markdown report. */
export async function findRobotInClusters(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Find Robot in Clusters');
  const refusal = kubectlRefusal();
  if (refusal !== undefined) throw new Error(refusal); // a report saying "no pull Secret holds this robot" would mislead
  const { instance, robot } = await resolveRobot(c, node, title);
  const scan = await scanClusters(c, { robot: robot.fullName, host: instanceHost(instance) }, title);
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: [`# ${vscode.l10n.t('{0} in clusters', robot.fullName)}`, '', instance.url, '', ...clusterReport(scan, undefined)].join('\n') });
  await vscode.window.showTextDocument(doc, { preview: true });
  void vscode.window.showInformationMessage(
    vscode.l10n.t('{0}: {1} pull Secrets in {2} contexts; {3} problems.', robot.fullName, scan.matches.length, scan.contexts.length, scan.problems.length + scan.unreachable.length),
  );
}
