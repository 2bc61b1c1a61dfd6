import * as vscode from 'vscode';
import { contextValue, NodeFlags, NodeKinds } from '../../constants';
import type { Namespace } from '../../core/quay/types';
import type { TreeContext } from '../treeContext';
import { escapeMarkdown } from '../../core/markdown';
import { robotCreationDisallowed } from '../../core/capabilities';
import { nodeIds } from '../nodeIds';
import { webUrls } from '../webUrls';
import { PrototypesGroupNode } from './prototypesGroupNode';
import { RepositoriesGroupNode } from './repositoriesGroupNode';
import { RobotsGroupNode } from './robotsGroupNode';
import { TeamsGroupNode } from './teamsGroupNode';
import { TreeNode } from './treeNode';

/** An organization, or the signed-in user's own namespace. */
export class NamespaceNode extends TreeNode {
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly namespace: Namespace,
    /** Whether the caller administers it; undefined when the token cannot tell (no user:admin scope). */
    private readonly access: { admin: boolean | undefined },
  ) {
    super(nodeIds.namespace(parent.instanceUrl, namespace), parent, ctx);
  }

  get instanceUrl(): string {
    return this.parent!.instanceUrl;
  }

  toTreeItem(): vscode.TreeItem {
    const isUser = this.namespace.kind === 'user';
    const item = new vscode.TreeItem(this.namespace.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const flags = [
      ...(isUser ? [NodeFlags.user] : []),
      ...(this.access.admin === true ? [NodeFlags.admin] : []),
      ...(robotCreationDisallowed(this.ctx.capabilities.peek(this.instanceUrl)) ? [NodeFlags.robotsDisallowed] : []),
    ];
    item.contextValue = contextValue(isUser ? NodeKinds.namespace : NodeKinds.organization, flags);
    item.iconPath = new vscode.ThemeIcon(isUser ? 'account' : 'organization');
    item.description = isUser
      ? vscode.l10n.t('your namespace')
      : this.access.admin === true
        ? vscode.l10n.t('admin')
        : this.access.admin === false
          ? vscode.l10n.t('member')
          : '';
    item.tooltip = new vscode.MarkdownString(
      `**${escapeMarkdown(this.namespace.name)}**\n\n${isUser ? vscode.l10n.t('Your user namespace') : vscode.l10n.t('Organization')}${
        this.access.admin === undefined || isUser ? '' : ` · ${this.access.admin ? vscode.l10n.t('you are an admin') : vscode.l10n.t('you are a member')}`
      }`,
    );
    return item;
  }

  override get copyName(): string {
    return this.namespace.name;
  }

  override get webUrl(): string {
    return this.namespace.kind === 'org' ? webUrls.org(this.instanceUrl, this.namespace.name) : webUrls.user(this.instanceUrl, this.namespace.name);
  }

  /** Four groups for an organization; a user namespace has robots and repositories only. */
  override getChildren(): Promise<TreeNode[]> {
    const ns = this.namespace;
    const groups: TreeNode[] = [new RobotsGroupNode(this, this.ctx, ns), new RepositoriesGroupNode(this, this.ctx, ns)];
    if (ns.kind === 'org') groups.push(new PrototypesGroupNode(this, this.ctx, ns.name), new TeamsGroupNode(this, this.ctx, ns.name));
    return Promise.resolve(groups);
  }
}
