import * as vscode from 'vscode';
import { instanceLabel } from '../../core/instances';
import type { CommandContext } from '../commandContext';
import { pickInstance, } from '../prompts';
import { UserCancelled } from '../runCommand';

/** Removes an instance from the settings and deletes its token from the keychain, after a modal. */
export async function removeInstance(c: CommandContext, node?: unknown): Promise<void> {
  const instance = await pickInstance(c.store, node, vscode.l10n.t('Remove which Quay instance?'));
  const remove = vscode.l10n.t('Remove Instance');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Remove {0}?', instanceLabel(instance)),
    {
      modal: true,
      detail: vscode.l10n.t(
        'Its token is deleted from the OS keychain and it leaves the tree. Nothing changes on {0}: robots, permissions and the token itself stay valid there.',
        instance.url,
      ),
    },
    remove,
  );
  if (choice !== remove) throw new UserCancelled();
  await c.store.remove(instance.url);
  c.logger.info(`Removed ${instance.url} and deleted its token from the keychain.`);
}
