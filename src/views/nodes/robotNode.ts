import * as vscode from 'vscode';
import { contextValue, NodeFlags, NodeKinds, type NodeFlag } from '../../constants';
import type { FederationEntry, Namespace, Robot, RobotPermission } from '../../core/quay/types';
import { isOverdue } from '../../core/rotation/tokenAge';
import { exactTime, relativeTime } from '../../core/time';
import { tokenAgeSource, tokenAgeText } from '../tokenAgeText';
import { federationGapKey, type TreeContext } from '../treeContext';
import { nodeIds } from '../nodeIds';
import { webUrls } from '../webUrls';
import { federationGap } from '../../core/federation/trust';
import { FederationGroupNode } from './federationGroupNode';
import { robotCreationDisallowed } from '../../core/capabilities';
import { logsAggregationOffReason } from '../capabilityText';
import { ItemNode } from './itemNode';
import { ListGroupNode } from './listGroupNode';
import { escapeMarkdown, markdownCode } from '../../core/markdown';
import { errorNode } from './messageNode';
import { TreeNode } from './treeNode';

/**
 * A robot account. Expanding it loads its direct repository grants (`GET …/robots/{r}/permissions`) and its
 * federation entries; its teams come with the list. Each part fails on its own, in place.
 */
export class RobotNode extends TreeNode {
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly robot: Robot,
    /** The namespace the robot belongs to (org or the user's own): decides its API paths. */
    readonly namespace: Namespace,
  ) {
    super(nodeIds.robot(parent.instanceUrl, namespace, robot.shortName), parent, ctx);
  }

  get instanceUrl(): string {
    return this.parent!.instanceUrl;
  }

  override get copyName(): string {
    return this.robot.fullName;
  }

  override get webUrl(): string {
    return webUrls.namespaceTab(this.instanceUrl, this.namespace, 'robots');
  }

  get federationKey(): string {
    return nodeIds.federation(this.id);
  }

  private get permissionsKey(): string {
    return nodeIds.permissions(this.id);
  }

  /** No direct grant and no team: the robot can pull nothing private. Unknown when the list lacked permissions. */
  get hasNoAccess(): boolean {
    const r = this.robot;
    const grants = this.ctx.cache.peek<readonly RobotPermission[]>(this.permissionsKey)?.length ?? r.repositories?.length;
    return grants === 0 && (r.teams?.length ?? 0) === 0;
  }

  /** Made here as a successor, and its predecessor is still in the list this row came from. */
  private get hasPredecessor(): boolean {
    const predecessor = this.ctx.successors?.predecessorOf(this.instanceUrl, this.robot.fullName);
    if (predecessor === undefined) return false;
    const listed = this.parent instanceof ListGroupNode ? (this.parent.loaded?.items as readonly Robot[] | undefined) : undefined;
    return listed?.some((r) => r.fullName === predecessor) ?? false;
  }

  toTreeItem(): vscode.TreeItem {
    const r = this.robot;
    const item = new vscode.TreeItem(r.shortName, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    const federation = this.ctx.cache.peek<readonly FederationEntry[]>(this.federationKey);
    const flags: NodeFlag[] = [];
    // Known trust decides the keyless entries (Remove All Trust, Test Keyless Login need entries); while unknown
    // (not read yet: a large group reads it on expansion) they are offered, and the command says what it finds.
    const noKeyless = this.ctx.noFederation.has(federationGapKey(this.instanceUrl, this.namespace.kind));
    if (federation !== undefined && federation.length > 0) flags.push(NodeFlags.federated);
    else if (federation !== undefined || noKeyless) flags.push(NodeFlags.noTrust);
    if (noKeyless) flags.push(NodeFlags.noKeyless);
    if (this.hasPredecessor) flags.push(NodeFlags.successor);
    if (r.lastAccessed === undefined) flags.push(NodeFlags.unused);
    if (this.hasNoAccess) flags.push(NodeFlags.noAccess);
    if (this.namespace.kind === 'user') flags.push(NodeFlags.user);
    const capabilities = this.ctx.capabilities.peek(this.instanceUrl);
    if (robotCreationDisallowed(capabilities)) flags.push(NodeFlags.robotsDisallowed);
    const now = this.ctx.now();
    const age = this.ctx.tokenAges.peek(this.instanceUrl, this.namespace, r.fullName);
    // A federated robot pulls with exchanged one-hour tokens: its static token's age is shown, not warned about.
    const overdue = age !== undefined && !flags.includes(NodeFlags.federated) && isOverdue(age, now, this.ctx.maxTokenAgeDays()) === true;
    if (overdue) flags.push(NodeFlags.overdue);
    // The last hygiene review's findings about this robot: from memory, no request (src/host/hygieneResults.ts).
    const review = this.ctx.hygiene?.forRobot(this.instanceUrl, r.fullName);
    const findings = review?.findings ?? [];
    const worst = findings.some((f) => f.severity === 'error') ? 'error' : findings.some((f) => f.severity === 'warning') ? 'warning' : findings.length > 0 ? 'info' : undefined;
    if (worst !== undefined) flags.push(NodeFlags.hygiene);
    item.contextValue = contextValue(NodeKinds.robot, flags);
    item.iconPath = worst === 'error'
      ? new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'))
      : overdue || worst === 'warning'
      ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : worst === 'info'
      ? new vscode.ThemeIcon('info')
      : flags.includes(NodeFlags.federated)
      ? new vscode.ThemeIcon('shield')
      : this.hasNoAccess
        ? new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'))
        : r.lastAccessed === undefined
          ? new vscode.ThemeIcon('robot', new vscode.ThemeColor('disabledForeground'))
          : new vscode.ThemeIcon('robot');
    const used = r.lastAccessed === undefined ? vscode.l10n.t('never used') : vscode.l10n.t('used {0}', relativeTime(r.lastAccessed, now));
    const created = r.created !== undefined ? vscode.l10n.t('created {0}', relativeTime(r.created, now)) : '';
    item.description = [
      r.description,
      flags.includes(NodeFlags.federated) ? vscode.l10n.t('federated') : '',
      overdue && age !== undefined ? tokenAgeText(age, now) : '',
      used,
      created,
      this.hasNoAccess ? vscode.l10n.t('no repository access') : '',
      findings.length === 1 ? vscode.l10n.t('1 hygiene finding') : findings.length > 1 ? vscode.l10n.t('{0} hygiene findings', findings.length) : '',
    ]
      .filter((p) => p !== '')
      .join(' · ');
    const md = new vscode.MarkdownString(`$(robot) **${escapeMarkdown(r.fullName)}**`, true);
    if (r.description !== '') md.appendMarkdown(`\n\n${escapeMarkdown(r.description)}`);
    md.appendMarkdown(`\n\n${vscode.l10n.t('Created')}: ${r.created !== undefined ? `${exactTime(r.created)} (${relativeTime(r.created, now)})` : '—'}`);
    md.appendMarkdown(
      `  \n${vscode.l10n.t('Last accessed')}: ${r.lastAccessed !== undefined ? `${exactTime(r.lastAccessed)} (${relativeTime(r.lastAccessed, now)})` : vscode.l10n.t('never')}`,
    );
    const noAges = age === undefined ? logsAggregationOffReason(capabilities) : undefined;
    if (noAges !== undefined) md.appendMarkdown(`  \n${escapeMarkdown(noAges)}`);
    if (age !== undefined) md.appendMarkdown(`  \n${vscode.l10n.t('Token')}: ${escapeMarkdown(tokenAgeText(age, now))}, ${escapeMarkdown(tokenAgeSource(age))}${overdue ? ` $(warning) ${vscode.l10n.t('older than {0} days: rotate it', this.ctx.maxTokenAgeDays())}` : ''}`);
    if (r.repositories !== undefined) md.appendMarkdown(`  \n${vscode.l10n.t('Direct repository permissions')}: ${r.repositories.length}`);
    if (r.teams !== undefined && r.teams.length > 0) md.appendMarkdown(`  \n${vscode.l10n.t('Teams')}: ${r.teams.map(escapeMarkdown).join(', ')}`);
    if (federation !== undefined && federation.length > 0) md.appendMarkdown(`  \n${vscode.l10n.t('Keyless federation')}: ${federation.length}`);
    if (review !== undefined && findings.length > 0) {
      md.appendMarkdown(`\n\n**${vscode.l10n.t('Hygiene review of {0}', exactTime(review.at))}**`);
      for (const f of findings) md.appendMarkdown(`\n- $(${f.severity === 'info' ? 'info' : f.severity}) ${markdownCode(f.check)}: ${escapeMarkdown(f.message)}`);
    }
    item.tooltip = md;
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    const client = this.ctx.client(this.instanceUrl);
    const [grants, federation] = await Promise.allSettled([
      this.ctx.cache.get(this.permissionsKey, () => client.getRobotPermissions(this.namespace, this.robot.shortName)),
      this.ctx.cache.get(this.federationKey, () => client.getFederation(this.namespace, this.robot.shortName)),
    ]);
    const nodes: TreeNode[] = [];
    const repoNs = this.namespace.name;
    if (grants.status === 'fulfilled') {
      for (const g of [...grants.value].sort((a, b) => a.repository.localeCompare(b.repository))) {
        nodes.push(
          new ItemNode(this, this.ctx, `grant/${encodeURIComponent(g.repository)}`, {
            label: g.repository,
            description: g.role,
            icon: g.isPublic ? 'repo' : 'lock',
            kind: NodeKinds.grant,
            flags: [NodeFlags.repos],
            tooltip: vscode.l10n.t('{0} has {1} on {2}/{3} (direct permission)', this.robot.fullName, g.role, repoNs, g.repository),
            name: `${repoNs}/${g.repository}`,
            permission: { namespace: this.namespace, repository: g.repository, principal: this.robot.fullName, principalKind: 'robot', role: g.role },
            webUrl: webUrls.repository(this.instanceUrl, `${repoNs}/${g.repository}`),
          }),
        );
      }
      if (grants.value.length === 0) nodes.push(new ItemNode(this, this.ctx, 'grant/~none', { label: vscode.l10n.t('No direct repository permissions'), icon: 'circle-slash', kind: NodeKinds.message }));
    } else {
      nodes.push(errorNode(this, this.ctx, grants.reason, vscode.l10n.t('repository permissions of {0}', this.robot.fullName), 'grants'));
    }
    for (const team of this.robot.teams ?? []) {
      nodes.push(
        new ItemNode(this, this.ctx, `team/${encodeURIComponent(team)}`, {
          label: team,
          description: vscode.l10n.t('team'),
          icon: 'organization',
          kind: NodeKinds.membership,
          flags: [NodeFlags.teams],
          name: team,
          ...(this.namespace.kind === 'org' ? { membership: { org: this.namespace.name, team, member: this.robot.fullName } } : {}),
          ...(this.namespace.kind === 'org' ? { webUrl: webUrls.team(this.instanceUrl, this.namespace.name, team) } : {}),
        }),
      );
    }
    const gap = federation.status === 'rejected' ? federationGap(federation.reason) : undefined;
    if (federation.status === 'fulfilled') {
      nodes.push(new FederationGroupNode(this, this.ctx));
    } else if (gap !== undefined) {
      // Said once, on the robots group (RobotsGroupNode), instead of an error under every robot.
      this.ctx.noFederation.set(federationGapKey(this.instanceUrl, gap.scope), gap);
    } else {
      nodes.push(errorNode(this, this.ctx, federation.reason, vscode.l10n.t('federation of {0}', this.robot.fullName), 'federation'));
    }
    return nodes;
  }
}
