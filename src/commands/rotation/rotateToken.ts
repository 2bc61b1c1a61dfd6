import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { instanceHost } from '../../core/instances';
import { problemLines } from '../../core/rotation/clusters';
import { executeRotation, finishRotation as finishPending } from '../../core/rotation/engine';
import type { UnreadableRotation } from '../../core/rotation/journal';
import { notScannedFiles } from '../../core/rotation/notScanned';
import { nothingFoundMessage, notRotatedMessage } from '../../core/rotation/report';
import { recentPulls } from '../../core/rotation/recentUse';
import { nodeIds } from '../../views/nodeIds';
import type { CommandContext } from '../commandContext';
import { resolveRobot } from '../pickers';
import { UserCancelled } from '../runCommand';
import { scanClusters } from './clusterUsages';
import { externalSecretLines } from './externalSecretUsages';
import { clusterNotes, rotationPorts, showRotationReport } from './rotationRun';
import { prestartReaders } from '../../core/rotation/readerPool';
import { displayPath, notScannedNotes, pickUsages, scanWorkspace } from './workspaceUsages';

/**
 * "Rotate Robot Token…": scan the workspace for every place the token is stored, show the plan, regenerate
 * (Quay invalidates the old token at once), update every ticked place in one edit, then prove the result
 * with registry logins: the new token is accepted and the old one refused.
 */
export async function rotateToken(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Rotate Robot Token');
  const { instance, namespace, robot } = await resolveRobot(c, node, title);
  prestartReaders(); // the finder's threads start while Quay is asked for the token
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

  const outcome = await executeRotation(rotationPorts(c, client, scan, clusters), { instanceUrl: instance.url, namespace, robot: robot.fullName, oldToken, places: ticked, secrets: plan.secrets });
  if (outcome.kind === 'not-rotated') throw new Error(notRotatedMessage(outcome)); // Quay's message, and whether the old token still works
  await c.tokenAges.remember(instance.url, namespace, robot.fullName, new Date());
  c.tree.refreshIds([nodeIds.robot(instance.url, namespace, robot.shortName), nodeIds.robots(instance.url, namespace)]);
  await showRotationReport(c, { title: vscode.l10n.t('Rotation of {0}', robot.fullName), instance, outcome, scan, ticked, clusters: { scan: clusters, refresh: plan.refresh }, pulls });
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
  prestartReaders();
  const instance = c.store.get(picked.instanceUrl);
  if (instance === undefined) throw new Error(vscode.l10n.t('The instance {0} of this rotation is no longer configured.', picked.instanceUrl));
  c.logger.rememberSecret(picked.oldToken);
  const client = c.clients.get(instance.url);
  const title = vscode.l10n.t('Finish Rotation');
  const scan = await scanWorkspace(picked.oldUser, picked.oldToken, vscode.l10n.t('Looking for what is left of the old token of {0}…', picked.oldUser));
  const clusters = await scanClusters(c, { robot: picked.oldUser, host: instanceHost(instance), token: picked.oldToken }, title);
  const ports = rotationPorts(c, client, scan, clusters);
  // Files too large or unreadable, contexts or namespaces not searched: finding nothing there proves nothing.
  const notSearched = [...notScannedFiles(scan.notScanned).map((f) => `${displayPath(f.path)} (${f.why})`), ...problemLines(clusters)];
  const found = scan.usages.length + clusters.matches.length;
  const plan = found > 0 ? await pickUsages(scan, title, vscode.l10n.t('Places that still store the old token of {0}', picked.oldUser), clusters) : { usages: [], secrets: [], refresh: [] };
  const outcome = await finishPending(ports, picked, { places: plan.usages, secrets: plan.secrets, found, notSearched });
  if (outcome.kind === 'nothing-found') {
    const message = nothingFoundMessage(picked.oldUser, outcome.notSearched);
    if (!outcome.journalKept) {
      await vscode.window.showInformationMessage(message);
      return;
    }
    const checked = vscode.l10n.t('Checked Them: Mark Finished');
    if ((await vscode.window.showWarningMessage(message, checked)) === checked) await c.pendingRotations.remove(picked);
    return;
  }
  await showRotationReport(c, { title: vscode.l10n.t('Rotation of {0} (finished)', picked.oldUser), instance, outcome, scan, ticked: plan.usages, clusters: { scan: clusters, refresh: plan.refresh }, pulls: [] });
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
