import * as vscode from 'vscode';
import { KeyedDebounce } from './keyedDebounce';
import { robotNamespace } from '../core/k8s/credentials';
import { errorMessage, type Logger } from '../core/log';
import { diagnoseDocument } from '../core/yaml/diagnostics';
import type { ManifestDiagnostic } from '../core/yaml/diagnostics';
import { imagePulls, pullRobots, secretsOf } from '../core/yaml/pullCredentials';
import { filePullSecrets } from '../core/yaml/facts';
import type { InstanceStore } from '../host/instanceStore';
import type { ClientRegistry } from '../host/clientRegistry';
import type { CannotPullData, TrustFixData } from './fixData';
import type { ManifestService } from './manifestService';
import type { RepositoryAccess } from '../core/repositoryAccess';
import { isRobotName } from '../core/k8s/credentials';
import { kubernetesEntry } from '../core/federation/presets';
import { externalSecretChecks } from '../core/yaml/externalSecretChecks';
import type { QuayGenerator } from '../core/yaml/externalSecretChecks';
import type { FederationEntry } from '../core/quay/types';

export const DIAGNOSTIC_SOURCE = 'Quay';
/** The robot behind a pull secret has no read permission on the image's repository. */
export const DIAGNOSTIC_ROBOT_CANNOT_PULL = 'quay-robot-cannot-pull';

/** A QuayAccessToken's robot does not exist, or does not trust the generator's service account. */
export const DIAGNOSTIC_ESO_ROBOT_UNKNOWN = 'quay-eso-robot-unknown';
export const DIAGNOSTIC_ESO_TRUST = 'quay-eso-trust';

/** How long a robot's existence and trust list are reused between diagnostics runs. */
const ROBOT_FACTS_MS = 30_000;

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
  private readonly pending = new KeyedDebounce();
  /** "Grant read" data of the robot diagnostics currently shown, per document. */
  private readonly cannotPull = new Map<string, { range: vscode.Range; data: CannotPullData }[]>();
  /** "Add trust" data of the trust diagnostics currently shown, per document. */
  private readonly missingTrust = new Map<string, { range: vscode.Range; data: TrustFixData }[]>();
  /** Whether a robot exists and whom it trusts, by `<instance> <robot>`, for {@link ROBOT_FACTS_MS}. */
  private readonly robotFacts = new Map<string, { at: number; facts: Promise<readonly FederationEntry[] | undefined> }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly manifests: ManifestService,
    private readonly access: RepositoryAccess,
    store: InstanceStore,
    private readonly logger: Logger,
    private readonly clients: Pick<ClientRegistry, 'get'>,
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
    this.robotFacts.clear();
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  /** The "Grant read" data of a robot diagnostic of `document` that intersects `range`. */
  cannotPullAt(document: vscode.TextDocument, range: vscode.Range): CannotPullData[] {
    return (this.cannotPull.get(document.uri.toString()) ?? []).filter((c) => c.range.intersection(range) !== undefined).map((c) => c.data);
  }

  /** The "Add trust" data of a trust diagnostic of `document` that intersects `range`. */
  missingTrustAt(document: vscode.TextDocument, range: vscode.Range): TrustFixData[] {
    return (this.missingTrust.get(document.uri.toString()) ?? []).filter((c) => c.range.intersection(range) !== undefined).map((c) => c.data);
  }

  /** The robot's trust list, or undefined when the robot does not exist; errors (no access, offline) reject. */
  private trustOf(instanceUrl: string, robot: string): Promise<readonly FederationEntry[] | undefined> {
    const key = `${instanceUrl} ${robot}`;
    const cached = this.robotFacts.get(key);
    if (cached !== undefined && Date.now() - cached.at < ROBOT_FACTS_MS) return cached.facts;
    const ns = { kind: 'org' as const, name: robotNamespace(robot) };
    const client = this.clients.get(instanceUrl);
    const facts = client.listRobots(ns, { permissions: false, token: false }).then((robots) => (robots.some((r) => r.fullName === robot) ? client.getFederation(ns, robot) : undefined));
    this.robotFacts.set(key, { at: Date.now(), facts });
    return facts;
  }

  /** Checks a generator's robot against Quay: it exists, and trusts the generator's service account. */
  private async checkGenerator(document: vscode.TextDocument, g: QuayGenerator): Promise<{ diagnostic: vscode.Diagnostic; data?: TrustFixData } | undefined> {
    if (g.robot === undefined || !isRobotName(g.robot)) return undefined;
    const host = g.url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/.*$/, '');
    const instance = this.manifests.instanceForHost(host);
    if (instance === undefined) return undefined;
    const trust = await this.trustOf(instance.url, g.robot);
    const range = toRange(document, g.range);
    if (trust === undefined) {
      const d = new vscode.Diagnostic(range, vscode.l10n.t('Robot {0} does not exist on {1}: the generator cannot get credentials.', g.robot, instance.url), vscode.DiagnosticSeverity.Warning);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = DIAGNOSTIC_ESO_ROBOT_UNKNOWN;
      return { diagnostic: d };
    }
    if (g.namespace === undefined || g.serviceAccount === undefined) return undefined;
    const subject = kubernetesEntry('', g.namespace, g.serviceAccount).entry.subject;
    if (trust.some((e) => e.subject === subject)) return undefined;
    const d = new vscode.Diagnostic(
      range,
      vscode.l10n.t('Robot {0} has no federation entry for {1}: Quay refuses the generator\'s token exchange.', g.robot, subject),
      vscode.DiagnosticSeverity.Warning,
    );
    d.source = DIAGNOSTIC_SOURCE;
    d.code = DIAGNOSTIC_ESO_TRUST;
    return { diagnostic: d, data: { instanceUrl: instance.url, robot: g.robot, namespace: g.namespace, serviceAccount: g.serviceAccount } };
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (!this.manifests.isManifest(document)) return;
    this.pending.schedule(document.uri.toString(), delay, () => {
      this.update(document).catch((error: unknown) => this.logger.warn(`Diagnostics of ${document.uri.toString()} failed: ${errorMessage(error)}`));
    });
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    this.pending.cancel(key);
    this.cannotPull.delete(key);
    this.missingTrust.delete(key);
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
    const eso = externalSecretChecks(parsed);
    const base = [
      ...found.map((d) => this.toDiagnostic(document, d)),
      ...eso.findings.map((f) => {
        const d = new vscode.Diagnostic(toRange(document, f.range), f.message, vscode.DiagnosticSeverity.Warning);
        d.source = DIAGNOSTIC_SOURCE;
        d.code = f.code;
        return d;
      }),
    ];
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
    const generatorChecks = eso.generators.map((g) =>
      this.checkGenerator(document, g).catch((error: unknown) => {
        this.logger.debug(`No Quay check of QuayAccessToken ${g.name ?? ''}: ${errorMessage(error)}`);
        return undefined;
      }),
    );
    const extra = (await Promise.all(checks)).filter((x) => x !== undefined);
    const generators = (await Promise.all(generatorChecks)).filter((x) => x !== undefined);
    if (document.isClosed || document.version !== version) return;
    this.missingTrust.set(
      document.uri.toString(),
      generators.flatMap((x) => (x.data !== undefined ? [{ range: x.diagnostic.range, data: x.data }] : [])),
    );
    this.cannotPull.set(
      document.uri.toString(),
      extra.flatMap((x) => (x.data !== undefined ? [{ range: x.diagnostic.range, data: x.data }] : [])),
    );
    if (extra.length + generators.length > 0) this.collection.set(document.uri, [...base, ...extra.map((x) => x.diagnostic), ...generators.map((x) => x.diagnostic)]);
  }

  private toDiagnostic(document: vscode.TextDocument, d: ManifestDiagnostic): vscode.Diagnostic {
    const diagnostic = new vscode.Diagnostic(toRange(document, d.range), d.message, d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
    diagnostic.source = DIAGNOSTIC_SOURCE;
    diagnostic.code = d.code;
    return diagnostic;
  }

  dispose(): void {
    this.pending.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
