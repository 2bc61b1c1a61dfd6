import * as vscode from 'vscode';
import { Commands, contextValue, NodeFlags, NodeKinds } from '../../constants';
import type { Namespace, Repository } from '../../core/quay/types';
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
    super(`${parent.id}/repos`, parent, ctx);
    this.what = vscode.l10n.t('repositories of {0}', namespace.name);
  }

  protected async load(): Promise<Loaded<Repository>> {
    const page = await this.ctx.client(this.instanceId).listRepositoriesPage({ namespace: this.namespace.name, lastModified: true });
    return { items: page.repositories, nextPage: page.nextPage };
  }

  /** Fetches the next page and appends it to what is cached; concurrent clicks share one request. */
  async loadMore(): Promise<void> {
    const current = this.loaded;
    if (current?.nextPage === undefined) return;
    const next = await this.ctx.cache.get(`${this.id}/~page:${current.nextPage}`, () =>
      this.ctx.client(this.instanceId).listRepositoriesPage({ namespace: this.namespace.name, lastModified: true }, current.nextPage),
    );
    const latest = this.loaded;
    if (latest?.nextPage !== current.nextPage) return; // already appended by a concurrent click
    this.ctx.cache.set<Loaded<Repository>>(this.id, { items: [...latest.items, ...next.repositories], nextPage: next.nextPage });
    this.ctx.redraw(this);
  }

  protected toNode(repo: Repository): TreeNode {
    return new RepositoryNode(this, this.ctx, repo);
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

  get instanceId(): string {
    return this.group.instanceId;
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
