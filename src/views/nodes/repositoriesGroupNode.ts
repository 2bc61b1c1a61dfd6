import * as vscode from 'vscode';
import { Commands, contextValue, NodeFlags, NodeKinds } from '../../constants';
import { PagedList } from '../../core/pagedList';
import type { Namespace, Repository } from '../../core/quay/types';
import { nodeIds } from '../nodeIds';
import type { TreeContext } from '../treeContext';
import { ListGroupNode, type Loaded } from './listGroupNode';
import { RepositoryNode } from './repositoryNode';
import { TreeNode } from './treeNode';

/**
 * "Repositories": 100 a page as Quay serves them, the next page only on "Load more" — an organization with
 * thousands of repositories costs one request to open.
 */
export class RepositoriesGroupNode extends ListGroupNode<Repository> {
  readonly label = vscode.l10n.t('Repositories');
  protected readonly icon = 'repo';
  protected readonly flag = NodeFlags.repos;
  protected readonly what: string;

  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly namespace: Namespace,
  ) {
    super(nodeIds.repositories(parent.instanceUrl, namespace), parent, ctx);
    this.what = vscode.l10n.t('repositories of {0}', namespace.name);
  }

  protected load(): Promise<PagedList<Repository>> {
    const client = this.ctx.client(this.instanceUrl);
    return PagedList.load(async (next) => {
      const page = await client.listRepositoriesPage({ namespace: this.namespace.name, lastModified: true }, next);
      return { items: page.repositories, nextPage: page.nextPage };
    });
  }

  /** Appends the next page to the cached list (concurrent clicks share one request) and redraws the group. */
  async loadMore(): Promise<void> {
    const list = this.loaded;
    // A second click while a page is loading joins that load; only the click that fetched redraws.
    if (list instanceof PagedList && (await list.loadMore())) this.ctx.redraw(this);
  }

  protected toNode(repo: Repository): TreeNode {
    return new RepositoryNode(this, this.ctx, repo, this.namespace);
  }

  protected filterText(repo: Repository): string {
    return `${repo.name} ${repo.description}`;
  }

  protected override trailingNodes(loaded: Loaded<Repository>): TreeNode[] {
    return loaded.nextPage !== undefined ? [new LoadMoreNode(this, this.ctx, loaded.items.length)] : [];
  }
}

export class LoadMoreNode extends TreeNode {
  constructor(
    readonly group: RepositoriesGroupNode,
    ctx: TreeContext,
    private readonly shown: number,
  ) {
    super(`${group.id}/~more`, group, ctx);
  }

  get instanceUrl(): string {
    return this.group.instanceUrl;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), vscode.TreeItemCollapsibleState.None);
    item.id = `${this.id}@${this.shown}`;
    item.description = vscode.l10n.t('{0} loaded', this.shown);
    item.contextValue = contextValue(NodeKinds.loadMore);
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.command = { command: Commands.loadMore, title: vscode.l10n.t('Load more'), arguments: [this] };
    return item;
  }
}
