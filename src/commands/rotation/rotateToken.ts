import * as vscode from 'vscode';
import { visibleText } from '../../core/serverText';
import { isRobotsDisallowedRefusal } from '../../core/capabilities';
import { robotsDisallowedLoginExplanation } from '../../views/capabilityText';
import { Commands } from '../../constants';
import { instanceHost, type InstanceConfig } from '../../core/instances';
import type { QuayClient } from '../../core/quay/client';
import type { RegistryLoginResult } from '../../core/quay/registry';
import type { Namespace } from '../../core/quay/types';
import type { Replacement } from '../../core/rotation/replace';
import { logTarget } from '../../core/rotation/tokenAgeTracker';
import { nodeIds } from '../../views/nodeIds';
import type { CommandContext } from '../commandContext';
import { resolveRobot } from '../pickers';
import { UserCancelled } from '../runCommand';
import type { SecretMatch } from '../../core/k8s/clusterSecrets';
import { clusterReport, managedReason, problemLines, scanClusters, secretLabel, updateSecrets, type ClusterScan } from './clusterUsages';
import { applyReplacement, describeEncoding, displayPath, notScannedNotes, pickUsages, scanWorkspace, type ApplyResult, type Usage, type WorkspaceScan } from './workspaceUsages';
import { notScannedSection, scanFigure } from '../../core/rotation/notScanned';
import { externalSecretLines, externalSecretReport, offerForceSync } from './externalSecretUsages';
import type { ClusterExternalSecret } from '../../core/k8s/clusterExternalSecrets';
import type { PendingRotation, UnreadableRotation } from '../../core/rotation/journal';

/** Where else the token is in use: the user agents and addresses of the robot's pulls of the last 7 days. */
export async function recentPulls(client: QuayClient, ns: Namespace, robot: string): Promise<string[]> {
  const end = new Date();
  const start = new Date(end.getTime() - 7 * 86_400_000);
  const seen = new Map<string, { count: number; last: Date }>();
  let pages = 0;
  try {
    for await (const page of client.listLogs(logTarget(ns), { performer: robot, starttime: start, endtime: end })) {
      for (const e of page.logs) {
        if (e.kind !== 'pull_repo' && e.kind !== 'login_success') continue;
        const agent = e.metadata['user-agent'] ?? e.metadata['useragent'];
        const key = `${typeof agent === 'string' ? agent : '?'} from ${e.metadata['resolved_ip'] !== undefined ? JSON.stringify(e.metadata['resolved_ip']) : (e.ip ?? '?')}`;
        const s = seen.get(key);
        seen.set(key, { count: (s?.count ?? 0) + 1, last: s !== undefined && s.last > e.datetime ? s.last : e.datetime });
      }
      if (++pages >= 5) break;
    }
  } catch {
    return [];
  }
  return [...seen.entries()].sort((a, b) => b[1].last.getTime() - a[1].last.getTime()).map(([k, v]) => `${k} (${v.count}×, last ${v.last.toISOString().slice(0, 16).replace('T', ' ')} UTC)`);
}

export function loginLine(result: RegistryLoginResult, instance?: string): string {
  switch (result.kind) {
    case 'ok':
      return vscode.l10n.t('accepted');
    case 'refused':
      // ROBOTS_DISALLOW refuses every robot's login: say so, rather than let it read as a wrong token.
      if (instance !== undefined && isRobotsDisallowedRefusal(result.message)) return vscode.l10n.t('refused: {0} {1}', result.message, robotsDisallowedLoginExplanation(instance));
      return vscode.l10n.t('refused: {0}', result.message);
    case 'failed':
      return vscode.l10n.t('could not be checked: {0}', result.error.message);
  }
}

export interface RotationReport {
  readonly title: string;
  readonly instance: InstanceConfig;
  readonly applied: ApplyResult;
  readonly unticked: readonly Usage[];
  readonly scan: WorkspaceScan;
  readonly pulls: readonly string[];
  readonly logins: readonly string[];
  readonly steps?: readonly string[];
  /** The "Clusters" section, Markdown lines. */
  readonly clusters?: readonly string[];
  /** The "Update the vault, then refresh" section, Markdown lines. */
  readonly externalSecrets?: readonly string[];
  /** A cluster Secret could not be updated: it still holds the old token, and Finish Rotation is offered. */
  readonly secretsFailed?: boolean;
}

/** The report as a Markdown document (no token in it) and a notification with its summary. */
export async function showReport(r: RotationReport, summary: string): Promise<void> {
  const where = (u: Usage): string => `\`${displayPath(u.file)}:${u.usage.line}:${u.usage.column}\` ${describeEncoding(u.usage)}`;
  const lines = [
    `# ${r.title}`,
    '',
    `${r.instance.url} · ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${scanFigure(r.scan.filesScanned, r.scan.notScanned)}`,
    '',
    ...(r.steps !== undefined ? ['## Steps', '', ...r.steps.map((s) => `- ${s}`), ''] : []),
    `## Updated (${r.applied.updated.length})`,
    '',
    ...r.applied.updated.map((u) => `- ${where(u)}`),
    ...r.applied.rescanned.map((f) => `- \`${displayPath(f)}\` changed after the scan: scanned again and edited on its current text`),
    ...r.applied.unsaved.map((f) => `- \`${displayPath(f)}\` had unsaved changes: edited, not saved`),
    '',
    `## Left (${r.applied.failed.length + r.unticked.length + r.scan.nonUpdatable.length})`,
    '',
    ...r.applied.failed.map((f) => `- \`${displayPath(f.file)}\` failed: ${f.reason.replace(/\s+/g, ' ').trim()} — run "Quay: Finish Rotation"`),
    ...r.unticked.map((u) => `- ${where(u)} (not ticked)`),
    ...r.scan.nonUpdatable.map((n) => `- \`${displayPath(n.file)}:${n.line}\` ${n.kind}${n.secretName !== undefined ? ` of Secret ${n.secretName}` : ''}: cannot be updated from here`),
    '',
    ...notScannedSection(r.scan.notScanned, displayPath),
    ...(r.clusters ?? []),
    ...(r.externalSecrets ?? []),
    '## Registry login',
    '',
    ...r.logins.map((l) => `- ${l}`),
    '',
    '## Recent use of the old token (usage logs, 7 days)',
    '',
    ...(r.pulls.length > 0 ? r.pulls.map((p) => `- ${p}`) : ['- none recorded']),
    '',
  ];
  // One element, one line: server text (usage logs, kubectl's and Quay's messages) cannot add lines or headings.
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.map(visibleText).join('\n') });
  await vscode.window.showTextDocument(doc, { preview: true });
  const finish = vscode.l10n.t('Finish Rotation');
  const failed = r.applied.failed.length > 0 || r.secretsFailed === true;
  const choice = failed ? await vscode.window.showWarningMessage(summary, finish) : await vscode.window.showInformationMessage(summary);
  if (choice === finish) await vscode.commands.executeCommand(Commands.finishRotation);
}

/**
 * "Rotate Robot Token…": scan the workspace for every place the token is stored, show the plan, regenerate
 * (Quay invalidates the old token at once), update every ticked place in one edit, then prove the result
 * with registry logins: the new token is accepted and the old one refused.
 */
export async function rotateToken(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Rotate Robot Token');
  const { instance, namespace, robot } = await resolveRobot(c, node, title);
  const client = c.clients.get(instance.url);
  const current = await client.getRobot(namespace, robot.shortName);
  const oldToken = current.token;
  if (oldToken === undefined) throw new Error(vscode.l10n.t('Quay at {0} did not return the token of {1}; rotating needs admin rights on it.', instance.url, robot.fullName));
  const scan = await scanWorkspace(robot.fullName, oldToken, vscode.l10n.t('Looking for the token of {0}…', robot.fullName));
  const clusters = await scanClusters(c, { robot: robot.fullName, host: instanceHost(instance) }, title);
  const plan = await pickUsages(scan, title, vscode.l10n.t('Places that store the token of {0}: ticked ones are updated after the regeneration', robot.fullName), clusters);
  const ticked = plan.usages;
  const pulls = await recentPulls(client, namespace, robot.fullName);
  const patched = plan.secrets.filter((m) => m.managedBy === null).length;
  const left = scan.usages.length - ticked.length + scan.nonUpdatable.length + clusters.matches.length - patched + scan.externalSecrets.length + (clusters.externalSecrets?.length ?? 0);
  const go = vscode.l10n.t('Regenerate Token');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Quay invalidates the old token immediately. {0} places will be updated; {1} known places will not.', ticked.length + patched, left),
    {
      modal: true,
      detail: [
        ...scan.nonUpdatable.map((n) => vscode.l10n.t('Not updatable here: {0}:{1} ({2})', displayPath(n.file), n.line, n.kind)),
        ...notScannedNotes(scan),
        ...clusterNotes(clusters),
        ...externalSecretLines(scan.externalSecrets, clusters.externalSecrets ?? [], displayPath),
        ...(pulls.length > 0 ? [vscode.l10n.t('The token was used in the last 7 days by: {0}', pulls.slice(0, 5).join('; '))] : []),
      ].join('\n'),
    },
    go,
  );
  if (choice !== go) throw new UserCancelled();

  const pending: PendingRotation = { v: 1, instanceUrl: instance.url, namespace, oldUser: robot.fullName, oldToken, newUser: robot.fullName, startedAt: new Date().toISOString() };
  await c.pendingRotations.save(pending);
  let newToken: string | undefined;
  try {
    newToken = (await client.regenerateRobotToken(namespace, robot.shortName)).token;
  } catch (error) {
    await c.pendingRotations.remove(pending);
    throw error; // nothing was edited; wrapCommand shows Quay's message
  }
  if (newToken === undefined) throw new Error(vscode.l10n.t('Quay at {0} regenerated the token of {1} but did not return it. Run "Quay: Finish Rotation" to read it and update the workspace.', instance.url, robot.fullName));
  await c.tokenAges.remember(instance.url, namespace, robot.fullName, new Date());
  c.tree.refreshIds([nodeIds.robot(instance.url, namespace, robot.shortName), nodeIds.robots(instance.url, namespace)]);
  await finishWith(c, { instance, client, pending, newToken, scan, ticked, clusters: { scan: clusters, ticked: plan.secrets, refresh: plan.refresh }, pulls, title: vscode.l10n.t('Rotation of {0}', robot.fullName) });
}

/** The modal's lines about clusters: managed Secrets (listed, never patched, even when ticked) and what could not be searched. */
export function clusterNotes(clusters: ClusterScan): string[] {
  return [
    ...clusters.matches.filter((m) => m.managedBy !== null).map((m) => vscode.l10n.t('Not updatable here: {0} ({1})', secretLabel(m), managedReason(m))),
    ...problemLines(clusters),
  ];
}

/** Applies the edit, checks the logins, reports, and forgets the pending rotation once nothing failed. */
export async function finishWith(
  c: CommandContext,
  o: {
    instance: InstanceConfig;
    client: QuayClient;
    pending: PendingRotation;
    newToken: string;
    scan: WorkspaceScan;
    ticked: readonly Usage[];
    clusters?: { readonly scan: ClusterScan; readonly ticked: readonly SecretMatch[]; readonly refresh?: readonly ClusterExternalSecret[] };
    pulls: readonly string[];
    title: string;
    steps?: readonly string[];
  },
): Promise<void> {
  const r: Replacement = { oldUser: o.pending.oldUser, oldToken: o.pending.oldToken, newUser: o.pending.newUser, newToken: o.newToken };
  const applied = await applyReplacement(o.scan, o.ticked, r);
  const secrets = o.clusters !== undefined ? await updateSecrets(o.clusters.scan, o.clusters.ticked, r) : [];
  const secretsUpdated = secrets.filter((s) => s.outcome === 'updated').length;
  const secretsLeft = (o.clusters?.scan.matches.length ?? 0) - secretsUpdated;
  const samePlace = (a: Usage, b: Usage): boolean => a.file === b.file && a.usage.range.start === b.usage.range.start;
  const unticked = o.scan.usages.filter((u) => !o.ticked.some((t) => samePlace(t, u)));
  const newLogin = await o.client.registryLogin(o.pending.newUser, o.newToken);
  const host = instanceHost(o.instance);
  const logins = [vscode.l10n.t('{0} with the new token: {1}', o.pending.newUser, loginLine(newLogin, host))];
  let oldRefused = true;
  if (o.pending.newUser === o.pending.oldUser) {
    const oldLogin = await o.client.registryLogin(o.pending.oldUser, o.pending.oldToken);
    // Refused for ROBOTS_DISALLOW says nothing about the old token.
    oldRefused = oldLogin.kind === 'refused' && !isRobotsDisallowedRefusal(oldLogin.message);
    logins.push(vscode.l10n.t('{0} with the old token: {1}', o.pending.oldUser, loginLine(oldLogin, host)));
  }
  // Vault-backed ExternalSecrets: the user updates the vault, then the picked cluster ones are refreshed.
  const clusterEs = o.clusters?.scan.externalSecrets ?? [];
  const esCount = o.scan.externalSecrets.length + clusterEs.length;
  const synced = await offerForceSync(o.clusters?.scan.kubectl, o.clusters?.refresh ?? [], esCount, o.newToken, { oldUser: o.pending.oldUser, newUser: o.pending.newUser });
  if (synced !== undefined) c.logger.info(`force-sync: ${synced.map((r) => `${r.es.context}/${r.es.namespace}/${r.es.name} ${r.outcome}${r.reason !== undefined ? ` (${r.reason})` : ''}`).join('; ')}`);
  const disallowed = newLogin.kind === 'refused' && isRobotsDisallowedRefusal(newLogin.message);
  const secretsFailed = secrets.some((s) => s.outcome === 'failed');
  // A failed file or Secret still holds the old token: the rotation stays pending for Finish Rotation.
  if (applied.failed.length === 0 && !secretsFailed) await c.pendingRotations.remove(o.pending);
  const summary = vscode.l10n.t(
    '{0}: {1} places updated, {2} left. The registry {3} the new token{4}.',
    o.title,
    applied.updated.length + secretsUpdated,
    applied.failed.length + unticked.length + o.scan.nonUpdatable.length + secretsLeft + esCount - (synced?.filter((r) => r.outcome === 'annotated').length ?? 0),
    newLogin.kind === 'ok' ? vscode.l10n.t('accepts') : vscode.l10n.t('does not accept'),
    disallowed
      ? vscode.l10n.t(' (no robot may log in: ROBOTS_DISALLOW is set on this Quay)')
      : o.pending.newUser === o.pending.oldUser
        ? oldRefused
          ? vscode.l10n.t(' and refuses the old one')
          : vscode.l10n.t(' but still accepts the old one')
        : '',
  );
  const clusters = clusterReport(o.clusters?.scan, secrets);
  const externalSecrets = externalSecretReport(o.scan.externalSecrets, clusterEs, synced, displayPath);
  await showReport({ title: o.title, instance: o.instance, applied, unticked, scan: o.scan, pulls: o.pulls, logins, clusters, externalSecrets, secretsFailed, ...(o.steps !== undefined ? { steps: o.steps } : {}) }, summary);
}

/**
 * "Finish Rotation": for a rotation whose edit failed or was interrupted, scan again for the old credentials
 * (kept in the keychain) and update what is left with the robot's current token, read again from Quay.
 */
export async function finishRotation(c: CommandContext): Promise<void> {
  const { pending, unreadable } = await c.pendingRotations.list();
  if (unreadable.length > 0) await reportUnreadable(c, unreadable);
  if (pending.length === 0) {
    if (unreadable.length === 0) await vscode.window.showInformationMessage(vscode.l10n.t('No rotation is waiting to be finished.'));
    return;
  }
  const picked =
    pending.length === 1
      ? pending[0]
      : (
          await vscode.window.showQuickPick(
            pending.map((p) => ({ label: p.oldUser, description: p.newUser !== p.oldUser ? `→ ${p.newUser}` : '', detail: `${p.instanceUrl} · ${p.startedAt}`, p })),
            { title: vscode.l10n.t('Finish Rotation'), ignoreFocusOut: true },
          )
        )?.p;
  if (picked === undefined) throw new UserCancelled();
  const instance = c.store.get(picked.instanceUrl);
  if (instance === undefined) throw new Error(vscode.l10n.t('The instance {0} of this rotation is no longer configured.', picked.instanceUrl));
  c.logger.rememberSecret(picked.oldToken);
  const client = c.clients.get(instance.url);
  const newToken = (await client.getRobot(picked.namespace, picked.newUser)).token;
  if (newToken === undefined) throw new Error(vscode.l10n.t('Quay at {0} did not return the token of {1}.', instance.url, picked.newUser));
  const title = vscode.l10n.t('Finish Rotation');
  const scan = await scanWorkspace(picked.oldUser, picked.oldToken, vscode.l10n.t('Looking for what is left of the old token of {0}…', picked.oldUser));
  const clusters = await scanClusters(c, { robot: picked.oldUser, host: instanceHost(instance), token: picked.oldToken }, title);
  if (scan.usages.length === 0 && clusters.matches.length === 0 && problemLines(clusters).length === 0) {
    await c.pendingRotations.remove(picked);
    await vscode.window.showInformationMessage(vscode.l10n.t('No place stores the old token of {0} any more: the rotation is finished.', picked.oldUser));
    return;
  }
  const plan = await pickUsages(scan, title, vscode.l10n.t('Places that still store the old token of {0}', picked.oldUser), clusters);
  await finishWith(c, { instance, client, pending: picked, newToken, scan, ticked: plan.usages, clusters: { scan: clusters, ticked: plan.secrets, refresh: plan.refresh }, pulls: [], title: vscode.l10n.t('Rotation of {0} (finished)', picked.oldUser) });
}

/** On start: a rotation left unfinished (a failed edit, a closed window) is offered to be finished. */
export async function offerUnfinishedRotations(c: CommandContext): Promise<void> {
  const { pending, unreadable } = await c.pendingRotations.list();
  if (unreadable.length > 0) await reportUnreadable(c, unreadable);
  if (pending.length === 0) return;
  const finish = vscode.l10n.t('Finish Rotation');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('The rotation of {0} did not finish: some places may still hold the old token.', pending.map((p) => p.oldUser).join(', ')),
    finish,
  );
  if (choice === finish) await vscode.commands.executeCommand(Commands.finishRotation);
}

/**
 * A record of an unfinished rotation that this version cannot read (another version wrote it, or it was damaged):
 * said with where it is and why, and forgotten only when the user says so.
 */
async function reportUnreadable(c: CommandContext, unreadable: readonly UnreadableRotation[]): Promise<void> {
  for (const u of unreadable) c.logger.warn(`Unfinished rotation ${u.where}: ${u.reason}`);
  const forget = vscode.l10n.t('Forget It');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t(
      'An unfinished rotation could not be read ({0}): {1} Places may still hold the old token of the robot named in the key; this version cannot finish it. "Forget It" deletes the record from the keychain.',
      unreadable.map((u) => u.where).join(', '),
      unreadable.map((u) => u.reason).join(' '),
    ),
    forget,
  );
  if (choice === forget) for (const u of unreadable) await c.pendingRotations.forget(u.where);
}
