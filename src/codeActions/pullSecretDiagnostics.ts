import * as vscode from 'vscode';
import { robotNamespace } from '../core/k8s/credentials';
import type { Logger } from '../core/log';
import { diagnoseDocument } from '../core/yaml/diagnostics';
import type { ManifestDiagnostic } from '../core/yaml/diagnostics';
import { imagePulls, pullRobots, secretsOf } from '../core/yaml/pullCredentials';
import { filePullSecrets } from '../core/yaml/facts';
import type { InstanceStore } from '../host/instanceStore';
import type { ManifestService } from './manifestService';
import type { RepositoryAccess } from '../core/repositoryAccess';

export const DIAGNOSTIC_SOURCE = 'Quay';
/** The robot behind a pull secret has no read permission on the image's repository. */
export const DIAGNOSTIC_ROBOT_CANNOT_PULL = 'quay-robot-cannot-pull';

/** What the "Grant read" quick fix needs, kept per diagnostic. */
export interface CannotPullData {
  readonly instanceUrl: string;
  readonly namespace: string;
  readonly repository: string;
  readonly robot: string;
  readonly secret: string;
}

/** Delay after the last keystroke before a document is diagnosed again. */
const DEBOUNCE_MS = 250;

function toRange(document: vscode.TextDocument, range: { start: number; end: number }): vscode.Range {
  return new vscode.Range(document.positionAt(range.start), document.positionAt(range.end));
}

/**
 * Pull-secret diagnostics on open YAML manifests (images on the configured Quay hosts): no pull secret
 * (Information), a pull secret whose credentials are for another registry (Warning), and, checked through
 * the API after that, a robot behind the pull secret that cannot read the repository (Warning).
 */
export class PullSecretDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('quay');
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** "Grant read" data of the robot diagnostics currently shown, per document. */
  private readonly cannotPull = new Map<string, { range: vscode.Range; data: CannotPullData }[]>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly manifests: ManifestService,
    private readonly access: RepositoryAccess,
    store: InstanceStore,
    private readonly logger: Logger,
  ) {
    this.disposables.push(
      this.collection,
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      manifests.onDidChangeSecrets(() => this.refreshAll()),
      store.onDidChange(() => this.refreshAll()),
    );
    this.refreshAll();
  }

  /** Diagnoses every open manifest again (instances, workspace Secrets or permissions changed). */
  refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** The "Grant read" data of a robot diagnostic of `document` that intersects `range`. */
  cannotPullAt(document: vscode.TextDocument, range: vscode.Range): CannotPullData[] {
    return (this.cannotPull.get(document.uri.toString()) ?? []).filter((c) => c.range.intersection(range) !== undefined).map((c) => c.data);
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (!this.manifests.isManifest(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.update(document).catch((error: unknown) => this.logger.warn(`Diagnostics of ${document.uri.toString()} failed: ${error instanceof Error ? error.message : String(error)}`));
      }, delay),
    );
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.cannotPull.delete(key);
    this.collection.delete(uri);
  }

  private async update(document: vscode.TextDocument): Promise<void> {
    if (document.isClosed) return;
    const version = document.version;
    const quayHosts = this.manifests.quayHosts();
    const workspaceSecrets = await this.manifests.workspaceSecrets(document.uri);
    if (document.isClosed || document.version !== version) return;
    const parsed = this.manifests.parse(document);
    const found = diagnoseDocument(parsed, { quayHosts, workspaceSecrets });
    const base = found.map((d) => this.toDiagnostic(document, d));
    this.collection.set(document.uri, base);

    // Then what only Quay knows: can the robot behind each pull secret read the repository?
    const known = [...filePullSecrets(parsed), ...workspaceSecrets];
    const flagged = new Set(found.map((d) => d.range.start));
    const checks = imagePulls(parsed, quayHosts)
      .filter((p) => !flagged.has(p.range.start) && p.secrets.length > 0 && !secretsOf(p, known).includes(undefined))
      .map(async (pull) => {
        const instance = this.manifests.instanceForHost(pull.ref.host);
        const robots = pullRobots(pull, known);
        if (instance === undefined || robots.length === 0) return undefined;
        const repo = { namespace: pull.ref.namespace, name: pull.ref.repository };
        const answers = await Promise.all(robots.map((r) => this.access.canPull(instance, repo, r.robot)));
        // Any robot that can pull (or that we cannot judge) is enough for the kubelet.
        if (!answers.every((a) => a.kind === 'cannot')) return undefined;
        // Quay grants a robot access only to repositories of its own namespace.
        const grantable = robots.find((x) => robotNamespace(x.robot) === repo.namespace);
        const names = robots.map((x) => x.robot).join(', ');
        let message = vscode.l10n.t(
          'Robot {0} (pull secret "{1}", from {2}) has no read permission on {3}/{4} at {5}; pulling {6} will fail with "unauthorized".',
          names,
          (grantable ?? robots[0]).secret,
          pull.via,
          repo.namespace,
          repo.name,
          pull.ref.host,
          pull.image,
        );
        if (grantable === undefined) message += ` ${vscode.l10n.t('Quay gives robots access only to repositories of their own namespace: use a pull secret of a robot of {0}.', repo.namespace)}`;
        const diagnostic = new vscode.Diagnostic(toRange(document, pull.range), message, vscode.DiagnosticSeverity.Warning);
        diagnostic.source = DIAGNOSTIC_SOURCE;
        diagnostic.code = DIAGNOSTIC_ROBOT_CANNOT_PULL;
        const data = grantable && { instanceUrl: instance.url, namespace: repo.namespace, repository: repo.name, robot: grantable.robot, secret: grantable.secret };
        return { diagnostic, data };
      });
    const extra = (await Promise.all(checks)).filter((x) => x !== undefined);
    if (document.isClosed || document.version !== version) return;
    this.cannotPull.set(
      document.uri.toString(),
      extra.flatMap((x) => (x.data !== undefined ? [{ range: x.diagnostic.range, data: x.data }] : [])),
    );
    if (extra.length > 0) this.collection.set(document.uri, [...base, ...extra.map((x) => x.diagnostic)]);
  }

  private toDiagnostic(document: vscode.TextDocument, d: ManifestDiagnostic): vscode.Diagnostic {
    const diagnostic = new vscode.Diagnostic(toRange(document, d.range), d.message, d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
    diagnostic.source = DIAGNOSTIC_SOURCE;
    diagnostic.code = d.code;
    return diagnostic;
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
