import * as vscode from 'vscode';
import { contextValue, NodeFlags, NodeKinds } from '../../constants';
import { instanceLabel, isLoopbackHost, type InstanceConfig } from '../../core/instances';
import { nodeIds } from '../nodeIds';
import type { CurrentUser } from '../../core/quay/types';
import type { TreeContext } from '../treeContext';
import { escapeMarkdown } from '../../core/markdown';
import { errorNode, MessageNode } from './messageNode';
import { NamespaceNode } from './namespaceNode';
import { TreeNode } from './treeNode';

/** A configured Quay instance; children are the user's own namespace and the organizations it sees. */
export class InstanceNode extends TreeNode {
  constructor(
    readonly instance: InstanceConfig,
    ctx: TreeContext,
  ) {
    super(nodeIds.instance(instance.url), undefined, ctx);
  }

  get instanceId(): string {
    return this.instance.url;
  }

  override get copyName(): string {
    return this.instance.url;
  }

  override get webUrl(): string {
    return this.instance.url;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(instanceLabel(this.instance), vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    // Flagged: TLS verification turned off, or plain http to a host that is not loopback.
    const plainHttp = this.instance.url.startsWith('http:') && !isLoopbackHost(new URL(this.instance.url).hostname);
    const insecure = this.instance.verifyTls === false || plainHttp;
    item.contextValue = contextValue(NodeKinds.instance, insecure ? [NodeFlags.insecure] : []);
    item.iconPath = new vscode.ThemeIcon(insecure ? 'warning' : 'server');
    const user = this.ctx.cache.peek<CurrentUser>(this.userKey);
    const parts = [
      user !== undefined ? user.username : undefined,
      this.instance.verifyTls === false ? vscode.l10n.t('TLS verification off') : undefined,
      plainHttp ? vscode.l10n.t('plain http') : undefined,
    ];
    item.description = parts.filter((p) => p !== undefined).join(' · ');
    const md = new vscode.MarkdownString(`**${escapeMarkdown(instanceLabel(this.instance))}**\n\n${escapeMarkdown(this.instance.url)}`);
    if (user !== undefined) md.appendMarkdown(`\n\n${vscode.l10n.t('Signed in as')} **${escapeMarkdown(user.username)}**`);
    if (this.instance.verifyTls === false) md.appendMarkdown(`\n\n$(warning) ${vscode.l10n.t('TLS certificate verification is turned off for this instance.')}`);
    if (this.instance.caFile !== undefined) md.appendMarkdown(`\n\n${vscode.l10n.t('Custom CA')}: \`${this.instance.caFile}\``);
    md.supportThemeIcons = true;
    item.tooltip = md;
    return item;
  }

  private get userKey(): string {
    return `${this.id}/~user`;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const token = await this.ctx.store.getToken(this.instanceId);
    if (token === undefined) {
      return [
        new MessageNode(this, this.ctx, vscode.l10n.t('Not signed in — Sign in'), {
          detail: vscode.l10n.t('No token in the keychain for this instance'),
          flags: [NodeFlags.signIn],
          icon: 'key',
        }),
      ];
    }
    try {
      const fresh = !this.ctx.cache.has(this.userKey);
      const user = await this.ctx.cache.get(this.userKey, () => this.ctx.client(this.instanceId).getCurrentUser());
      // The row shows who is signed in: redraw it once the user is known.
      if (fresh) this.ctx.redraw(this);
      return [
        new NamespaceNode(this, this.ctx, { kind: 'user', name: user.username }, { admin: true }),
        ...user.organizations.map(
          (org) => new NamespaceNode(this, this.ctx, { kind: 'org', name: org.name }, { admin: org.isOrgAdmin }),
        ),
      ];
    } catch (error) {
      return [errorNode(this, this.ctx, error, vscode.l10n.t('the signed-in user'))];
    }
  }
}
