import * as vscode from 'vscode';
import { LoadCache } from '../core/cache';
import { CapabilityCache } from '../core/capabilities';
import type { RedactingLogger } from '../core/log';
import type { QuayClient } from '../core/quay/client';
import type { InstanceStore } from '../host/instanceStore';
import { InstanceNode } from './nodes/instanceNode';
import { TreeNode } from './nodes/treeNode';
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
  /** Ids of the rows the user has expanded (from the view's expand/collapse events). */
  private readonly expanded = new Set<string>();

  constructor(
    private readonly ctx: TreeContext,
    store: InstanceStore,
  ) {
    this.subscription = store.onDidChange(() => this.refresh());
  }

  /** The provider over a fresh cache, with the instances' clients; what the extension (and the tree benchmark) runs. */
  static create(
    store: InstanceStore,
    client: (instanceUrl: string) => QuayClient,
    logger: RedactingLogger,
    rotation: Pick<TreeContext, 'tokenAges' | 'maxTokenAgeDays' | 'hygiene' | 'successors'> & { readonly capabilities?: CapabilityCache },
  ): RegistryTreeProvider {
    // Nodes ask the view to redraw them; the view exists only once the context does, hence the late binding.
    const redraw: { to?: RegistryTreeProvider } = {};
    const ctx: TreeContext = {
      cache: new LoadCache(),
      store,
      logger,
      filters: new Map(),
      noFederation: new Map(),
      client,
      redraw: (node) => {
        if (node instanceof TreeNode) redraw.to?.redraw(node);
      },
      redrawRows: (which) => redraw.to?.redrawRows(which),
      ...rotation,
      capabilities: rotation.capabilities ?? new CapabilityCache((id) => client(id).getClientConfig()),
      now: () => new Date(),
    };
    redraw.to = new RegistryTreeProvider(ctx, store);
    return redraw.to;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    return node.toTreeItem();
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    const children = node === undefined ? await this.instances() : await node.getChildren();
    for (const child of children) this.live.set(child.id, child);
    return children;
  }

  /**
   * The instance rows, each drawn once who is signed in is known (or could not be loaded: its children then
   * say why), so no row ever needs a redraw right after VS Code has asked for its children.
   */
  private async instances(): Promise<InstanceNode[]> {
    const nodes = this.ctx.store.list().map((i) => new InstanceNode(i, this.ctx));
    // The row's tooltip shows the version, and the rows below it are flagged from /config: both before drawing.
    await Promise.all(nodes.flatMap((n) => [n.loadUser().catch(() => undefined), this.ctx.capabilities.get(n.instanceUrl)]));
    return nodes;
  }

  /**
   * After a change: forgets what was loaded under each id and redraws the nodes that are on screen, so only
   * the robot, repositories or groups that the change touched are fetched again.
   */
  refreshIds(ids: readonly string[], known: Readonly<Record<string, unknown>> = {}): void {
    for (const id of ids) this.ctx.cache.invalidate(id);
    // What the change itself returned (e.g. the federation list Quay answered the write with) is not asked again.
    for (const [key, value] of Object.entries(known)) this.ctx.cache.set(key, value);
    for (const id of ids) {
      const node = this.live.get(id);
      if (node !== undefined) this.changed.fire(node);
    }
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return node.parent;
  }

  /**
   * Reloads one node (and what is below it), or the whole tree. An instance row shows who is signed in, which
   * is loaded before the row is drawn: refreshing an instance lists the instances again (the others from the
   * cache).
   */
  refresh(node?: TreeNode): void {
    if (node === undefined) {
      this.ctx.cache.clear();
      this.ctx.tokenAges.invalidate();
      this.ctx.noFederation.clear();
      this.ctx.capabilities.invalidate();
      this.live.clear();
    } else {
      this.ctx.cache.invalidate(node.id);
      if (node instanceof InstanceNode) this.ctx.capabilities.invalidate(node.instanceUrl);
    }
    this.changed.fire(node instanceof InstanceNode ? undefined : node);
  }

  /**
   * Redraws the collapsed rows on screen (their parent expanded) that `which` selects (e.g. robot rows once their token ages arrive). An
   * expanded row is left as it is: redrawing it would drop its children while the user may be expanding one.
   */
  redrawRows(which: (node: TreeNode) => boolean): void {
    setTimeout(() => {
      // Only rows on screen: a row under a collapsed parent is drawn afresh when the parent opens, and a change event
      // for it while a reveal is opening that parent can leave the parent closed.
      for (const node of this.live.values()) {
        if (!this.expanded.has(node.id) && (node.parent === undefined || this.expanded.has(node.parent.id)) && which(node)) this.changed.fire(node);
      }
    }, 0);
  }

  /** Wired to the TreeView's onDidExpandElement / onDidCollapseElement. */
  setExpanded(node: TreeNode, expanded: boolean): void {
    if (expanded) this.expanded.add(node.id);
    else this.expanded.delete(node.id);
  }

  /** Redraws a node from the cache, loading nothing (after "Load more"). Never from inside getChildren. */
  redraw(node: TreeNode): void {
    // VS Code registers the children only after getChildren resolves; a change event before that makes it fetch
    // the same children twice ("Element with id … is already registered"). A macrotask later is safely after.
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
