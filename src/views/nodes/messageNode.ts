import * as vscode from 'vscode';
import { Commands, contextValue, NodeFlags, NodeKinds, type NodeFlag } from '../../constants';
import { escapeMarkdown } from '../../core/markdown';
import { QuayApiError } from '../../core/quay/errors';
import type { TreeContext } from '../treeContext';
import { TreeNode } from './treeNode';
import { errorMessage } from '../../core/log';

/**
 * Loading failures and empty states render as nodes, never as toasts (house-style §5).
 * An error node carries `+signin` or `+retry` so its inline action appears.
 */
export class MessageNode extends TreeNode {
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    private readonly label: string,
    /** `tooltip`: a longer text for the hover than `detail` (the row's description). */
    private readonly options: { detail?: string; tooltip?: string; flags?: NodeFlag[]; icon?: string; error?: boolean; key?: string } = {},
  ) {
    super(`${parent.id}/~message${options.key !== undefined ? `-${options.key}` : ''}`, parent, ctx);
  }

  get instanceUrl(): string {
    return this.parent!.instanceUrl;
  }

  /** The node to refresh when the user clicks "Retry" on this message. */
  get retryTarget(): TreeNode {
    return this.parent!;
  }

  toTreeItem(): vscode.TreeItem {
    // Error texts can quote a server: they are cleaned like log lines (before the Markdown escaping hides a secret's shape).
    const label = this.ctx.logger.clean(this.label);
    const detail = this.options.detail !== undefined ? this.ctx.logger.clean(this.options.detail) : undefined;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const flags = this.options.flags ?? [];
    item.contextValue = contextValue(this.options.error === true ? NodeKinds.error : NodeKinds.message, flags);
    item.iconPath = new vscode.ThemeIcon(
      this.options.icon ?? (this.options.error === true ? 'error' : 'info'),
      this.options.error === true ? new vscode.ThemeColor('list.errorForeground') : undefined,
    );
    if (detail !== undefined) {
      item.description = detail;
      const tooltip = this.options.tooltip !== undefined ? this.ctx.logger.clean(this.options.tooltip) : detail;
      item.tooltip = new vscode.MarkdownString(`**${escapeMarkdown(label)}**\n\n${escapeMarkdown(tooltip)}`);
    }
    if (flags.includes(NodeFlags.signIn)) {
      item.command = { command: Commands.signIn, title: vscode.l10n.t('Sign in again'), arguments: [this] };
    } else if (flags.includes(NodeFlags.retry)) {
      item.command = { command: Commands.retry, title: vscode.l10n.t('Retry'), arguments: [this] };
    }
    return item;
  }
}

/** Turns a loading failure into the node that explains it and offers the way out. */
export function errorNode(parent: TreeNode, ctx: TreeContext, error: unknown, what: string, key?: string): MessageNode {
  const k = key !== undefined ? { key } : {};
  if (QuayApiError.is(error, 'unauthorized')) {
    return new MessageNode(parent, ctx, vscode.l10n.t('Token rejected — Sign in again'), {
      detail: error.serverMessage ?? error.message,
      flags: [NodeFlags.signIn],
      error: true,
      ...k,
    });
  }
  if (QuayApiError.is(error, 'forbidden')) {
    return new MessageNode(parent, ctx, vscode.l10n.t('No access to {0}', what), {
      detail: error.userHint ?? error.serverMessage ?? error.message,
      icon: 'lock',
      flags: [NodeFlags.retry],
      error: true,
      ...k,
    });
  }
  const message = errorMessage(error);
  ctx.logger.warn(`Could not load ${what}: ${message}`);
  const reason = error instanceof QuayApiError ? error.reason : 'error';
  return new MessageNode(parent, ctx, vscode.l10n.t('Could not load {0} ({1}) — Retry', what, reason), {
    detail: message,
    flags: [NodeFlags.retry],
    error: true,
    ...k,
  });
}
