import * as vscode from 'vscode';
import { Commands } from '../constants';
import { serviceAccountSubject } from '../core/federation/presets';
import { planAddImagePullSecret } from '../core/yaml/addImagePullSecret';
import { DIAGNOSTIC_MISSING_PULL_SECRET, DIAGNOSTIC_PULL_SECRET_MISMATCH, type DiagnosticCode } from '../core/yaml/diagnostics';
import type { TextEdit } from '../core/yaml/edits';
import { DIAGNOSTIC_ESO_REFRESH, DIAGNOSTIC_ESO_ROBOT, DIAGNOSTIC_ESO_URL, DIAGNOSTIC_GHA_ID_TOKEN, externalSecretChecks, type Finding } from '../core/yaml/externalSecretChecks';
import { filePullSecrets } from '../core/yaml/facts';
import type { ParsedManifests } from '../core/yaml/parse';
import { coveringSecrets, imagePulls, type ImagePull } from '../core/yaml/pullCredentials';
import type { PullSecretInfo } from '../core/yaml/pullSecrets';
import type { ManifestService } from './manifestService';
import { DIAGNOSTIC_ESO_ROBOT_UNKNOWN, DIAGNOSTIC_ESO_TRUST, DIAGNOSTIC_ROBOT_CANNOT_PULL, DIAGNOSTIC_SOURCE, type PullSecretDiagnostics } from './pullSecretDiagnostics';
import { commandAction, RefactorKinds, refactorsAt } from './pullSecretRefactors';

/** At most this many "Add imagePullSecrets: <name>" quick fixes per diagnostic; "Add imagePullSecrets…" lists all. */
const MAX_NAMED_FIXES = 3;

/** Every code our diagnostics carry (source `Quay`): a new code must say here which quick fixes it gets. */
type QuayDiagnosticCode = DiagnosticCode | Finding['code'] | typeof DIAGNOSTIC_ROBOT_CANNOT_PULL | typeof DIAGNOSTIC_ESO_ROBOT_UNKNOWN | typeof DIAGNOSTIC_ESO_TRUST;

/** What the quick fixes of one request read: the document as it is now, parsed once. */
interface FixContext {
  readonly document: vscode.TextDocument;
  readonly parsed: ParsedManifests;
  readonly pulls: readonly ImagePull[];
  /** The pull secrets of this file and of the rest of the workspace. */
  readonly known: readonly PullSecretInfo[];
  readonly findings: readonly Finding[];
  /** No quick fix was offered before this diagnostic's: its first named fix is the preferred one. */
  readonly first: boolean;
}

type QuickFixes = (diagnostic: vscode.Diagnostic, fix: FixContext) => vscode.CodeAction[];

/** A quick fix that applies core text edits to the document. */
function edit(document: vscode.TextDocument, title: string, edits: readonly TextEdit[], diagnostic: vscode.Diagnostic, isPreferred: boolean): vscode.CodeAction {
  const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  action.edit = new vscode.WorkspaceEdit();
  for (const e of edits) action.edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.text);
  action.diagnostics = [diagnostic];
  action.isPreferred = isPreferred;
  return action;
}

function preferred(action: vscode.CodeAction): vscode.CodeAction {
  action.isPreferred = true;
  return action;
}

/** An image on a Quay host without a pull secret, or with one for another registry: name a secret that covers it, or make one. */
function pullSecretFixes(diagnostic: vscode.Diagnostic, fix: FixContext): vscode.CodeAction[] {
  const at = fix.document.offsetAt(diagnostic.range.start);
  const fixArgs = { uri: fix.document.uri.toString(), offset: at };
  const pull = fix.pulls.find((p) => p.range.start === at);
  const names = pull === undefined ? [] : [...new Set(coveringSecrets(pull, fix.known).flatMap((s) => (s.name === undefined ? [] : [s.name])))];
  const actions: vscode.CodeAction[] = [];
  for (const name of names.slice(0, MAX_NAMED_FIXES)) {
    const plan = planAddImagePullSecret(fix.parsed, name, { target: { offset: at } });
    if (plan.status === 'changed') actions.push(edit(fix.document, vscode.l10n.t('Add imagePullSecrets: {0}', name), plan.edits, diagnostic, fix.first && actions.length === 0));
  }
  actions.push(
    commandAction(vscode.l10n.t('Insert pull-secret manifest for a robot and reference it…'), vscode.CodeActionKind.QuickFix, Commands.insertPullSecretManifest, { ...fixArgs, addToWorkload: true }, diagnostic),
    commandAction(vscode.l10n.t('Insert keyless pull secret (External Secrets) for a robot…'), vscode.CodeActionKind.QuickFix, Commands.insertKeylessPullSecret, fixArgs, diagnostic),
    commandAction(vscode.l10n.t('Add imagePullSecrets…'), vscode.CodeActionKind.QuickFix, Commands.addImagePullSecret, fixArgs, diagnostic),
  );
  return actions;
}

/** An ExternalSecrets check with a computed fix (core's `externalSecretChecks`): apply it. */
function findingFix(diagnostic: vscode.Diagnostic, fix: FixContext): vscode.CodeAction[] {
  const at = fix.document.offsetAt(diagnostic.range.start);
  const finding = fix.findings.find((f) => f.code === diagnostic.code && f.range.start === at);
  return finding?.fix === undefined ? [] : [edit(fix.document, finding.fix.title, finding.fix.edits, diagnostic, true)];
}

/**
 * Pull-secret code actions in Kubernetes YAML: quick fixes for the Quay diagnostics, one function per diagnostic
 * code, and the refactors of `pullSecretRefactors.ts`. Edits that need no question are computed here; the others
 * run a command that asks first.
 */
export class PullSecretCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = {
    providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, ...Object.values(RefactorKinds)],
  };

  /** The quick fixes of each code. */
  private readonly fixes: Record<QuayDiagnosticCode, QuickFixes> = {
    [DIAGNOSTIC_MISSING_PULL_SECRET]: pullSecretFixes,
    [DIAGNOSTIC_PULL_SECRET_MISMATCH]: pullSecretFixes,
    [DIAGNOSTIC_ROBOT_CANNOT_PULL]: (diagnostic, fix) => this.grantFixes(diagnostic, fix),
    [DIAGNOSTIC_ESO_TRUST]: (diagnostic, fix) => this.trustFixes(diagnostic, fix),
    [DIAGNOSTIC_ESO_REFRESH]: findingFix,
    [DIAGNOSTIC_ESO_ROBOT]: findingFix,
    [DIAGNOSTIC_ESO_URL]: findingFix,
    [DIAGNOSTIC_GHA_ID_TOKEN]: findingFix,
    // A robot that does not exist: nothing to compute; the message says what to do.
    [DIAGNOSTIC_ESO_ROBOT_UNKNOWN]: () => [],
  };

  constructor(
    private readonly manifests: ManifestService,
    private readonly diagnostics: PullSecretDiagnostics,
  ) {}

  async provideCodeActions(document: vscode.TextDocument, range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    if (!this.manifests.isManifest(document)) return [];
    const wanted = (kind: vscode.CodeActionKind) => context.only === undefined || context.only.contains(kind);
    const ours = wanted(vscode.CodeActionKind.QuickFix) ? context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE) : [];
    // Anything awaited comes before the parse: the edits are computed from the text as it is now.
    const workspaceSecrets = ours.length > 0 ? await this.manifests.workspaceSecrets(document.uri) : [];
    const parsed = this.manifests.parse(document);
    const offset = document.offsetAt(range.start);
    const yamlDocument = parsed.documentAt(offset);
    if (yamlDocument === undefined) return [];
    const actions: vscode.CodeAction[] = [];
    if (ours.length > 0) {
      const shared = {
        document,
        parsed,
        pulls: imagePulls(parsed, this.manifests.quayHosts()),
        known: [...filePullSecrets(parsed), ...workspaceSecrets],
        findings: externalSecretChecks(parsed).findings,
      };
      for (const diagnostic of ours) actions.push(...this.quickFixesFor(diagnostic, { ...shared, first: actions.length === 0 }));
    }
    const refactors = { parsed, yamlDocument, triggerKind: context.triggerKind, wanted, instances: this.manifests.quayHosts().length > 0 };
    return [...actions, ...refactorsAt(document, offset, refactors)];
  }

  /** The quick fixes of one of our diagnostics; a code of another version of the extension gets none. */
  quickFixesFor(diagnostic: vscode.Diagnostic, fix: FixContext): vscode.CodeAction[] {
    const code = diagnostic.code;
    return this.isOurs(code) ? this.fixes[code](diagnostic, fix) : [];
  }

  private isOurs(code: vscode.Diagnostic['code']): code is QuayDiagnosticCode {
    return typeof code === 'string' && Object.hasOwn(this.fixes, code);
  }

  /** The robot behind a pull secret cannot read the repository: grant it read. */
  private grantFixes(diagnostic: vscode.Diagnostic, fix: FixContext): vscode.CodeAction[] {
    return this.diagnostics
      .cannotPullAt(fix.document, diagnostic.range)
      .map((data) => preferred(commandAction(vscode.l10n.t('Grant read on {0}/{1} to {2}', data.namespace, data.repository, data.robot), vscode.CodeActionKind.QuickFix, Commands.grantReadForPull, data, diagnostic)));
  }

  /** A QuayAccessToken's robot does not trust the generator's service account: add the trust. */
  private trustFixes(diagnostic: vscode.Diagnostic, fix: FixContext): vscode.CodeAction[] {
    return this.diagnostics
      .missingTrustAt(fix.document, diagnostic.range)
      .map((data) => preferred(commandAction(vscode.l10n.t('Add trust for {0}', serviceAccountSubject(data.namespace, data.serviceAccount)), vscode.CodeActionKind.QuickFix, Commands.addKeylessTrustForServiceAccount, data, diagnostic)));
  }
}
