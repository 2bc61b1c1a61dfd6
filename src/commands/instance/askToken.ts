import * as vscode from 'vscode';
import { instanceHost, type InstanceConfig } from '../../core/instances';
import type { CurrentUser } from '../../core/quay/types';
import { checkToken } from '../../core/signIn';
import type { CommandContext } from '../commandContext';
import { inputWithCheck } from '../prompts';

/** Asks for a token for `instance` and checks it against Quay before anything is stored. */
export function askToken(c: CommandContext, instance: InstanceConfig, title: string): Promise<{ token: string; user: CurrentUser }> {
  const host = instanceHost(instance);
  return inputWithCheck({
    title,
    prompt: vscode.l10n.t(
      'OAuth access token for {0} (Quay: Organization → Applications → Generate Token). Needs user:read; managing robots needs org:admin, repo:admin and user:admin. Stored in the OS keychain only.',
      host,
    ),
    placeholder: vscode.l10n.t('Paste the token'),
    password: true,
    validate: (v) => (v.trim() === '' ? vscode.l10n.t('Paste a token') : /\s/.test(v.trim()) ? vscode.l10n.t('A token has no spaces') : undefined),
    check: async (value, signal) => {
      const token = value.trim();
      const client = c.clients.create(instance, () => Promise.resolve(token));
      try {
        const outcome = await checkToken(client, host, signal);
        if (!outcome.ok) {
          c.logger.warn(`Token check for ${instance.url} failed (${outcome.reason}): ${outcome.message}`);
          return { ok: false, message: c.logger.clean(outcome.message) };
        }
        return { ok: true, result: { token, user: outcome.user } };
      } finally {
        await client.close();
      }
    },
  });
}
