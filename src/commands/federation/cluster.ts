import * as vscode from 'vscode';
import { KubectlError, type Kubectl } from '../../core/k8s/kubectl';
import { kubectlFromSettings } from '../../host/kubectl';
import { UserCancelled } from '../runCommand';
import { required } from '../prompts';

/** A ServiceAccount, as `system:serviceaccount:<namespace>:<name>` names it. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/** A kubeconfig context, the current one first. */
export async function pickContext(title: string): Promise<{ kubectl: Kubectl; context: string }> {
  const kubectl = kubectlFromSettings();
  const { names, current } = await kubectl.contexts();
  if (names.length === 0) throw new Error(vscode.l10n.t('The kubeconfig has no context: kubectl config get-contexts lists none.'));
  const ordered = current !== undefined ? [current, ...names.filter((n) => n !== current)] : names;
  const picked =
    ordered.length === 1
      ? ordered[0]
      : (await vscode.window.showQuickPick(
          ordered.map((n) => ({ label: n, ...(n === current ? { description: vscode.l10n.t('current context') } : {}) })),
          { title, placeHolder: vscode.l10n.t('Kubernetes context'), ignoreFocusOut: true },
        ))?.label;
  if (picked === undefined) throw new UserCancelled();
  return { kubectl, context: picked };
}

/** The cluster's service account issuer, from its discovery document (`kubectl get --raw /.well-known/openid-configuration`). */
export async function clusterIssuer(kubectl: Kubectl, context: string): Promise<string> {
  const text = await kubectl.getRaw(context, '/.well-known/openid-configuration');
  let issuer: unknown;
  try {
    issuer = (JSON.parse(text) as { issuer?: unknown } | null)?.issuer;
  } catch {
    issuer = undefined;
  }
  if (typeof issuer !== 'string' || issuer === '') {
    throw new Error(vscode.l10n.t('The discovery document of context "{0}" names no issuer: is service account issuer discovery enabled?', context));
  }
  return issuer;
}

/**
 * The ServiceAccounts of a context the user may list (all namespaces), with `first` (e.g. from the robot's entries
 * or the open YAML) on top; when listing is refused, only those and typing remain.
 */
export async function pickClusterServiceAccount(kubectl: Kubectl, context: string, title: string, first: readonly (ServiceAccountRef & { why: string })[] = []): Promise<ServiceAccountRef> {
  type Item = vscode.QuickPickItem & { sa?: ServiceAccountRef };
  let listed: ServiceAccountRef[] = [];
  let note: string | undefined;
  try {
    const list = (await kubectl.getJson(context, ['serviceaccounts', '--all-namespaces'])) as { items?: { metadata?: { namespace?: unknown; name?: unknown } }[] } | null;
    listed = (list?.items ?? []).flatMap((i) =>
      typeof i.metadata?.namespace === 'string' && typeof i.metadata.name === 'string' ? [{ namespace: i.metadata.namespace, name: i.metadata.name }] : [],
    );
  } catch (error) {
    if (!(error instanceof KubectlError) || error.kind === 'missing' || error.kind === 'untrusted' || error.kind === 'unreachable') throw error;
    note = error.message;
  }
  const key = (s: ServiceAccountRef): string => `${s.namespace}/${s.name}`;
  const firstKeys = new Set(first.map(key));
  const typed: Item = { label: vscode.l10n.t('$(edit) Type the namespace and name…'), ...(note !== undefined ? { detail: note } : {}) };
  const picked = await vscode.window.showQuickPick<Item>(
    [
      ...first.map((s) => ({ label: key(s), description: s.why, sa: s })),
      ...listed.filter((s) => !firstKeys.has(key(s))).map((s) => ({ label: key(s), description: vscode.l10n.t('in {0}', context), sa: s })),
      typed,
    ],
    { title, placeHolder: vscode.l10n.t('ServiceAccount (namespace/name)'), ignoreFocusOut: true, matchOnDescription: true },
  );
  if (picked === undefined) throw new UserCancelled();
  if (picked.sa !== undefined) return picked.sa;
  const value = await required(vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('namespace/name of the ServiceAccount'),
    ignoreFocusOut: true,
    validateInput: (v) => (/^[a-z0-9.-]+\/[a-z0-9.-]+$/.test(v.trim()) ? undefined : vscode.l10n.t('namespace/name, e.g. prod/app')),
  }));
  const [namespace = '', name = ''] = value.trim().split('/');
  return { namespace, name };
}
