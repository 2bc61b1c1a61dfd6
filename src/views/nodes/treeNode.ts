import type * as vscode from 'vscode';
import type { TreeContext } from '../treeContext';

/**
 * The small abstract node every kind extends (house-style §4): a stable hierarchical id, a parent for
 * `reveal`, and children loaded through the tree model's cache.
 */
export abstract class TreeNode {
  constructor(
    /** Stable id, `quay://<host>/org/<org>/robot/<name>`: survives refreshes, keys the cache. */
    readonly id: string,
    readonly parent: TreeNode | undefined,
    protected readonly ctx: TreeContext,
  ) {}

  abstract toTreeItem(): vscode.TreeItem;

  getChildren(): Promise<TreeNode[]> {
    return Promise.resolve([]);
  }

  /** The instance this node belongs to (every node but the root list has one). */
  abstract get instanceUrl(): string;

  /** What "Copy Name" copies: a robot's `ns+name`, a repository's `ns/name`… undefined = not offered. */
  get copyName(): string | undefined {
    return undefined;
  }

  /** The page of the instance's web UI that shows this object ("Reveal in Quay"). */
  get webUrl(): string | undefined {
    return undefined;
  }
}
