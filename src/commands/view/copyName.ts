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

/** Selects an object's row in the Quay view, given the ids from its instance down (links in hovers). */
export async function revealInTree(c: CommandContext, path?: unknown): Promise<void> {
  if (!Array.isArray(path) || !path.every((p) => typeof p === 'string')) throw new Error(vscode.l10n.t('"Show in Quay View" needs the path of a tree item.'));
  const node = await c.tree.findPath(path);
  if (node === undefined) throw new Error(vscode.l10n.t('{0} is not in the Quay view (is its instance configured and signed in?).', path[path.length - 1] ?? ''));
  await c.view.reveal(node, { select: true, focus: true, expand: false });
}
