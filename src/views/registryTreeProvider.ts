import * as vscode from 'vscode';
import type { InstanceStore } from '../host/instanceStore';
import { InstanceNode } from './nodes/instanceNode';
import type { TreeNode } from './nodes/treeNode';
import type { TreeContext } from './treeContext';

/**
 * The Registry view's data provider. The cache in TreeContext holds what was loaded; a refresh
 * invalidates one node's subtree and fires a change for that node only.
 */
export class RegistryTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly ctx: TreeContext,
    store: InstanceStore,
  ) {
    this.subscription = store.onDidChange(() => this.refresh());
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.toTreeItem();
  }

  getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (node === undefined) return Promise.resolve(this.ctx.store.list().map((i) => new InstanceNode(i, this.ctx)));
    return node.getChildren();
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** Reloads one node (and what is below it), or the whole tree. */
  refresh(node?: TreeNode): void {
    if (node === undefined) this.ctx.cache.clear();
    else this.ctx.cache.invalidate(node.id);
    this.changed.fire(node);
  }

  /** Redraws a node from the cache, loading nothing (after "Load more", or when a row learnt something). */
  redraw(node: TreeNode): void {
    this.changed.fire(node);
  }

  /** Sets or clears (empty text) a group's filter and redraws it; nothing is refetched. */
  setFilter(group: TreeNode, text: string): void {
    if (text === '') this.ctx.filters.delete(group.id);
    else this.ctx.filters.set(group.id, text);
    this.changed.fire(group);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
