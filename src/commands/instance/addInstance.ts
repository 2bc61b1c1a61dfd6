import * as vscode from 'vscode';
import { checkInstanceUrl, isLoopbackHost, type InstanceConfig } from '../../core/instances';
import type { CommandContext } from '../commandContext';
import { UserCancelled } from '../runCommand';
import { askToken } from './askToken';
import { required } from '../prompts';

/** "Quay: Add Instance": URL, then token; the token is checked with GET /api/v1/user/ before it is stored. */
export async function addInstance(c: CommandContext): Promise<void> {
  const title = vscode.l10n.t('Add Quay Instance');
  const url = await required(vscode.window.showInputBox({
    title: `${title} (1/2)`,
    prompt: vscode.l10n.t('URL of the Quay instance: quay.io or your self-hosted Red Hat Quay'),
    value: 'https://quay.io',
    ignoreFocusOut: true,
    validateInput: (v) => {
      const check = checkInstanceUrl(v, true);
      return check.ok ? undefined : check.message;
    },
  }));
  let check = checkInstanceUrl(url);
  let allowHttp = false;
  if (!check.ok) {
    // Plain http to a host that is not loopback: only with an explicit, per-instance opt-in.
    const relaxed = checkInstanceUrl(url, true);
    if (!relaxed.ok) throw new Error(relaxed.message);
    const allow = vscode.l10n.t('Allow plain http for this instance');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} is plain http://', relaxed.origin),
      { modal: true, detail: vscode.l10n.t('Your token would cross the network unencrypted to {0}. Prefer https://.', relaxed.host) },
      allow,
    );
    if (choice !== allow) throw new UserCancelled();
    allowHttp = true;
    check = relaxed;
  }
  const existing = c.store.get(check.origin);
  const instance: InstanceConfig = existing ?? { url: check.origin, ...(allowHttp && !isLoopbackHost(new URL(check.origin).hostname) ? { allowHttp } : {}) };
  const { token, user } = await askToken(c, instance, `${title} (2/2)`);
  await c.store.save(instance, token);
  c.logger.info(`Added ${instance.url}, signed in as ${user.username} (${user.organizations.length} organizations).`);
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Connected to {0} as {1}.', check.host, user.username),
  );
}
