import * as vscode from 'vscode';
import { nodeIds } from '../../views/nodeIds';
import type { CommandContext } from '../commandContext';
import { resolveRobot } from '../pickers';
import { UserCancelled } from '../runCommand';
import { checkMirrors, explainDeleteFailure, mirrorNotes, refuseForMirror } from './mirrorCheck';

/**
 * "Delete Robot Account", behind a modal that names the robot and states the consequences. Before it, the mirrors
 * that push with the robot are looked up (mirrorCheck.ts): a repository mirror's robot is not offered for deletion
 * (Quay refuses it), an organization mirror that would go with it is named; Quay's refusal, if the check could not
 * see the mirror, says what to do.
 */
export async function deleteRobot(c: CommandContext, node?: unknown): Promise<void> {
  const { instance, namespace, robot } = await resolveRobot(c, node, vscode.l10n.t('Delete Robot Account'));
  const mirrors = await checkMirrors(c, instance, namespace, robot.fullName);
  if (mirrors.repositories.length > 0) await refuseForMirror(instance, mirrors, robot.fullName);
  const remove = vscode.l10n.t('Delete Robot');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete robot {0}?', robot.fullName),
    {
      modal: true,
      detail: [
        vscode.l10n.t(
          'Its token stops working at once: every cluster, pipeline or docker login using it fails. Its repository permissions, team memberships and default permissions are removed. This cannot be undone.',
        ),
        ...mirrorNotes(mirrors, robot.fullName),
      ].join('\n'),
    },
    remove,
  );
  if (choice !== remove) throw new UserCancelled();
  try {
    await c.clients.get(instance.url).deleteRobot(namespace, robot.shortName);
  } catch (error) {
    throw explainDeleteFailure(error, mirrors, robot.fullName);
  }
  c.logger.info(`Deleted robot ${robot.fullName} on ${instance.url}.`);
  c.tree.refreshIds([nodeIds.robots(instance.url, namespace), nodeIds.robot(instance.url, namespace, robot.shortName), nodeIds.prototypes(instance.url, namespace), nodeIds.teams(instance.url, namespace), nodeIds.repositories(instance.url, namespace)]);
  void vscode.window.showInformationMessage(vscode.l10n.t('Deleted robot {0}.', robot.fullName));
}
