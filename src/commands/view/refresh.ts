import type { MessageNode } from '../../views/nodes/messageNode';
import { TreeNode } from '../../views/nodes/treeNode';
import type { CommandContext } from '../commandContext';

/** Refreshes the node it is invoked on (an instance, a group…) or, from the view title, everything. */
export function refresh(c: CommandContext, node?: unknown): Promise<void> {
  c.tree.refresh(node instanceof TreeNode ? node : undefined);
  return Promise.resolve();
}

/** "Retry" on an error node reloads the node that failed. */
export function retry(c: CommandContext, node?: MessageNode): Promise<void> {
  c.tree.refresh(node?.retryTarget);
  return Promise.resolve();
}
