import * as vscode from 'vscode';
import { forceSync, type ClusterExternalSecret, type ForceSyncResult } from '../../core/k8s/clusterExternalSecrets';
import type { Kubectl } from '../../core/k8s/kubectl';
import type { VaultExternalSecret } from '../../core/rotation/externalSecrets';
import type { WorkspaceExternalSecret } from '../../core/rotation/places';
import { FORCE_SYNC_ANNOTATION } from '../../core/rotation/externalSecrets';

/**
 * Vault-backed ExternalSecrets in a rotation (AGENTS.md, "Token rotation"): they keep rendering the old token until their next
 * refresh, so the plan, the modal and the report list them as "update the vault, then refresh"; in the clusters the
 * user picked, once the user says the vault holds the new token, ESO's documented `force-sync` annotation makes
 * the operator sync them at once (core/rotation/externalSecrets.ts explains why that works, and when it does not).
 */

/** "reads ClusterSecretStore/vault-backend quay/acme-ci#token, refreshes every 1h". */
export function readsFrom(es: VaultExternalSecret): string {
  const keys = es.remoteKeys.length > 0 ? ` ${es.remoteKeys.join(', ')}` : '';
  const every = es.refreshInterval !== undefined ? vscode.l10n.t(', refreshes every {0}', es.refreshInterval) : vscode.l10n.t(', refreshes every 1h (the default)');
  return vscode.l10n.t('reads {0}{1}{2}', es.store ?? vscode.l10n.t('its store'), keys, every);
}

export function clusterEsLabel(es: ClusterExternalSecret): string {
  return `${es.context} · ${es.namespace}/${es.name}`;
}

export function workspaceEsLabel(es: WorkspaceExternalSecret, display: (file: string) => string): string {
  return `${display(es.file)}:${es.line} ${es.namespace !== undefined ? `${es.namespace}/` : ''}${es.name}`;
}

/** The modal's and the report's lines: one per ExternalSecret, saying what to do. */
export function externalSecretLines(workspace: readonly WorkspaceExternalSecret[], clusters: readonly ClusterExternalSecret[], display: (file: string) => string): string[] {
  return [
    ...workspace.map((es) => vscode.l10n.t('Update the vault, then refresh: ExternalSecret {0} ({1})', workspaceEsLabel(es, display), readsFrom(es))),
    ...clusters.map((es) =>
      vscode.l10n.t('Update the vault, then refresh: ExternalSecret {0} ({1}){2}', clusterEsLabel(es), readsFrom(es), es.noForceSync !== undefined ? ` — ${es.noForceSync}` : ''),
    ),
  ];
}

/** The report's section. */
export function externalSecretReport(workspace: readonly WorkspaceExternalSecret[], clusters: readonly ClusterExternalSecret[], results: readonly ForceSyncResult[] | undefined, display: (file: string) => string): string[] {
  if (workspace.length === 0 && clusters.length === 0) return [];
  const lines = [
    `## ${vscode.l10n.t('Update the vault, then refresh ({0})', workspace.length + clusters.length)}`,
    '',
    vscode.l10n.t('These ExternalSecrets render the robot token kept in a secret store: until the store holds the new token and they refresh, their Secrets keep the old one, which Quay already refuses.'),
    '',
  ];
  for (const es of workspace) lines.push(`- \`${workspaceEsLabel(es, display)}\` ${readsFrom(es)}: ${vscode.l10n.t('update the vault, then refresh (`kubectl annotate externalsecret {0} {1}=$(date +%s) --overwrite`)', es.name, FORCE_SYNC_ANNOTATION)}`);
  for (const es of clusters) {
    const r = results?.find((x) => x.es === es);
    const state =
      r === undefined
        ? vscode.l10n.t('not refreshed from here: update the vault, then refresh')
        : r.outcome === 'annotated'
          ? vscode.l10n.t('refreshed ({0} set)', FORCE_SYNC_ANNOTATION)
          : r.outcome === 'skipped'
            ? vscode.l10n.t('not refreshed: {0}', r.reason ?? '')
            : vscode.l10n.t('refresh failed: {0}', r.reason ?? '');
    lines.push(`- \`${clusterEsLabel(es)}\` ${readsFrom(es)}: ${state}`);
  }
  lines.push('');
  return lines;
}

/**
 * After the regeneration: asks the user to put the new token in the vault (offering to copy it), and once they say
 * they did, sets `force-sync` on the picked cluster ExternalSecrets. Returns undefined when nothing was set (no
 * ExternalSecret picked, or the user chose Later).
 */
export async function offerForceSync(
  kubectl: Kubectl | undefined,
  picked: readonly ClusterExternalSecret[],
  all: number,
  newToken: string,
  users: { readonly oldUser: string; readonly newUser: string },
): Promise<ForceSyncResult[] | undefined> {
  const newUser = users.newUser;
  if (all === 0) return undefined;
  const refresh = vscode.l10n.t('Vault Updated: Refresh Now');
  const copy = vscode.l10n.t('Copy New Token');
  const buttons = kubectl !== undefined && picked.length > 0 ? [copy, refresh] : [copy];
  const detail = [
    vscode.l10n.t('Put the new token of {0} where the ExternalSecrets read it (the report lists the stores and keys).', newUser),
    ...(users.oldUser !== newUser ? [vscode.l10n.t('Their templates name {0}: change it to {1} in the ExternalSecrets too, or the Secrets pair the new token with the old name.', users.oldUser, newUser)] : []),
    ...(kubectl !== undefined && picked.length > 0
      ? [vscode.l10n.t('Then "{0}" sets the {1} annotation on the {2} picked in your clusters, and External Secrets syncs them at once.', refresh, FORCE_SYNC_ANNOTATION, picked.length)]
      : [vscode.l10n.t('Then refresh them (kubectl annotate externalsecret NAME {0}=$(date +%s) --overwrite), or wait for their refresh interval.', FORCE_SYNC_ANNOTATION)]),
  ].join('\n');
  const message = vscode.l10n.t('{0} ExternalSecrets still render the old token: update the vault, then refresh them.', all);
  let choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
  if (choice === copy) {
    await vscode.env.clipboard.writeText(newToken);
    if (!buttons.includes(refresh)) return undefined;
    choice = await vscode.window.showWarningMessage(vscode.l10n.t('The new token is on the clipboard. Refresh the ExternalSecrets once the vault holds it.'), { modal: true, detail }, refresh);
  }
  if (choice !== refresh || kubectl === undefined) return undefined;
  return forceSync(kubectl, picked);
}
