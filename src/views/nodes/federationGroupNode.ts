import * as vscode from 'vscode';
import { contextValue, NodeFlags, NodeKinds } from '../../constants';
import { entryDisplay } from '../../core/federation/display';
import { escapeMarkdown, markdownCode } from '../../core/markdown';
import { visibleText } from '../../core/serverText';
import type { FederationEntry, Namespace, Robot } from '../../core/quay/types';
import type { TreeContext } from '../treeContext';
import { ItemNode } from './itemNode';
import { errorNode, MessageNode } from './messageNode';
import { TreeNode } from './treeNode';

/**
 * A robot's "Keyless federation" group: the (issuer, subject) pairs it trusts (contract §6.1). Its id is the key
 * of the robot's own federation load (`RobotNode.federationKey`), so expanding it after the robot asks nothing
 * more of Quay, and refreshing it reads the list again. Trust commands act on the group (Add Trust…, Remove All,
 * Set Up Keyless Access…) and on each entry (Edit…, Remove).
 */
/** The robot row the group belongs to (a `RobotNode`, which builds the group; named by shape to keep imports one-way). */
export interface FederationOwner extends TreeNode {
  readonly federationKey: string;
  readonly instanceUrl: string;
  readonly namespace: Namespace;
  readonly robot: Robot;
}

export class FederationGroupNode extends TreeNode {
  constructor(
    readonly robotNode: FederationOwner,
    ctx: TreeContext,
  ) {
    super(robotNode.federationKey, robotNode, ctx);
  }

  private get entries(): readonly FederationEntry[] | undefined {
    return this.ctx.cache.peek<readonly FederationEntry[]>(this.id);
  }

  get instanceUrl(): string {
    return this.robotNode.instanceUrl;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Keyless federation'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const entries = this.entries;
    // No entry: nothing to test or remove (the menus follow the flag).
    item.contextValue = contextValue(NodeKinds.group, [NodeFlags.keyless, ...(entries?.length === 0 ? [NodeFlags.noTrust] : [])]);
    item.iconPath = new vscode.ThemeIcon('shield');
    if (entries !== undefined) item.description = entries.length === 0 ? vscode.l10n.t('none') : String(entries.length);
    item.tooltip = vscode.l10n.t('The OIDC issuers and subjects whose tokens {0} accepts instead of its robot token.', this.robotNode.robot.fullName);
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const { namespace, robot } = this.robotNode;
    let entries: readonly FederationEntry[];
    try {
      entries = await this.ctx.cache.get(this.id, () => this.ctx.client(this.instanceUrl).getFederation(namespace, robot.shortName));
    } catch (error) {
      return [errorNode(this, this.ctx, error, vscode.l10n.t('federation of {0}', robot.fullName))];
    }
    if (entries.length === 0) {
      return [new MessageNode(this, this.ctx, vscode.l10n.t('No trusted issuer'), { detail: vscode.l10n.t('Set Up Keyless Access… adds one') })];
    }
    // Quay stores any subject and issuer, line breaks included: they are shown escaped, behind a warning.
    return entries.map((f, i) => {
      const shown = entryDisplay(f, vscode.l10n.t('contains control characters (shown escaped)'));
      const warning = shown.warning !== undefined ? `\n\n⚠ ${escapeMarkdown(shown.warning)}` : '';
      const audiences = (f.audiences ?? []).map(visibleText);
      return new ItemNode(this, this.ctx, String(i), {
        label: shown.label,
        // Audiences only where Quay returns them (Quay 3.18's API never stores any; a database edit can).
        description: audiences.length > 0 ? vscode.l10n.t('{0} · aud {1}', shown.description, audiences.join(', ')) : shown.description,
        icon: shown.warning !== undefined ? 'warning' : 'shield',
        kind: NodeKinds.federation,
        tooltip: new vscode.MarkdownString(
          `**${vscode.l10n.t('Keyless federation')}**\n\n${vscode.l10n.t('Issuer')}: ${markdownCode(visibleText(f.issuer))}  \n${vscode.l10n.t('Subject')}: ${markdownCode(visibleText(f.subject))}  \n${
            audiences.length > 0
              ? `${vscode.l10n.t("Audiences (Quay checks the token's aud)")}: ${audiences.map(markdownCode).join(', ')}`
              : vscode.l10n.t("Audiences: none stored, so Quay does not check the token's aud")
          }${warning}`,
        ),
        name: shown.label,
        federation: f,
      });
    });
  }
}
