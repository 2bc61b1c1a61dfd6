import * as vscode from 'vscode';
import { StorageKeys } from '../../constants';
import { robotNameProblem } from '../../core/robotName';
import { exactTime, relativeTime } from '../../core/time';
import { nodeIds } from '../../views/nodeIds';
import type { CommandContext } from '../commandContext';
import { resolveRobot } from '../pickers';
import { UserCancelled } from '../runCommand';
import { instanceHost } from '../../core/instances';
import { scanClusters } from './clusterUsages';
import { executeRotation } from '../../core/rotation/engine';
import { recentPulls } from '../../core/rotation/recentUse';
import { findRetiree, predecessorOf, readPredecessor, recordSuccessor, stepLine, successorName, successorSteps, type SuccessorRecords } from '../../core/rotation/successorPlan';
import { clusterNotes, rotationPorts, showRotationReport } from './rotationRun';
import { prestartReaders } from '../../core/rotation/readerPool';
import { displayPath, notScannedNotes, pickUsages, scanWorkspace } from './workspaceUsages';
import { externalSecretLines } from './externalSecretUsages';
import { checkMirrors, explainDeleteFailure, mirrorList, mirrorNotes, refuseForMirror } from '../robots/mirrorCheck';
import { ensureRobotCreationAllowed, instancesAllowingCreation } from '../robots/robotCreation';

/**
 * "Rotate with a Successor Robot…": the old token dies the moment Quay regenerates it, so a rotation without
 * downtime needs a second robot. This creates `<name>_<yyyymmdd>` with the predecessor's description,
 * repository roles, teams, default-permission delegations and federation entries (a plan first, each step
 * reported; `core/rotation/successorPlan.ts`), moves every usage in the workspace to it (user name and token),
 * and leaves the predecessor alive until "Retire Predecessor…".
 */
export async function rotateWithSuccessor(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Rotate with a Successor Robot');
  // A successor is a new robot: with ROBOTS_DISALLOW (GET /config) say so before asking anything.
  await instancesAllowingCreation(c, node, title);
  const { instance, namespace, robot } = await resolveRobot(c, node, title);
  await ensureRobotCreationAllowed(c, instance, title);
  prestartReaders(); // the finder's threads start while Quay is asked for the predecessor
  const client = c.clients.get(instance.url);
  const p = await readPredecessor(client, namespace, robot.shortName);
  const oldToken = p.robot.token;
  if (oldToken === undefined) throw new Error(vscode.l10n.t('Quay at {0} did not return the token of {1}; this needs admin rights on it.', instance.url, robot.fullName));

  const name = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Name of the successor of {0} (in {1})', robot.fullName, namespace.name),
    value: successorName(robot.shortName, new Date()),
    ignoreFocusOut: true,
    validateInput: (v) => robotNameProblem(v) ?? (p.taken.has(v) ? vscode.l10n.t('{0}+{1} exists already.', namespace.name, v) : undefined),
  });
  if (name === undefined || name === '') throw new UserCancelled();
  const successor = `${namespace.name}+${name}`;

  const steps = successorSteps(client, p, name);
  const scan = await scanWorkspace(robot.fullName, oldToken, vscode.l10n.t('Looking for the token of {0}…', robot.fullName));
  const clusters = await scanClusters(c, { robot: robot.fullName, host: instanceHost(instance) }, title);
  const plan = await pickUsages(scan, title, vscode.l10n.t('Places to move from {0} to {1} (user name and token)', robot.fullName, successor), clusters);
  // Mirrors push with the robot itself, not with a copied token: they are moved in Quay, by hand, before retiring.
  const mirrors = await checkMirrors(c, instance, namespace, robot.fullName);
  const mirrorSteps = [
    ...(mirrors.repositories.length > 0
      ? [vscode.l10n.t('The mirror of {0} pushes with {1}: choose {2} in its mirroring settings in Quay before retiring {1} (Quay refuses to delete a mirror\'s robot).', mirrorList(mirrors), robot.fullName, successor)]
      : []),
    ...mirrorNotes(mirrors, robot.fullName),
  ];
  const ticked = plan.usages;
  const go = vscode.l10n.t('Create Successor');
  const moved = ticked.length + plan.secrets.length;
  const choice = await vscode.window.showInformationMessage(
    p.federationUnreadable === undefined
      ? vscode.l10n.t('Create {0} with {1} repository permissions, {2} teams, {3} default permissions and {4} federation entries, then move {5} places to it? {6} stays alive until you retire it.', successor, p.grants.length, p.teams.length, p.delegations.length, p.federation.length, moved, robot.fullName)
      : vscode.l10n.t('Create {0} with {1} repository permissions, {2} teams and {3} default permissions (its federation entries could not be read), then move {4} places to it? {5} stays alive until you retire it.', successor, p.grants.length, p.teams.length, p.delegations.length, moved, robot.fullName),
    { modal: true, detail: [...steps.map((s, i) => `${i + 1}. ${s.label}`), ...(p.federationUnreadable !== undefined ? [`⚠ ${p.federationUnreadable}`] : []), ...notScannedNotes(scan), ...clusterNotes(clusters), ...externalSecretLines(scan.externalSecrets, clusters.externalSecrets ?? [], displayPath), ...mirrorSteps].join('\n') },
    go,
  );
  if (choice !== go) throw new UserCancelled();

  const outcome = await executeRotation(rotationPorts(c, client, scan, clusters), { instanceUrl: instance.url, namespace, robot: robot.fullName, oldToken, successor: { name, steps }, places: ticked, secrets: plan.secrets });
  // Remembered before the robots group is listed again, so the successor's row offers Retire Predecessor.
  if (outcome.kind !== 'not-rotated') await c.state.update(StorageKeys.successors, recordSuccessor(c.state.get<SuccessorRecords>(StorageKeys.successors, {}), instance.url, successor, robot.fullName));
  c.tree.refreshIds([nodeIds.robots(instance.url, namespace), nodeIds.prototypes(instance.url, namespace), nodeIds.teams(instance.url, namespace)]);
  if (outcome.kind === 'not-rotated') throw outcome.error; // no successor, nothing else to do
  const report = [...outcome.steps.map(stepLine), ...(p.federationUnreadable !== undefined ? [`✗ ${p.federationUnreadable}`] : []), ...mirrorSteps.map((m) => `⚠ ${m}`)];
  await showRotationReport(c, { title: vscode.l10n.t('Successor {0} for {1}', successor, robot.fullName), instance, outcome, scan, ticked, clusters: { scan: clusters, refresh: plan.refresh }, pulls: [], steps: report });
}

/**
 * "Retire Predecessor…": on a successor, its predecessor; on any other robot, that robot. Shows when it was last
 * used (`last_accessed`, pulls of the last 7 days) and deletes it after a confirmation.
 */
export async function retirePredecessor(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Retire Predecessor');
  const { instance, namespace, robot } = await resolveRobot(c, node, title);
  const client = c.clients.get(instance.url);
  const predecessorName = predecessorOf(c.state.get<SuccessorRecords>(StorageKeys.successors, {}), instance.url, robot.fullName);
  const predecessor = await findRetiree(client, namespace, predecessorName);
  if (predecessor === undefined) throw new Error(vscode.l10n.t('{0} no longer exists on {1}.', predecessorName, instance.url));
  const mirrors = await checkMirrors(c, instance, namespace, predecessorName);
  if (mirrors.repositories.length > 0) await refuseForMirror(instance, mirrors, predecessorName);
  const pulls = await recentPulls(client, namespace, predecessorName);
  const now = new Date();
  const lastUsed = predecessor.lastAccessed !== undefined ? `${exactTime(predecessor.lastAccessed)} (${relativeTime(predecessor.lastAccessed, now)})` : vscode.l10n.t('never');
  const remove = vscode.l10n.t('Delete {0}', predecessorName);
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Retire {0}? It was last used {1}.', predecessorName, lastUsed),
    {
      modal: true,
      detail:
        (pulls.length > 0 ? vscode.l10n.t('Still in use in the last 7 days by: {0}. Those clients will fail.', pulls.slice(0, 5).join('; ')) : vscode.l10n.t('No pull in the last 7 days.')) +
        '\n' +
        vscode.l10n.t('Its token stops working at once; its permissions, teams and default permissions are removed. This cannot be undone.') +
        mirrorNotes(mirrors, predecessorName).map((l) => `\n${l}`).join(''),
    },
    remove,
  );
  if (choice !== remove) throw new UserCancelled();
  try {
    await client.deleteRobot(namespace, predecessorName);
  } catch (error) {
    throw explainDeleteFailure(error, mirrors, predecessorName);
  }
  c.tree.refreshIds([nodeIds.robots(instance.url, namespace), nodeIds.prototypes(instance.url, namespace), nodeIds.teams(instance.url, namespace)]);
  void vscode.window.showInformationMessage(vscode.l10n.t('Retired (deleted) {0}.', predecessorName));
}
