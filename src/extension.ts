import * as vscode from 'vscode';
import { HygieneCodeActions, HygieneDiagnostics } from './codeActions/hygieneDiagnostics';
import { ImageHoverProvider } from './codeActions/imageHover';
import { ManifestService } from './codeActions/manifestService';
import { PullSecretCodeActions } from './codeActions/pullSecretCodeActions';
import { PullSecretDiagnostics } from './codeActions/pullSecretDiagnostics';
import { RotationCodeLens } from './codeActions/rotationCodeLens';
import { remindDueRobots } from './commands/rotation/dueRobots';
import { offerUnfinishedRotations } from './commands/rotation/rotateToken';
import { RepositoryAccess } from './core/repositoryAccess';
import { CapabilityCache, feature } from './core/capabilities';
import { ContextKeys, Views } from './constants';
import { TokenAgeTracker } from './core/rotation/tokenAgeTracker';
import type { CommandContext } from './commands/commandContext';
import { registerCommands } from './commands/registerCommands';
import { ClientRegistry } from './host/clientRegistry';
import { HygieneResults } from './host/hygieneResults';
import { InstanceStore } from './host/instanceStore';
import { OutputChannelLogger } from './host/logger';
import { GlobalStateRotationMemory, SuccessorMemory } from './host/rotationMemory';
import { PendingRotationStore } from './host/pendingRotations';
import { testFaultFromEnv } from './core/rotation/testFault';
import { RobotNode } from './views/nodes/robotNode';
import { maxTokenAgeDays } from './host/settings';
import { RegistryTreeProvider } from './views/registryTreeProvider';
import { HygienePanel } from './webviews/hygienePanel';
import { MatrixPanel } from './webviews/matrixPanel';
import { showRobotPage } from './webviews/robotPanel';

/** Composition root: builds the object graph once, registers it, and nothing else. */
export function activate(context: vscode.ExtensionContext): void {
  const logger = new OutputChannelLogger('Quay');
  const store = new InstanceStore(context.secrets, logger);
  const clients = new ClientRegistry(store, logger.tagged('http'));
  // Each instance's GET /config, read once (the tree draws an instance after it) and kept until Refresh All.
  const capabilities = new CapabilityCache((id) => clients.get(id).getClientConfig());
  // Token ages redraw robot rows when they arrive; the tree exists only once the tracker does, hence the late binding.
  const ages: { tree?: RegistryTreeProvider } = {};
  const tokenAges = new TokenAgeTracker({
    source: (id) => clients.get(id),
    memory: new GlobalStateRotationMemory(context.globalState),
    logger: logger.tagged('rotation'),
    now: () => new Date(),
    logsAggregated: async (id) => feature(await capabilities.get(id), 'AGGREGATED_LOG_COUNT_RETRIEVAL'),
    // Only the robot rows of that namespace that are on screen and collapsed (see redrawRows).
    onDidUpdate: (id, ns) => ages.tree?.redrawRows((n) => n instanceof RobotNode && n.instanceUrl === id && n.namespace.kind === ns.kind && n.namespace.name === ns.name),
  });
  const hygiene = new HygieneResults();
  const tree = RegistryTreeProvider.create(store, (id) => clients.get(id), logger.tagged('tree'), {
    tokenAges,
    maxTokenAgeDays,
    hygiene,
    capabilities,
    successors: new SuccessorMemory(context.globalState),
  });
  ages.tree = tree;
  const view = vscode.window.createTreeView(Views.registry, { treeDataProvider: tree, showCollapseAll: true });
  const expansion = [view.onDidExpandElement((e) => tree.setExpanded(e.element, true)), view.onDidCollapseElement((e) => tree.setExpanded(e.element, false))];
  const manifests = new ManifestService(store, logger.tagged('yaml'));
  const access = new RepositoryAccess((url) => clients.get(url), logger.tagged('yaml'));
  const diagnostics = new PullSecretDiagnostics(manifests, access, store, logger.tagged('yaml'), clients);
  const yaml: vscode.DocumentSelector = [{ language: 'yaml', scheme: 'file' }, { language: 'yaml', scheme: 'untitled' }];
  const commandContext: CommandContext = {
    store,
    clients,
    tree,
    view,
    logger,
    editor: { manifests, access, diagnostics },
    tokenAges,
    capabilities,
    state: context.globalState,
    secrets: context.secrets,
    pendingRotations: new PendingRotationStore(context.secrets, context.globalState),
    testFault: testFaultFromEnv(process.env),
    extensionUri: context.extensionUri,
    hygiene,
    pages: { openRobot: showRobotPage, openMatrix: (c, url, org) => MatrixPanel.open(c, url, org), openHygiene: (c, instance, org) => HygienePanel.open(c, instance, org) },
  };
  const hygieneDiagnostics = new HygieneDiagnostics(hygiene, logger.tagged('hygiene'));

  const updateInstanceCount = () => void vscode.commands.executeCommand('setContext', ContextKeys.instanceCount, store.list().length);
  updateInstanceCount();

  context.subscriptions.push(
    logger,
    store,
    clients,
    tree,
    view,
    ...expansion,
    manifests,
    diagnostics,
    vscode.languages.registerCodeActionsProvider(yaml, new PullSecretCodeActions(manifests, diagnostics), PullSecretCodeActions.metadata),
    vscode.languages.registerHoverProvider(yaml, new ImageHoverProvider(manifests, access)),
    vscode.languages.registerCodeLensProvider(yaml, new RotationCodeLens(manifests, clients, tokenAges)),
    store.onDidChange(updateInstanceCount),
    hygiene,
    hygieneDiagnostics,
    // Any file type: a committed token sits as well in a .env, a Dockerfile or a CI workflow as in a manifest.
    vscode.languages.registerCodeActionsProvider([{ scheme: 'file' }], new HygieneCodeActions(hygieneDiagnostics), HygieneCodeActions.metadata),
    // A review marks its organization's robot rows (only those on screen and collapsed: redrawRows).
    hygiene.onDidChange((r) => tree.redrawRows((n) => n instanceof RobotNode && n.instanceUrl === r.instanceUrl && n.namespace.kind === 'org' && n.namespace.name === r.org)),
    ...registerCommands(commandContext),
  );
  // After start-up settles: an unfinished rotation is offered to be finished, and overdue tokens are named once a day.
  const later = setTimeout(() => {
    offerUnfinishedRotations(commandContext).catch((e: unknown) => logger.warn(`Unfinished rotations: ${String(e)}`));
    remindDueRobots(commandContext, context.globalState).catch((e: unknown) => logger.warn(`Rotation reminder: ${String(e)}`));
  }, 5000);
  context.subscriptions.push({ dispose: () => clearTimeout(later) });
  logger.info(`Quay Robot Accounts activated (${store.list().length} instance(s) configured).`);
}

export function deactivate(): void {}
