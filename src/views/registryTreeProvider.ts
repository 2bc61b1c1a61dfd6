import * as vscode from 'vscode';
import { LoadCache } from '../core/cache';
import type { Logger } from '../core/log';
import type { QuayClient } from '../core/quay/client';
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
  /** The node objects last handed to VS Code, by id: events must name those exact objects. */
  private readonly live = new Map<string, TreeNode>();

  constructor(
    private readonly ctx: TreeContext,
    store: InstanceStore,
  ) {
    this.subscription = store.onDidChange(() => this.refresh());
  }

  /** The provider over a fresh cache, with the instances' clients; what the extension (and the tree benchmark) runs. */
  static create(store: InstanceStore, client: (instanceId: string) => QuayClient, logger: Logger): RegistryTreeProvider {
    // Nodes ask the view to redraw them; the view exists only once the context does, hence the late binding.
    const redraw: { to?: RegistryTreeProvider } = {};
    const ctx: TreeContext = {
      cache: new LoadCache(),
      store,
      logger,
      filters: new Map(),
      client,
      redraw: (node) => redraw.to?.redraw(node),
      now: () => new Date(),
    };
    redraw.to = new RegistryTreeProvider(ctx, store);
    return redraw.to;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.toTreeItem();
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    const children = node === undefined ? this.ctx.store.list().map((i) => new InstanceNode(i, this.ctx)) : await node.getChildren();
    for (const child of children) this.live.set(child.id, child);
    return children;
  }

  /**
   * After a change: forgets what was loaded under each id and redraws the nodes that are on screen, so only
   * the robot, repositories or groups that the change touched are fetched again.
   */
  refreshIds(ids: readonly string[]): void {
    for (const id of ids) {
      this.ctx.cache.invalidate(id);
      const node = this.live.get(id);
      if (node !== undefined) this.changed.fire(node);
    }
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /** Reloads one node (and what is below it), or the whole tree. */
  refresh(node?: TreeNode): void {
    if (node === undefined) {
      this.ctx.cache.clear();
      this.live.clear();
    }
    else this.ctx.cache.invalidate(node.id);
    this.changed.fire(node);
  }

  /** Redraws a node from the cache, loading nothing (after "Load more", or when a row learnt something). */
  redraw(node: TreeNode): void {
    // Nodes ask for a redraw from inside getChildren, when they learn what their row should show. VS Code
    // registers the children only after getChildren resolves; a change event before that makes it fetch the
    // same children twice ("Element with id … is already registered"). A macrotask later is safely after.
    setTimeout(() => this.changed.fire(this.live.get(node.id) ?? node), 0);
  }

  /**
   * The node for the last id of a path from an instance down (instance, namespace, group, object), loading
   * each level as an expansion would; the deepest node found when a level does not list the next id.
   */
  async findPath(ids: readonly string[]): Promise<TreeNode | undefined> {
    let found: TreeNode | undefined;
    for (const id of ids) {
      const next = (await this.getChildren(found)).find((n) => n.id === id);
      if (next === undefined) break;
      found = next;
    }
    return found;
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
