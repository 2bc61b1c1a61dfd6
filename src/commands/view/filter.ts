import * as vscode from 'vscode';
import { ListGroupNode } from '../../views/nodes/listGroupNode';
import { LoadMoreNode } from '../../views/nodes/repositoriesGroupNode';
import { Views } from '../../constants';
import type { CommandContext } from '../commandContext';
import { required } from '../prompts';

/** "Filter robots…" / "Filter repositories…": narrows a group by substring, without refetching. */
export async function filter(c: CommandContext, node?: unknown): Promise<void> {
  if (!(node instanceof ListGroupNode)) throw new Error(vscode.l10n.t('Run "Filter" from a group of the Quay tree (Robot accounts, Repositories…).'));
  const group: ListGroupNode<unknown> = node;
  const value = await required(vscode.window.showInputBox({
    title: vscode.l10n.t('Filter {0}', group.label.toLowerCase()),
    prompt: vscode.l10n.t('Show only items whose name or description contains this text. Empty clears the filter.'),
    value: group.filter ?? '',
  }));
  c.tree.setFilter(group, value.trim());
}

/**
 * The title bar's "Filter the Quay View": VS Code's own find in the tree (type to highlight or filter the rows on
 * screen, the filter toggle in its box), what Ctrl+Alt+F does in a focused tree. The per-group "Filter…" narrows a
 * group's whole list, loaded or not.
 */
export async function findInView(): Promise<void> {
  await vscode.commands.executeCommand(`${Views.registry}.focus`);
  await vscode.commands.executeCommand('list.find');
}

export function clearFilter(c: CommandContext, node?: unknown): Promise<void> {
  if (node instanceof ListGroupNode) c.tree.setFilter(node as ListGroupNode<unknown>, '');
  return Promise.resolve();
}

export async function loadMore(_c: CommandContext, node?: unknown): Promise<void> {
  if (node instanceof LoadMoreNode) await node.group.loadMore();
}
