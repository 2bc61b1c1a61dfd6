import * as vscode from 'vscode';
import type { Page } from '../../core/pagedList';
import { contextValue, NodeFlags, NodeKinds, type NodeFlag } from '../../constants';
import type { TreeContext } from '../treeContext';
import { errorNode, MessageNode } from './messageNode';
import { TreeNode } from './treeNode';

/** What a group has loaded: the items so far and, for paged lists, the token of the next page. */
export type Loaded<T> = Page<T>;

/**
 * A group under an organization ("Robot accounts", "Repositories", …): loads its list once through the
 * shared cache, filters it by substring without refetching, and explains failures and emptiness in place.
 */
export abstract class ListGroupNode<T> extends TreeNode {
  abstract readonly label: string;
  protected abstract readonly icon: string;
  protected abstract readonly flag: NodeFlag;
  /** "robot accounts of acme": used in messages. */
  protected abstract readonly what: string;

  constructor(id: string, parent: TreeNode, ctx: TreeContext) {
    super(id, parent, ctx);
  }

  get instanceUrl(): string {
    return this.parent!.instanceUrl;
  }

  protected abstract load(): Promise<Loaded<T>>;
  protected abstract toNode(item: T): TreeNode;
  /** The text a filter matches against. */
  protected abstract filterText(item: T): string;

  get filter(): string | undefined {
    return this.ctx.filters.get(this.id);
  }

  /** What is loaded, without loading. */
  get loaded(): Loaded<T> | undefined {
    return this.ctx.cache.peek<Loaded<T>>(this.id);
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const filter = this.filter;
    item.contextValue = contextValue(NodeKinds.group, [this.flag, ...(filter !== undefined ? [NodeFlags.filtered] : []), ...this.extraFlags()]);
    item.iconPath = new vscode.ThemeIcon(this.icon);
    const loaded = this.loaded;
    const count = loaded !== undefined ? `${loaded.items.length}${loaded.nextPage !== undefined ? '+' : ''}` : undefined;
    if (filter !== undefined) {
      const shown = loaded?.items.filter((i) => this.matches(i, filter)).length;
      item.description = vscode.l10n.t('filter: "{0}"', filter) + (shown !== undefined && count !== undefined ? ` · ${shown}/${count}` : '');
    } else if (count !== undefined) {
      item.description = count;
    }
    return item;
  }

  private matches(item: T, filter: string): boolean {
    return this.filterText(item).toLowerCase().includes(filter.toLowerCase());
  }

  override async getChildren(): Promise<TreeNode[]> {
    let loaded: Loaded<T>;
    try {
      loaded = await this.ctx.cache.get(this.id, () => this.load());
    } catch (error) {
      return [errorNode(this, this.ctx, error, this.what)];
    }
    const filter = this.filter;
    const items = filter !== undefined ? loaded.items.filter((i) => this.matches(i, filter)) : loaded.items;
    const nodes = items.map((i) => this.toNode(i));
    if (nodes.length === 0) {
      nodes.push(
        new MessageNode(this, this.ctx, filter !== undefined ? vscode.l10n.t('Nothing matches "{0}"', filter) : vscode.l10n.t('None'), {
          ...(filter !== undefined && loaded.nextPage !== undefined ? { detail: vscode.l10n.t('only the loaded pages are searched') } : {}),
        }),
      );
    }
    return [...nodes, ...this.trailingNodes(loaded)];
  }

  /** Flags a kind of group adds to its context value (e.g. robot creation disabled). */
  protected extraFlags(): NodeFlag[] {
    return [];
  }

  /** Nodes after the list, e.g. "Load more". */
  protected trailingNodes(_loaded: Loaded<T>): TreeNode[] {
    return [];
  }
}
