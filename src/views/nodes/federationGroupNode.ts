import * as vscode from 'vscode';
import { contextValue, NodeFlags, NodeKinds } from '../../constants';
import { markdownCode } from '../../core/markdown';
import type { FederationEntry } from '../../core/quay/types';
import type { TreeContext } from '../treeContext';
import { ItemNode } from './itemNode';
import { errorNode, MessageNode } from './messageNode';
import type { RobotNode } from './robotNode';
import { TreeNode } from './treeNode';

/**
 * A robot's "Keyless federation" group: the (issuer, subject) pairs it trusts (contract §6.1). Its id is the key
 * of the robot's own federation load (`RobotNode.federationKey`), so expanding it after the robot asks nothing
 * more of Quay, and refreshing it reads the list again. Trust commands act on the group (Add Trust…, Remove All,
 * Set Up Keyless Access…) and on each entry (Edit…, Remove).
 */
export class FederationGroupNode extends TreeNode {
  constructor(
    readonly robotNode: RobotNode,
    ctx: TreeContext,
  ) {
    super(robotNode.federationKey, robotNode, ctx);
  }

  private get entries(): readonly FederationEntry[] | undefined {
    return this.ctx.cache.peek<readonly FederationEntry[]>(this.id);
  }

  get instanceId(): string {
    return this.robotNode.instanceId;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Keyless federation'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = contextValue(NodeKinds.group, [NodeFlags.keyless]);
    item.iconPath = new vscode.ThemeIcon('shield');
    const entries = this.entries;
    if (entries !== undefined) item.description = entries.length === 0 ? vscode.l10n.t('none') : String(entries.length);
    item.tooltip = vscode.l10n.t('The OIDC issuers and subjects whose tokens {0} accepts instead of its robot token.', this.robotNode.robot.fullName);
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const { namespace, robot } = this.robotNode;
    let entries: readonly FederationEntry[];
    try {
      entries = await this.ctx.cache.get(this.id, () => this.ctx.client(this.instanceId).getFederation(namespace, robot.shortName));
    } catch (error) {
      return [errorNode(this, this.ctx, error, vscode.l10n.t('federation of {0}', robot.fullName))];
    }
    if (entries.length === 0) {
      return [new MessageNode(this, this.ctx, vscode.l10n.t('No trusted issuer'), { detail: vscode.l10n.t('Set Up Keyless Access… adds one') })];
    }
    return (
      entries.map(
        (f, i) =>
          new ItemNode(this, this.ctx, String(i), {
            label: f.subject,
            // Audiences only where Quay returns them (Quay 3.18's API never stores any; a database edit can).
            description: (f.audiences?.length ?? 0) > 0 ? vscode.l10n.t('{0} · aud {1}', f.issuer, (f.audiences ?? []).join(', ')) : f.issuer,
            icon: 'shield',
            kind: NodeKinds.federation,
            tooltip: new vscode.MarkdownString(
              `**${vscode.l10n.t('Keyless federation')}**\n\n${vscode.l10n.t('Issuer')}: ${markdownCode(f.issuer)}  \n${vscode.l10n.t('Subject')}: ${markdownCode(f.subject)}  \n${
                (f.audiences?.length ?? 0) > 0
                  ? `${vscode.l10n.t('Audiences (Quay checks the token\'s aud)')}: ${(f.audiences ?? []).map(markdownCode).join(', ')}`
                  : vscode.l10n.t('Audiences: none stored, so Quay does not check the token\'s aud')
              }`,
            ),
            name: f.subject,
            federation: f,
          }),
      )
    );
  }
}
