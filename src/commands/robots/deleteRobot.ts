import * as vscode from 'vscode';
import { nodeIds } from '../../views/nodeIds';
import type { CommandContext } from '../commandContext';
import { resolveRobot } from '../pickers';
import { UserCancelled } from '../runCommand';

/** "Delete Robot Account", behind a modal that names the robot and states the consequences. */
export async function deleteRobot(c: CommandContext, node?: unknown): Promise<void> {
  const { instance, namespace, robot } = await resolveRobot(c, node, vscode.l10n.t('Delete Robot Account'));
  const remove = vscode.l10n.t('Delete Robot');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Delete robot {0}?', robot.fullName),
    {
      modal: true,
      detail: vscode.l10n.t(
        'Its token stops working at once: every cluster, pipeline or docker login using it fails. Its repository permissions, team memberships and default permissions are removed. This cannot be undone.',
      ),
    },
    remove,
  );
  if (choice !== remove) throw new UserCancelled();
  await c.clients.get(instance.url).deleteRobot(namespace, robot.shortName);
  c.logger.info(`Deleted robot ${robot.fullName} on ${instance.url}.`);
  c.tree.refreshIds([nodeIds.robots(instance.url, namespace), nodeIds.robot(instance.url, namespace, robot.shortName), nodeIds.prototypes(instance.url, namespace), nodeIds.teams(instance.url, namespace), nodeIds.repositories(instance.url, namespace)]);
  void vscode.window.showInformationMessage(vscode.l10n.t('Deleted robot {0}.', robot.fullName));
}
