import * as vscode from 'vscode';
import { ListGroupNode } from '../../views/nodes/listGroupNode';
import { LoadMoreNode } from '../../views/nodes/repositoriesGroupNode';
import type { CommandContext } from '../commandContext';
import { UserCancelled } from '../runCommand';

/** "Filter robots…" / "Filter repositories…": narrows a group by substring, without refetching. */
export async function filter(c: CommandContext, node?: unknown): Promise<void> {
  if (!(node instanceof ListGroupNode)) throw new Error(vscode.l10n.t('Run "Filter" from a group of the Quay tree (Robot accounts, Repositories…).'));
  const group: ListGroupNode<unknown> = node;
  const value = await vscode.window.showInputBox({
    title: vscode.l10n.t('Filter {0}', group.label.toLowerCase()),
    prompt: vscode.l10n.t('Show only items whose name or description contains this text. Empty clears the filter.'),
    value: group.filter ?? '',
  });
  if (value === undefined) throw new UserCancelled();
  c.tree.setFilter(group, value.trim());
}

export function clearFilter(c: CommandContext, node?: unknown): Promise<void> {
  if (node instanceof ListGroupNode) c.tree.setFilter(node as ListGroupNode<unknown>, '');
  return Promise.resolve();
}

export async function loadMore(_c: CommandContext, node?: unknown): Promise<void> {
  if (node instanceof LoadMoreNode) await node.group.loadMore();
}
