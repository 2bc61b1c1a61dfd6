import type * as vscode from 'vscode';
import type { EditorContext } from '../codeActions/editorContext';
import type { CapabilityCache } from '../core/capabilities';
import type { InstanceConfig } from '../core/instances';
import type { Namespace, Robot } from '../core/quay/types';
import type { FaultPoint } from '../core/rotation/engine';
import type { TokenAgeTracker } from '../core/rotation/tokenAgeTracker';
import type { ClientRegistry } from '../host/clientRegistry';
import type { HygieneResults } from '../host/hygieneResults';
import type { InstanceStore } from '../host/instanceStore';
import type { OutputChannelLogger } from '../host/logger';
import type { PendingRotationStore } from '../host/pendingRotations';
import type { TreeNode } from '../views/nodes/treeNode';
import type { RegistryTreeProvider } from '../views/registryTreeProvider';

/**
 * The webview pages, which commands open without importing `src/webviews/` (the layer above them): implemented by
 * the panels, wired in extension.ts.
 */
export interface Pages {
  openRobot(c: CommandContext, target: { readonly instance: InstanceConfig; readonly namespace: Namespace; readonly robot: Robot }): void;
  openMatrix(c: CommandContext, instanceUrl: string, org: string): void;
  openHygiene(c: CommandContext, instance: InstanceConfig, org: string): void;
}

/** What command handlers may use; built once in extension.ts. */
export interface CommandContext {
  readonly store: InstanceStore;
  readonly clients: ClientRegistry;
  readonly tree: RegistryTreeProvider;
  readonly view: vscode.TreeView<TreeNode>;
  /** The YAML editor features (parses, workspace pull Secrets, permission checks, diagnostics). */
  readonly editor: EditorContext;
  readonly logger: OutputChannelLogger;
  /** Token ages (shared with the tree) and the rotations made here. */
  readonly tokenAges: TokenAgeTracker;
  /** Each instance's GET /config (version, features, ROBOTS_DISALLOW), shared with the tree. */
  readonly capabilities: CapabilityCache;
  /** Extension-wide memory (globalState): no secret in it. */
  readonly state: vscode.Memento;
  /** The OS keychain. */
  readonly secrets: vscode.SecretStorage;
  /** Unfinished rotations (the old token in the keychain until every place is updated). */
  readonly pendingRotations: PendingRotationStore;
  /** Test builds only (`QUAY_TEST_FAULT`, `core/rotation/testFault.ts`): ends the extension host at a rotation's fault point. */
  readonly testFault?: (point: FaultPoint) => void;
  /** The extension's folder: webview panels load their pages from `webview-ui/dist` under it. */
  readonly extensionUri: vscode.Uri;
  /** The last hygiene review of each organization (tree marks, file diagnostics). */
  readonly hygiene: HygieneResults;
  readonly pages: Pages;
}
