import * as vscode from 'vscode';
import { Commands } from '../../constants';
import { planBulk } from '../../core/bulk/plan';
import type { Finding } from '../../core/hygiene/types';
import type { InstanceConfig } from '../../core/instances';
import type { Namespace, Robot, Role } from '../../core/quay/types';
import { splitRobotName } from '../../core/robotName';
import type { CommandContext } from '../commandContext';
import { insertKeylessPullSecret } from '../manifests/externalSecretCommands';
import { applyGrants, confirmPlan, showBulkReport } from '../permissions/bulkChange';
import { MembershipRef, PrototypeRef, RobotRef } from '../../refs';
import { deletePrototype } from '../prototypes/prototypeCommands';
import { deleteRobot } from '../robots/deleteRobot';
import { rotateToken } from '../rotation/rotateToken';
import { rotateWithSuccessor } from '../rotation/successor';
import { removeFromTeam } from '../teams/teamMembership';
import { required } from '../prompts';

/** Where a fix was asked from a file (a quick fix): that file and line, so a manifest edit lands there. */
export interface FixPlace {
  readonly uri: vscode.Uri;
  /** 1-based. */
  readonly line: number;
}

/** A robot named by a finding, as the robot commands take it. Only its names are read by them. */
export function robotRef(instance: InstanceConfig, namespace: Namespace, fullName: string): RobotRef {
  const { shortName } = splitRobotName(fullName);
  const robot: Robot = { fullName, namespace: namespace.name, shortName, description: '', created: undefined, lastAccessed: undefined };
  return new RobotRef(instance.url, namespace, robot);
}

/**
 * Runs the fix a finding offers through the existing flow for it (house-style: plan → apply → report for grants,
 * the commands' own modals for delete, rotate, team and default permission, the successor and ExternalSecret flows).
 * Resolves when the flow ran to its end; throws UserCancelled (runCommand.ts) when the user backed out, like the commands.
 *
 * Only the finding's own data is used (the robot, its namespace, the repositories, teams and default permissions of
 * its evidence), and every grant is read again from Quay before a plan is made: a finding from an older review
 * plans nothing that is no longer so.
 */
export async function applyFix(c: CommandContext, instance: InstanceConfig, namespace: Namespace, finding: Finding, place?: FixPlace): Promise<void> {
  const fix = finding.fix;
  if (fix === undefined) throw new Error(vscode.l10n.t('The finding about {0} offers no fix.', finding.robot));
  const ref = robotRef(instance, namespace, finding.robot);
  switch (fix.kind) {
    case 'downgrade-to-read':
      return changeGrants(c, instance, namespace, finding, 'read');
    case 'revoke-grants':
      return changeGrants(c, instance, namespace, finding, undefined);
    case 'delete-robot':
      return deleteRobot(c, ref);
    case 'rotate':
      return rotateToken(c, ref);
    case 'rotate-and-dereference':
      await rotateToken(c, ref);
      offerReference(ref, place);
      return;
    case 'pull-only-successor':
    case 'descriptive-successor':
    case 'split-per-environment':
      return rotateWithSuccessor(c, ref);
    case 'keyless-external-secret':
      if (place !== undefined) await showPlace(place);
      return insertKeylessPullSecret(c, ref);
    case 'delete-default-permission':
      return deleteDefaultPermissions(c, instance, namespace, finding, ref);
    case 'remove-from-team':
      return removeFromTeams(c, instance, namespace, finding);
  }
}

/** Opens a file at a finding's line (the evidence links and the ExternalSecret fix, which inserts at the cursor). */
export async function showPlace(place: FixPlace): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(place.uri);
  const line = Math.min(Math.max(place.line - 1, 0), Math.max(document.lineCount - 1, 0));
  const position = new vscode.Position(line, document.lineAt(line).firstNonWhitespaceCharacterIndex);
  return vscode.window.showTextDocument(document, { selection: new vscode.Range(position, position), preview: false });
}

/**
 * Downgrades (`read`) or revokes (`undefined`) the robot's write/admin grants the finding names — or, for a
 * downgrade whose finding lists none, every write/admin grant the robot holds — through the bulk plan, its runner and
 * its report.
 */
async function changeGrants(c: CommandContext, instance: InstanceConfig, namespace: Namespace, finding: Finding, to: Role | undefined): Promise<void> {
  const client = c.clients.get(instance.url);
  const short = splitRobotName(finding.robot).shortName;
  const current = new Map((await client.getRobotPermissions(namespace, short)).map((p) => [p.repository, p.role] as const));
  const named = (finding.evidence.repositories ?? []).map((r) => r.repository);
  const candidates = named.length > 0 || to === undefined ? named : [...current.keys()];
  // Only grants that still exist and that the change lowers: a downgrade never adds read where nothing is held.
  const repositories = candidates.filter((r) => {
    const role = current.get(r);
    return role !== undefined && (to === undefined || role === 'write' || role === 'admin');
  });
  const what = to === undefined ? vscode.l10n.t('Revoke unused grants of {0}', finding.robot) : vscode.l10n.t('Downgrade {0} to read', finding.robot);
  if (repositories.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0}: nothing to change, Quay no longer lists those grants.', what));
    return;
  }
  const changes = await confirmPlan(what, planBulk(repositories, current, to));
  const report = await applyGrants(c, instance.url, namespace, finding.robot, changes);
  await showBulkReport(c, what, report);
}

/** Deletes the default permissions the finding names (each behind the command's modal), then offers per-repository grants. */
async function deleteDefaultPermissions(c: CommandContext, instance: InstanceConfig, namespace: Namespace, finding: Finding, ref: RobotRef): Promise<void> {
  const ids = new Set((finding.evidence.prototypes ?? []).map((p) => p.id));
  const rules = (await c.clients.get(instance.url).listPrototypes(namespace.name)).filter((p) => ids.has(p.id));
  if (rules.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('The default permissions of {0} named by the finding no longer exist in {1}.', finding.robot, namespace.name));
    return;
  }
  for (const rule of rules) await deletePrototype(c, new PrototypeRef(instance.url, namespace.name, rule));
  const grant = vscode.l10n.t('Grant per Repository…');
  void vscode.window
    .showInformationMessage(vscode.l10n.t('{0} no longer gets a role on every new repository. Grant it the repositories it needs instead?', finding.robot), grant)
    .then((choice) => (choice === grant ? vscode.commands.executeCommand(Commands.grantRepositories, ref) : undefined));
}

/** Removes the robot from the team the finding names (picked when it names several), through the command's modal. */
async function removeFromTeams(c: CommandContext, instance: InstanceConfig, namespace: Namespace, finding: Finding): Promise<void> {
  const teams = (finding.evidence.teams ?? []).map((t) => t.team);
  if (teams.length === 0) throw new Error(vscode.l10n.t('The finding about {0} names no team.', finding.robot));
  let team = teams[0];
  if (teams.length > 1) {
    const picked = await required(vscode.window.showQuickPick(
      (finding.evidence.teams ?? []).map((t) => ({ label: t.team, description: t.role })),
      { title: vscode.l10n.t('Remove {0} from a team', finding.robot), ignoreFocusOut: true },
    ));
    team = picked.label;
  }
  await removeFromTeam(c, new MembershipRef(instance.url, namespace.name, team, finding.robot));
}

/**
 * After rotating a committed token: the file now holds the new token, and git's history still holds the old one
 * (dead since the rotation). Offers to replace the file's credential by a reference; does not wait for the answer.
 */
function offerReference(ref: RobotRef, place: FixPlace | undefined): void {
  const keyless = vscode.l10n.t('Keyless ExternalSecret…');
  const store = vscode.l10n.t('Reference from a SecretStore…');
  void vscode.window
    .showWarningMessage(
      vscode.l10n.t(
        'The old token of {0} is dead, but git history still holds it, and the file now holds the new one: replace the credential by a reference (an ExternalSecret) or a Secret kept out of git before committing.',
        ref.robot.fullName,
      ),
      keyless,
      store,
    )
    .then(async (choice) => {
      if (choice === undefined) return;
      if (place !== undefined) await showPlace(place);
      await vscode.commands.executeCommand(choice === keyless ? Commands.insertKeylessPullSecret : Commands.insertVaultPullSecret, ref);
    });
}
