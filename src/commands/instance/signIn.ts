import * as vscode from 'vscode';
import { instanceLabel } from '../../core/instances';
import type { CommandContext } from '../commandContext';
import { pickInstance } from '../prompts';
import { askToken } from './askToken';

/** "Sign in again": replaces an instance's token (after a 401, or to change scopes). */
export async function signIn(c: CommandContext, node?: unknown): Promise<void> {
  const instance = await pickInstance(c.store, node, vscode.l10n.t('Sign in to which Quay instance?'));
  const { token, user } = await askToken(c, instance, vscode.l10n.t('Sign in to {0}', instanceLabel(instance)));
  await c.store.setToken(instance.url, token);
  c.logger.info(`Signed in to ${instance.url} as ${user.username}.`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Signed in to {0} as {1}.', instanceLabel(instance), user.username));
}
