import * as vscode from 'vscode';
import { contextValue, NodeFlags, NodeKinds } from '../../constants';
import { markdownCode } from '../../core/markdown';
import type { FederationEntry } from '../../core/quay/types';
import type { TreeContext } from '../treeContext';
import { ItemNode } from './itemNode';
import { MessageNode } from './messageNode';
import type { RobotNode } from './robotNode';
import { TreeNode } from './treeNode';

/**
 * A robot's "Keyless federation" group: the (issuer, subject) pairs it trusts (contract §6.1). Its entries are
 * the robot's own load (`RobotNode.federationKey`), so expanding it asks nothing more of Quay. Trust commands
 * act on the group (Add Trust…, Remove All, Set Up Keyless Access…) and on each entry (Edit…, Remove).
 */
export class FederationGroupNode extends TreeNode {
  constructor(
    readonly robotNode: RobotNode,
    ctx: TreeContext,
    readonly entries: readonly FederationEntry[],
  ) {
    super(`${robotNode.id}/keyless`, robotNode, ctx);
  }

  get instanceId(): string {
    return this.robotNode.instanceId;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Keyless federation'), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = contextValue(NodeKinds.group, [NodeFlags.keyless]);
    item.iconPath = new vscode.ThemeIcon('shield');
    item.description = this.entries.length === 0 ? vscode.l10n.t('none') : String(this.entries.length);
    item.tooltip = vscode.l10n.t('The OIDC issuers and subjects whose tokens {0} accepts instead of its robot token.', this.robotNode.robot.fullName);
    return item;
  }

  override getChildren(): Promise<TreeNode[]> {
    if (this.entries.length === 0) {
      return Promise.resolve([new MessageNode(this, this.ctx, vscode.l10n.t('No trusted issuer'), { detail: vscode.l10n.t('Set Up Keyless Access… adds one') })]);
    }
    return Promise.resolve(
      this.entries.map(
        (f, i) =>
          new ItemNode(this, this.ctx, String(i), {
            label: f.subject,
            description: f.issuer,
            icon: 'shield',
            kind: NodeKinds.federation,
            tooltip: new vscode.MarkdownString(`**${vscode.l10n.t('Keyless federation')}**\n\n${vscode.l10n.t('Issuer')}: ${markdownCode(f.issuer)}  \n${vscode.l10n.t('Subject')}: ${markdownCode(f.subject)}`),
            name: f.subject,
            federation: f,
          }),
      ),
    );
  }
}
