import * as vscode from 'vscode';
import { NodeFlags } from '../../constants';
import type { Namespace, Robot } from '../../core/quay/types';
import { nodeIds } from '../nodeIds';
import type { TreeContext } from '../treeContext';
import { ListGroupNode, type Loaded } from './listGroupNode';
import { RobotNode } from './robotNode';
import type { TreeNode } from './treeNode';

/**
 * "Robot accounts" of one namespace. The list endpoint has no paging: it is fetched once per namespace
 * with `permissions=true&token=false` (repository and team names, never tokens).
 */
export class RobotsGroupNode extends ListGroupNode<Robot> {
  readonly label = vscode.l10n.t('Robot accounts');
  protected readonly icon = 'robot';
  protected readonly flag = NodeFlags.robots;
  protected readonly what: string;

  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly namespace: Namespace,
  ) {
    super(nodeIds.robots(parent.instanceId, namespace), parent, ctx);
    this.what = vscode.l10n.t('robot accounts of {0}', namespace.name);
  }

  protected async load(): Promise<Loaded<Robot>> {
    const robots = await this.ctx.client(this.instanceId).listRobots(this.namespace, { permissions: true, token: false });
    return { items: [...robots].sort((a, b) => a.shortName.localeCompare(b.shortName)) };
  }

  protected toNode(robot: Robot): TreeNode {
    return new RobotNode(this, this.ctx, robot, this.namespace);
  }

  protected filterText(robot: Robot): string {
    return `${robot.shortName} ${robot.description}`;
  }
}
