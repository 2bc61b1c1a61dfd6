import * as vscode from 'vscode';
import { contextValue, NodeFlags, NodeKinds } from '../../constants';
import { instanceLabel, isLoopbackHost, type InstanceConfig } from '../../core/instances';
import { nodeIds } from '../nodeIds';
import type { CurrentUser } from '../../core/quay/types';
import type { TreeContext } from '../treeContext';
import { escapeMarkdown } from '../../core/markdown';
import { capabilityLines } from '../capabilityText';
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

  get instanceUrl(): string {
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
    const user = this.user;
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
    const capabilities = capabilityLines(this.ctx.capabilities.peek(this.instanceUrl));
    if (capabilities.length > 0) md.appendMarkdown(`\n\n${capabilities.join('  \n')}`);
    md.supportThemeIcons = true;
    item.tooltip = md;
    return item;
  }

  private get userKey(): string {
    return `${this.id}/~user`;
  }

  /** The token and the signed-in user, loaded once per node object (undefined: no token in the keychain). */
  private signedIn: Promise<CurrentUser | undefined> | undefined;
  /** Who is signed in, once loaded: the row shows it. */
  private user: CurrentUser | undefined;

  /**
   * Loads who is signed in. The view calls it before it hands the row to VS Code (the row shows the user), so
   * nothing redraws the row later: a redraw makes VS Code drop the row's children and ask for them again, and
   * an organization expanded in between has no children ("No tree item with id … found"). getChildren reuses
   * the outcome, a failure included, so a failing instance is asked once per listing.
   */
  loadUser(): Promise<CurrentUser | undefined> {
    this.signedIn ??= this.ctx.store.getToken(this.instanceUrl).then(async (token) => {
      if (token === undefined) return undefined;
      this.user = await this.ctx.cache.get(this.userKey, () => this.ctx.client(this.instanceUrl).getCurrentUser());
      return this.user;
    });
    return this.signedIn;
  }

  override async getChildren(): Promise<TreeNode[]> {
    let user: CurrentUser | undefined;
    try {
      user = await this.loadUser();
    } catch (error) {
      return [errorNode(this, this.ctx, error, vscode.l10n.t('the signed-in user'))];
    }
    if (user === undefined) {
      return [
        new MessageNode(this, this.ctx, vscode.l10n.t('Not signed in — Sign in'), {
          detail: vscode.l10n.t('No token in the keychain for this instance'),
          flags: [NodeFlags.signIn],
          icon: 'key',
        }),
      ];
    }
    return [
      new NamespaceNode(this, this.ctx, { kind: 'user', name: user.username }, { admin: true }),
      ...user.organizations.map((org) => new NamespaceNode(this, this.ctx, { kind: 'org', name: org.name }, { admin: org.isOrgAdmin })),
    ];
  }
}
