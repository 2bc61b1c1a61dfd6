import * as vscode from 'vscode';
import { Commands } from '../constants';
import { serviceAccountSubject } from '../core/federation/presets';
import { planAddImagePullSecret } from '../core/yaml/addImagePullSecret';
import { DIAGNOSTIC_MISSING_PULL_SECRET, DIAGNOSTIC_PULL_SECRET_MISMATCH } from '../core/yaml/diagnostics';
import { coveringSecrets, imagePulls } from '../core/yaml/pullCredentials';
import { filePullSecrets } from '../core/yaml/facts';
import { workloadsIn } from '../core/yaml/workloads';
import type { ManifestService } from './manifestService';
import { DIAGNOSTIC_ESO_TRUST, DIAGNOSTIC_SOURCE, type PullSecretDiagnostics } from './pullSecretDiagnostics';
import { externalSecretChecks } from '../core/yaml/externalSecretChecks';
import type { TextEdit } from '../core/yaml/edits';

/** A `.github/workflows/*.yml` file. */
function isWorkflow(document: vscode.TextDocument): boolean {
  return /\/\.github\/workflows\/[^/]+\.ya?ml$/.test(document.uri.path);
}

/** At most this many "Add imagePullSecrets: <name>" quick fixes per diagnostic; "Add imagePullSecrets…" lists all. */
const MAX_NAMED_FIXES = 3;

export const RefactorKinds = {
  addImagePullSecrets: vscode.CodeActionKind.Refactor.append('quay.imagePullSecrets'),
  insertPullSecret: vscode.CodeActionKind.Refactor.append('quay.pullSecret'),
  serviceAccount: vscode.CodeActionKind.Refactor.append('quay.serviceAccount'),
  rollout: vscode.CodeActionKind.Refactor.append('quay.rollout'),
  keyless: vscode.CodeActionKind.Refactor.append('quay.keyless'),
  vault: vscode.CodeActionKind.Refactor.append('quay.vault'),
  githubLogin: vscode.CodeActionKind.Refactor.append('quay.githubLogin'),
};

/**
 * Pull-secret code actions in Kubernetes YAML: quick fixes for the Quay diagnostics, and refactors offered
 * anywhere in a workload (disabled, with the reason, where the document cannot be edited safely). Edits that
 * need no question are computed here; the others run a command that asks first.
 */
export class PullSecretCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, ...Object.values(RefactorKinds)],
  };

  constructor(
    private readonly manifests: ManifestService,
    private readonly diagnostics: PullSecretDiagnostics,
  ) {}

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    if (!this.manifests.isManifest(document)) return [];
    const wanted = (kind: vscode.CodeActionKind) => context.only === undefined || context.only.contains(kind);
    const ours = wanted(vscode.CodeActionKind.QuickFix) ? context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE) : [];
    // Anything awaited comes before the parse: the edits below are computed from the text as it is now.
    const workspaceSecrets = ours.length > 0 ? await this.manifests.workspaceSecrets(document.uri) : [];
    const parsed = this.manifests.parse(document);
    const offset = document.offsetAt(range.start);
    const yamlDocument = parsed.documentAt(offset);
    if (yamlDocument === undefined) return [];
    const args = { uri: document.uri.toString(), offset };
    const actions: vscode.CodeAction[] = [];
    const command = (title: string, kind: vscode.CodeActionKind, id: string, commandArgs: unknown, diagnostic?: vscode.Diagnostic) => {
      const action = new vscode.CodeAction(title, kind);
      action.command = { title, command: id, arguments: [commandArgs] };
      if (diagnostic !== undefined) action.diagnostics = [diagnostic];
      return action;
    };

    const edit = (title: string, edits: readonly TextEdit[], diagnostic: vscode.Diagnostic) => {
      const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      for (const e of edits) action.edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.text);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      return action;
    };
    const findings = ours.length > 0 ? externalSecretChecks(parsed).findings : [];

    if (ours.length > 0) {
      const pulls = imagePulls(parsed, this.manifests.quayHosts());
      const known = [...filePullSecrets(parsed), ...workspaceSecrets];
      for (const diagnostic of ours) {
        const at = document.offsetAt(diagnostic.range.start);
        const fixArgs = { uri: args.uri, offset: at };
        if (diagnostic.code === DIAGNOSTIC_MISSING_PULL_SECRET || diagnostic.code === DIAGNOSTIC_PULL_SECRET_MISMATCH) {
          const pull = pulls.find((p) => p.range.start === at);
          const names = pull === undefined ? [] : [...new Set(coveringSecrets(pull, known).map((s) => s.name!))];
          for (const name of names.slice(0, MAX_NAMED_FIXES)) {
            const plan = planAddImagePullSecret(parsed, name, { target: { offset: at } });
            if (plan.status !== 'changed') continue;
            const action = new vscode.CodeAction(vscode.l10n.t('Add imagePullSecrets: {0}', name), vscode.CodeActionKind.QuickFix);
            action.edit = new vscode.WorkspaceEdit();
            for (const e of plan.edits) action.edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.text);
            action.diagnostics = [diagnostic];
            action.isPreferred = actions.length === 0;
            actions.push(action);
          }
          actions.push(
            command(vscode.l10n.t('Insert pull-secret manifest for a robot and reference it…'), vscode.CodeActionKind.QuickFix, Commands.insertPullSecretManifest, { ...fixArgs, addToWorkload: true }, diagnostic),
            command(vscode.l10n.t('Insert keyless pull secret (External Secrets) for a robot…'), vscode.CodeActionKind.QuickFix, Commands.insertKeylessPullSecret, fixArgs, diagnostic),
            command(vscode.l10n.t('Add imagePullSecrets…'), vscode.CodeActionKind.QuickFix, Commands.addImagePullSecret, fixArgs, diagnostic),
          );
        } else if (diagnostic.code === DIAGNOSTIC_ESO_TRUST) {
          for (const data of this.diagnostics.missingTrustAt(document, diagnostic.range)) {
            const subject = serviceAccountSubject(data.namespace, data.serviceAccount);
            const action = command(vscode.l10n.t('Add trust for {0}', subject), vscode.CodeActionKind.QuickFix, Commands.addKeylessTrustForServiceAccount, data, diagnostic);
            action.isPreferred = true;
            actions.push(action);
          }
        } else if (typeof diagnostic.code === 'string' && findings.some((f) => f.code === diagnostic.code)) {
          const f = findings.find((x) => x.code === diagnostic.code && x.range.start === at);
          if (f?.fix !== undefined) actions.push(edit(f.fix.title, f.fix.edits, diagnostic));
        } else {
          for (const data of this.diagnostics.cannotPullAt(document, diagnostic.range)) {
            const action = command(vscode.l10n.t('Grant read on {0}/{1} to {2}', data.namespace, data.repository, data.robot), vscode.CodeActionKind.QuickFix, Commands.grantReadForPull, data, diagnostic);
            action.isPreferred = true;
            actions.push(action);
          }
        }
      }
    }

    const instances = this.manifests.quayHosts().length > 0;
    if (isWorkflow(document) && instances && context.triggerKind === vscode.CodeActionTriggerKind.Invoke && wanted(RefactorKinds.githubLogin)) {
      actions.push(command(vscode.l10n.t('Add Quay keyless login step…'), RefactorKinds.githubLogin, Commands.addGithubKeylessLogin, args));
    }
    // Refactors only in Kubernetes objects (not in other YAML: CI workflows, Helm values…), and only when asked
    // (Ctrl+., the Refactor menu): the automatic lightbulb is kept for the diagnostics' fixes.
    if (yamlDocument.kind === undefined || context.triggerKind !== vscode.CodeActionTriggerKind.Invoke) return actions;
    const workload = workloadsIn(parsed, yamlDocument).length > 0;
    if (wanted(RefactorKinds.addImagePullSecrets)) {
      const action = command(vscode.l10n.t('Add imagePullSecrets…'), RefactorKinds.addImagePullSecrets, Commands.addImagePullSecret, args);
      const probe = planAddImagePullSecret(parsed, 'probe', { target: { offset } });
      if (probe.status === 'refused') action.disabled = { reason: probe.reason };
      actions.push(action);
    }
    // Without a configured instance there is no robot to take a pull secret from.
    if (instances && wanted(RefactorKinds.insertPullSecret)) {
      actions.push(command(vscode.l10n.t('Insert pull-secret manifest for a robot…'), RefactorKinds.insertPullSecret, Commands.insertPullSecretManifest, args));
    }
    if (instances && wanted(RefactorKinds.vault)) {
      actions.push(command(vscode.l10n.t('Reference the robot token from a SecretStore…'), RefactorKinds.vault, Commands.insertVaultPullSecret, args));
    }
    if (instances && wanted(RefactorKinds.keyless)) {
      actions.push(command(vscode.l10n.t('Insert keyless pull secret (External Secrets) for a robot…'), RefactorKinds.keyless, Commands.insertKeylessPullSecret, args));
    }
    if (workload && wanted(RefactorKinds.serviceAccount)) {
      actions.push(command(vscode.l10n.t('Add a pull secret to a ServiceAccount…'), RefactorKinds.serviceAccount, Commands.patchServiceAccount, args));
    }
    if (instances && wanted(RefactorKinds.rollout)) {
      actions.push(command(vscode.l10n.t('Roll out a pull secret to namespaces…'), RefactorKinds.rollout, Commands.rolloutPullSecret, args));
    }
    return actions;
  }
}
