import * as vscode from 'vscode';
import { Commands } from '../constants';
import { planAddImagePullSecret } from '../core/yaml/addImagePullSecret';
import type { ManifestDocument, ParsedManifests } from '../core/yaml/parse';
import { workloadsIn } from '../core/yaml/workloads';

export const RefactorKinds = {
  addImagePullSecrets: vscode.CodeActionKind.Refactor.append('quay.imagePullSecrets'),
  insertPullSecret: vscode.CodeActionKind.Refactor.append('quay.pullSecret'),
  serviceAccount: vscode.CodeActionKind.Refactor.append('quay.serviceAccount'),
  rollout: vscode.CodeActionKind.Refactor.append('quay.rollout'),
  keyless: vscode.CodeActionKind.Refactor.append('quay.keyless'),
  vault: vscode.CodeActionKind.Refactor.append('quay.vault'),
  githubLogin: vscode.CodeActionKind.Refactor.append('quay.githubLogin'),
};

/** A code action that runs one of our commands (which asks what it needs first). */
export function commandAction(title: string, kind: vscode.CodeActionKind, id: string, commandArgs: unknown, diagnostic?: vscode.Diagnostic): vscode.CodeAction {
  const action = new vscode.CodeAction(title, kind);
  action.command = { title, command: id, arguments: [commandArgs] };
  if (diagnostic !== undefined) action.diagnostics = [diagnostic];
  return action;
}

/** A `.github/workflows/*.yml` file. */
function isWorkflow(document: vscode.TextDocument): boolean {
  return /\/\.github\/workflows\/[^/]+\.ya?ml$/.test(document.uri.path);
}

export interface RefactorContext {
  readonly parsed: ParsedManifests;
  /** The YAML document holding the offset. */
  readonly yamlDocument: ManifestDocument;
  readonly triggerKind: vscode.CodeActionTriggerKind;
  /** Whether the request asks for actions of this kind (`context.only`). */
  readonly wanted: (kind: vscode.CodeActionKind) => boolean;
  /** Whether a Quay instance is configured. */
  readonly instances: boolean;
}

/**
 * The refactors offered at `offset` (disabled, with the reason, where the document cannot be edited safely): only
 * when asked (Ctrl+., the Refactor menu), and, but for the workflow login step, only in Kubernetes objects.
 */
export function refactorsAt(document: vscode.TextDocument, offset: number, r: RefactorContext): vscode.CodeAction[] {
  if (r.triggerKind !== vscode.CodeActionTriggerKind.Invoke) return [];
  const args = { uri: document.uri.toString(), offset };
  const actions: vscode.CodeAction[] = [];
  if (isWorkflow(document) && r.instances && r.wanted(RefactorKinds.githubLogin)) {
    actions.push(commandAction(vscode.l10n.t('Add Quay keyless login step…'), RefactorKinds.githubLogin, Commands.addGithubKeylessLogin, args));
  }
  // Not in other YAML (CI workflows, Helm values…); the automatic lightbulb is kept for the diagnostics' fixes.
  if (r.yamlDocument.kind === undefined) return actions;
  const workload = workloadsIn(r.parsed, r.yamlDocument).length > 0;
  if (r.wanted(RefactorKinds.addImagePullSecrets)) {
    const action = commandAction(vscode.l10n.t('Add imagePullSecrets…'), RefactorKinds.addImagePullSecrets, Commands.addImagePullSecret, args);
    const probe = planAddImagePullSecret(r.parsed, 'probe', { target: { offset } });
    if (probe.status === 'refused') action.disabled = { reason: probe.reason };
    actions.push(action);
  }
  // Without a configured instance there is no robot to take a pull secret from.
  if (r.instances && r.wanted(RefactorKinds.insertPullSecret)) {
    actions.push(commandAction(vscode.l10n.t('Insert pull-secret manifest for a robot…'), RefactorKinds.insertPullSecret, Commands.insertPullSecretManifest, args));
  }
  if (r.instances && r.wanted(RefactorKinds.vault)) {
    actions.push(commandAction(vscode.l10n.t('Reference the robot token from a SecretStore…'), RefactorKinds.vault, Commands.insertVaultPullSecret, args));
  }
  if (r.instances && r.wanted(RefactorKinds.keyless)) {
    actions.push(commandAction(vscode.l10n.t('Insert keyless pull secret (External Secrets) for a robot…'), RefactorKinds.keyless, Commands.insertKeylessPullSecret, args));
  }
  if (workload && r.wanted(RefactorKinds.serviceAccount)) {
    actions.push(commandAction(vscode.l10n.t('Add a pull secret to a ServiceAccount…'), RefactorKinds.serviceAccount, Commands.patchServiceAccount, args));
  }
  if (r.instances && r.wanted(RefactorKinds.rollout)) {
    actions.push(commandAction(vscode.l10n.t('Roll out a pull secret to namespaces…'), RefactorKinds.rollout, Commands.rolloutPullSecret, args));
  }
  return actions;
}
