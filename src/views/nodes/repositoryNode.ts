import * as vscode from 'vscode';
import { contextValue, NodeFlags, NodeKinds } from '../../constants';
import type { Namespace, Permission, Repository } from '../../core/quay/types';
import { exactTime, relativeTime } from '../../core/time';
import type { TreeContext } from '../treeContext';
import { nodeIds } from '../nodeIds';
import { webUrls } from '../webUrls';
import { ItemNode } from './itemNode';
import { escapeMarkdown } from '../../core/markdown';
import { errorNode, MessageNode } from './messageNode';
import { TreeNode } from './treeNode';

const KIND_ORDER: Record<Permission['kind'], number> = { robot: 0, team: 1, user: 2 };

/** A repository; expanding it shows who can access it and how (users, robots and teams with their roles). */
export class RepositoryNode extends TreeNode {
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly repository: Repository,
    readonly namespace: Namespace,
  ) {
    super(nodeIds.repository(parent.instanceUrl, namespace, repository.name), parent, ctx);
  }

  get instanceUrl(): string {
    return this.parent!.instanceUrl;
  }

  get fullName(): string {
    return `${this.repository.namespace}/${this.repository.name}`;
  }

  override get copyName(): string {
    return this.fullName;
  }

  override get webUrl(): string {
    return webUrls.repository(this.instanceUrl, this.fullName);
  }

  toTreeItem(): vscode.TreeItem {
    const r = this.repository;
    const item = new vscode.TreeItem(r.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = contextValue(NodeKinds.repository, r.isPublic ? [NodeFlags.public] : []);
    item.iconPath = new vscode.ThemeIcon(r.isPublic ? 'repo' : 'lock');
    const modified = r.lastModified !== undefined ? vscode.l10n.t('pushed {0}', relativeTime(r.lastModified, this.ctx.now())) : undefined;
    item.description = [r.isPublic ? vscode.l10n.t('public') : vscode.l10n.t('private'), modified].filter((p) => p !== undefined).join(' · ');
    const md = new vscode.MarkdownString(`**${escapeMarkdown(this.fullName)}**`);
    if (r.description !== '') md.appendMarkdown(`\n\n${escapeMarkdown(r.description)}`);
    md.appendMarkdown(`\n\n${r.isPublic ? vscode.l10n.t('Public') : vscode.l10n.t('Private')}`);
    if (r.lastModified !== undefined) md.appendMarkdown(`  \n${vscode.l10n.t('Last modified')}: ${exactTime(r.lastModified)}`);
    item.tooltip = md;
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const client = this.ctx.client(this.instanceUrl);
    const ref = { namespace: this.repository.namespace, name: this.repository.name };
    let access: Permission[];
    try {
      access = await this.ctx.cache.get(nodeIds.access(this.id), async () => {
        const [users, teams] = await Promise.all([client.listRepoUserPermissions(ref), client.listRepoTeamPermissions(ref)]);
        return [...users, ...teams].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.name.localeCompare(b.name));
      });
    } catch (error) {
      return [errorNode(this, this.ctx, error, vscode.l10n.t('permissions of {0}', this.fullName))];
    }
    if (access.length === 0) return [new MessageNode(this, this.ctx, vscode.l10n.t('No one has a direct permission'))];
    return access.map(
      (p) =>
        new ItemNode(this, this.ctx, `access/${p.kind}/${encodeURIComponent(p.name)}`, {
          label: p.name,
          description: `${p.role} · ${p.kind === 'robot' ? vscode.l10n.t('robot') : p.kind === 'team' ? vscode.l10n.t('team') : vscode.l10n.t('user')}`,
          icon: p.kind === 'robot' ? 'robot' : p.kind === 'team' ? 'organization' : 'account',
          kind: NodeKinds.grant,
          flags: [p.kind === 'robot' ? NodeFlags.robot : p.kind === 'team' ? NodeFlags.teams : NodeFlags.user],
          tooltip: vscode.l10n.t('{0} {1} has {2} on {3}', p.kind, p.name, p.role, this.fullName),
          name: p.name,
          permission: { namespace: this.namespace, repository: this.repository.name, principal: p.name, principalKind: p.kind, role: p.role },
        }),
    );
  }
}
