import * as vscode from 'vscode';
import { instanceHost, type InstanceConfig } from '../core/instances';
import { errorMessage, type Logger } from '../core/log';
import { ManifestParseCache } from '../core/yaml/parseCache';
import { parseManifests } from '../core/yaml/parse';
import type { ParsedManifests } from '../core/yaml/parse';
import { filePullSecrets } from '../core/yaml/facts';
import type { PullSecretInfo } from '../core/yaml/pullSecrets';
import type { InstanceStore } from '../host/instanceStore';
import { workspaceYamlFiles, YAML_GLOB } from '../host/workspaceYaml';

/** A pull Secret found in another file of the workspace. */
export interface WorkspaceSecret extends PullSecretInfo {
  readonly uri: vscode.Uri;
}

/** Only files mentioning a docker-config Secret type are parsed. */
const SECRET_HINT = 'kubernetes.io/dockerc';

/** What diagnostics depend on in a file's Secrets (names, namespaces, registries and users). */
function fingerprint(secrets: readonly PullSecretInfo[] = []): string {
  return JSON.stringify(secrets.map((s) => [s.name, s.namespace, s.entries]));
}

/**
 * What the editor features share: one parse per document version (re-parsed incrementally as the user types),
 * the hosts of the configured Quay instances, and an index of the pull Secrets written in the workspace's
 * YAML files (kept current by a file watcher).
 */
export class ManifestService implements vscode.Disposable {
  private readonly parses = new ManifestParseCache();
  private index: Promise<Map<string, WorkspaceSecret[]>> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** The workspace's pull Secrets changed (a file was saved, created or deleted). */
  readonly onDidChangeSecrets = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: InstanceStore,
    private readonly logger: Logger,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(YAML_GLOB);
    const reindex = (uri: vscode.Uri) => void this.reindex(uri);
    this.disposables.push(
      watcher,
      watcher.onDidChange(reindex),
      watcher.onDidCreate(reindex),
      watcher.onDidDelete(reindex),
      vscode.workspace.onDidSaveTextDocument((d) => reindex(d.uri)),
      vscode.workspace.onDidCloseTextDocument((d) => this.parses.delete(d.uri.toString())),
      this.changed,
    );
  }

  /** YAML files (and untitled YAML documents) are the manifests the features look at. */
  isManifest(document: vscode.TextDocument): boolean {
    return document.languageId === 'yaml' && (document.uri.scheme === 'file' || document.uri.scheme === 'untitled');
  }

  /** The parse of the document's current version. */
  parse(document: vscode.TextDocument): ParsedManifests {
    return this.parses.get(document.uri.toString(), document.version, document.getText());
  }

  /** `host[:port]` of every configured instance. */
  quayHosts(): string[] {
    return this.store.list().map(instanceHost);
  }

  /** The configured instance serving registry host `host` (lower-case `host[:port]`). */
  instanceForHost(host: string): InstanceConfig | undefined {
    return this.store.list().find((i) => instanceHost(i).toLowerCase() === host);
  }

  /** Pull Secrets of every workspace YAML file but `except` (whose own Secrets the caller reads from its parse). */
  async workspaceSecrets(except?: vscode.Uri): Promise<WorkspaceSecret[]> {
    const index = await (this.index ??= this.scan());
    const skip = except?.toString();
    return [...index.entries()].filter(([key]) => key !== skip).flatMap(([, secrets]) => secrets);
  }

  private async scan(): Promise<Map<string, WorkspaceSecret[]>> {
    const index = new Map<string, WorkspaceSecret[]>();
    const started = Date.now();
    const files = await workspaceYamlFiles();
    await Promise.all(files.map(async (uri) => index.set(uri.toString(), await this.read(uri))));
    for (const [key, secrets] of index) if (secrets.length === 0) index.delete(key);
    this.logger.debug(`Indexed ${files.length} YAML file(s) in ${Date.now() - started} ms: ${[...index.values()].flat().length} pull Secret(s).`);
    return index;
  }

  private async read(uri: vscode.Uri): Promise<WorkspaceSecret[]> {
    try {
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      if (!text.includes(SECRET_HINT)) return [];
      return filePullSecrets(parseManifests(text)).map((s) => ({ ...s, uri }));
    } catch (error) {
      // Deleted meanwhile, unreadable, or a folder named *.yaml: it holds no Secret we can use.
      this.logger.debug(`Skipped ${uri.toString()}: ${errorMessage(error)}`);
      return [];
    }
  }

  private async reindex(uri: vscode.Uri): Promise<void> {
    if (this.index === undefined || !/\.ya?ml$/i.test(uri.path)) return;
    const index = await this.index;
    const secrets = await this.read(uri);
    const key = uri.toString();
    const before = fingerprint(index.get(key));
    if (secrets.length === 0) index.delete(key);
    else index.set(key, secrets);
    if (fingerprint(secrets) !== before) this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.parses.clear();
  }
}
