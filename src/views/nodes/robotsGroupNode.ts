import * as vscode from 'vscode';
import { NodeFlags, type NodeFlag } from '../../constants';
import { robotCreationDisallowed } from '../../core/capabilities';
import { escapeMarkdown } from '../../core/markdown';
import { hostOf } from '../../core/instances';
import { robotCreationDisabledReason, robotCreationDisabledShort } from '../capabilityText';
import type { Namespace, Robot } from '../../core/quay/types';
import { nodeIds } from '../nodeIds';
import { federationGapKey, type TreeContext } from '../treeContext';
import { federationGap } from '../../core/federation/trust';
import { ListGroupNode, type Loaded } from './listGroupNode';
import { MessageNode } from './messageNode';
import { RobotNode } from './robotNode';
import type { TreeNode } from './treeNode';

/**
 * "Robot accounts" of one namespace. The list endpoint has no paging: it is fetched once per namespace
 * with `permissions=true&token=false` (repository and team names, never tokens).
 */
/** Up to this many robots, federation is looked up with the list. */
const EAGER_FEDERATION_LIMIT = 25;

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
    super(nodeIds.robots(parent.instanceUrl, namespace), parent, ctx);
    this.what = vscode.l10n.t('robot accounts of {0}', namespace.name);
  }

  /** The last load's federation look-up, running after the list is on screen (the tree benchmark waits for it). */
  background: Promise<void> = Promise.resolve();

  protected async load(): Promise<Loaded<Robot>> {
    const client = this.ctx.client(this.instanceUrl);
    const robots = await client.listRobots(this.namespace, { permissions: true, token: false });
    // Quay's robot list says nothing about federation. For a small group it is looked up after the list is on
    // screen (the client's concurrency limit applies), so the first screen costs what the Quay UI's does and the
    // "federated" icon and the trust-dependent menu entries follow; a large group learns it per robot, on expansion.
    if (robots.length <= EAGER_FEDERATION_LIMIT) {
      this.background = new Promise((resolve) => setTimeout(resolve, 0)).then(() => this.learnFederation(robots));
    }
    // Token ages come from the usage logs (up to 20 requests), after the list is on screen; the rows redraw then.
    setTimeout(() => this.ctx.tokenAges.prefetch(this.instanceUrl, this.namespace, robots), 0);
    return { items: [...robots].sort((a, b) => a.shortName.localeCompare(b.shortName)) };
  }

  /** Each robot's trust list into the cache its row and its "Keyless federation" group read; a refusal only means "unknown". */
  private async learnFederation(robots: readonly Robot[]): Promise<void> {
    const client = this.ctx.client(this.instanceUrl);
    const gapKey = federationGapKey(this.instanceUrl, this.namespace.kind);
    const hadGap = this.ctx.noFederation.has(gapKey);
    await Promise.all(
      robots.map((r) =>
        this.ctx.cache
          .get(nodeIds.federation(nodeIds.robot(this.instanceUrl, this.namespace, r.shortName)), () => client.getFederation(this.namespace, r.shortName))
          .catch((error: unknown) => {
            const gap = federationGap(error);
            if (gap !== undefined) this.ctx.noFederation.set(federationGapKey(this.instanceUrl, gap.scope), gap);
          }),
      ),
    );
    // A newly learnt gap is said on this group (its children); otherwise only the robot rows change.
    if (!hadGap && this.ctx.noFederation.has(gapKey)) this.ctx.redraw(this);
    else this.ctx.redrawRows((n) => n instanceof RobotNode && n.parent?.id === this.id);
  }

  override async getChildren(): Promise<TreeNode[]> {
    const nodes = await super.getChildren();
    // Said once per robots group, for the scope of this namespace: a Quay before 3.18 has federation for the
    // organizations' robots but not for the user's own.
    const gap = this.ctx.noFederation.get(federationGapKey(this.instanceUrl, this.namespace.kind));
    if (gap === undefined) return nodes;
    return [new MessageNode(this, this.ctx, vscode.l10n.t('Keyless needs Quay {0}', gap.minVersion), { detail: gap.learnedFrom, tooltip: gap.message, key: 'nofederation' }), ...nodes];
  }

  private get creationDisallowed(): boolean {
    return robotCreationDisallowed(this.ctx.capabilities.peek(this.instanceUrl));
  }

  protected override extraFlags(): NodeFlag[] {
    return this.creationDisallowed ? [NodeFlags.robotsDisallowed] : [];
  }

  override toTreeItem(): vscode.TreeItem {
    const item = super.toTreeItem();
    if (!this.creationDisallowed) return item;
    // The reason in place of the Create Robot button (the menus show a disabled stand-in that says the same).
    const count = typeof item.description === 'string' && item.description !== '' ? item.description : undefined;
    item.description = [count, robotCreationDisabledShort()].filter((p) => p !== undefined).join(' · ');
    item.tooltip = new vscode.MarkdownString(`$(circle-slash) ${escapeMarkdown(robotCreationDisabledReason(hostOf(this.instanceUrl)))}`, true);
    return item;
  }

  protected toNode(robot: Robot): TreeNode {
    return new RobotNode(this, this.ctx, robot, this.namespace);
  }

  protected filterText(robot: Robot): string {
    return `${robot.shortName} ${robot.description}`;
  }
}
