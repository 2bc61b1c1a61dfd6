import * as vscode from 'vscode';
import { ImageHoverProvider } from './codeActions/imageHover';
import { ManifestService } from './codeActions/manifestService';
import { PullSecretCodeActions } from './codeActions/pullSecretCodeActions';
import { PullSecretDiagnostics } from './codeActions/pullSecretDiagnostics';
import { RepositoryAccess } from './core/repositoryAccess';
import { ContextKeys, Views } from './constants';
import type { CommandContext } from './commands/commandContext';
import { registerCommands } from './commands/registerCommands';
import { ClientRegistry } from './host/clientRegistry';
import { InstanceStore } from './host/instanceStore';
import { OutputChannelLogger } from './host/logger';
import { RegistryTreeProvider } from './views/registryTreeProvider';

/** Composition root: builds the object graph once, registers it, and nothing else. */
export function activate(context: vscode.ExtensionContext): void {
  const logger = new OutputChannelLogger('Quay');
  const store = new InstanceStore(context.secrets, logger);
  const clients = new ClientRegistry(store, logger.tagged('http'));
  const tree = RegistryTreeProvider.create(store, (id) => clients.get(id), logger.tagged('tree'));
  const view = vscode.window.createTreeView(Views.registry, { treeDataProvider: tree, showCollapseAll: true });
  const manifests = new ManifestService(store, logger.tagged('yaml'));
  const access = new RepositoryAccess((url) => clients.get(url), logger.tagged('yaml'));
  const diagnostics = new PullSecretDiagnostics(manifests, access, store, logger.tagged('yaml'));
  const yaml: vscode.DocumentSelector = [{ language: 'yaml', scheme: 'file' }, { language: 'yaml', scheme: 'untitled' }];
  const commandContext: CommandContext = { store, clients, tree, view, logger, editor: { manifests, access, diagnostics } };

  const updateInstanceCount = () => void vscode.commands.executeCommand('setContext', ContextKeys.instanceCount, store.list().length);
  updateInstanceCount();

  context.subscriptions.push(
    logger,
    store,
    clients,
    tree,
    view,
    manifests,
    diagnostics,
    vscode.languages.registerCodeActionsProvider(yaml, new PullSecretCodeActions(manifests, diagnostics), PullSecretCodeActions.metadata),
    vscode.languages.registerHoverProvider(yaml, new ImageHoverProvider(manifests, access)),
    store.onDidChange(updateInstanceCount),
    ...registerCommands(commandContext),
  );
  logger.info(`Quay Robot Accounts activated (${store.list().length} instance(s) configured).`);
}

export function deactivate(): void {}
