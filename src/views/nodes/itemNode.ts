import * as vscode from 'vscode';
import { contextValue, type NodeFlag, type NodeKind } from '../../constants';
import type { FederationEntry, Namespace, Prototype, Role } from '../../core/quay/types';
import type { TreeContext } from '../treeContext';
import { TreeNode } from './treeNode';

/** The repository permission a row stands for, so "Change Role…" and "Revoke" can act on it. */
export interface PermissionRef {
  readonly namespace: Namespace;
  readonly repository: string;
  readonly principal: string;
  readonly principalKind: 'user' | 'robot' | 'team';
  readonly role: Role;
}

export interface ItemSpec {
  readonly label: string;
  readonly description?: string;
  readonly icon: string;
  readonly kind: NodeKind;
  readonly flags?: readonly NodeFlag[];
  readonly tooltip?: vscode.MarkdownString | string;
  readonly name?: string;
  readonly webUrl?: string;
  readonly permission?: PermissionRef;
  /** For a default-permission row: the organization and the rule. */
  readonly prototype?: { readonly org: string; readonly rule: Prototype };
  /** For a team-membership row (under a robot or a team): the organization, team and member. */
  readonly membership?: { readonly org: string; readonly team: string; readonly member: string };
  /** For a federation row (under a robot's "Keyless federation" group): the trusted pair. */
  readonly federation?: FederationEntry;
}

/**
 * A leaf row: a robot's repository grant, team or federation entry; who can access a repository; a team
 * member. Data only, so one class serves them all; its contextValue says which kind it is.
 */
export class ItemNode extends TreeNode {
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    idSuffix: string,
    readonly spec: ItemSpec,
  ) {
    super(`${parent.id}/${idSuffix}`, parent, ctx);
  }

  get instanceUrl(): string {
    return this.parent!.instanceUrl;
  }

  override get copyName(): string | undefined {
    return this.spec.name;
  }

  override get webUrl(): string | undefined {
    return this.spec.webUrl;
  }

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.spec.label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.contextValue = contextValue(this.spec.kind, this.spec.flags ?? []);
    item.iconPath = new vscode.ThemeIcon(this.spec.icon);
    if (this.spec.description !== undefined) item.description = this.spec.description;
    if (this.spec.tooltip !== undefined) item.tooltip = this.spec.tooltip;
    return item;
  }
}
