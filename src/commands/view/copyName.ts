import * as vscode from 'vscode';
import { TreeNode } from '../../views/nodes/treeNode';
import type { CommandContext } from '../commandContext';

export async function copyName(c: CommandContext, node?: unknown): Promise<void> {
  const name = node instanceof TreeNode ? node.copyName : undefined;
  if (name === undefined) throw new Error(vscode.l10n.t('Run "Copy Name" from an item of the Quay tree.'));
  await vscode.env.clipboard.writeText(name);
  c.logger.debug(`Copied ${name}`);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', name), 3000);
}

export async function revealInQuay(_c: CommandContext, node?: unknown): Promise<void> {
  const url = node instanceof TreeNode ? node.webUrl : undefined;
  if (url === undefined) throw new Error(vscode.l10n.t('Run "Reveal in Quay" from an item of the Quay tree.'));
  await vscode.env.openExternal(vscode.Uri.parse(url));
}
