import * as vscode from 'vscode';
import { NodeFlags, NodeKinds } from '../../constants';
import { escapeMarkdown } from '../../core/markdown';
import type { Prototype } from '../../core/quay/types';
import { describePrototype, prototypeRulesMarkdown } from '../prototypeText';
import type { TreeContext } from '../treeContext';
import { nodeIds } from '../nodeIds';
import { webUrls } from '../webUrls';
import { ItemNode } from './itemNode';
import { ListGroupNode, type Loaded } from './listGroupNode';
import type { TreeNode } from './treeNode';

/** "Default permissions" of an organization (prototypes). */
export class PrototypesGroupNode extends ListGroupNode<Prototype> {
  readonly label = vscode.l10n.t('Default permissions');
  protected readonly icon = 'law';
  protected readonly flag = NodeFlags.prototypes;
  protected readonly what: string;

  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly org: string,
  ) {
    super(nodeIds.prototypes(parent.instanceUrl, { kind: 'org', name: org }), parent, ctx);
    this.what = vscode.l10n.t('default permissions of {0}', org);
  }

  protected async load(): Promise<Loaded<Prototype>> {
    return { items: await this.ctx.client(this.instanceUrl).listPrototypes(this.org) };
  }

  protected toNode(p: Prototype): TreeNode {
    const { label, description } = describePrototype(p);
    const md = new vscode.MarkdownString(`**${escapeMarkdown(label)}** ${escapeMarkdown(description)}\n\n---\n\n${prototypeRulesMarkdown()}`);
    return new ItemNode(this, this.ctx, `prototype/${encodeURIComponent(p.id)}`, {
      label,
      description,
      icon: p.delegate.kind === 'team' ? 'organization' : p.delegate.kind === 'robot' ? 'robot' : 'account',
      kind: NodeKinds.prototype,
      flags: p.delegate.kind === 'robot' ? [NodeFlags.robot] : [],
      tooltip: md,
      name: p.delegate.name,
      webUrl: `${webUrls.org(this.instanceUrl, this.org)}?tab=defaultpermissions`,
      prototype: { org: this.org, rule: p },
    });
  }

  protected filterText(p: Prototype): string {
    return `${p.delegate.name} ${p.role} ${p.activatingUser?.name ?? ''}`;
  }
}
