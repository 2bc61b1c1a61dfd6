import * as vscode from 'vscode';
import { contextValue, NodeFlags, NodeKinds } from '../../constants';
import type { Team, TeamMember } from '../../core/quay/types';
import type { TreeContext } from '../treeContext';
import { nodeIds } from '../nodeIds';
import { webUrls } from '../webUrls';
import { ItemNode } from './itemNode';
import { ListGroupNode, type Loaded } from './listGroupNode';
import { escapeMarkdown } from '../../core/markdown';
import { errorNode, MessageNode } from './messageNode';
import { TreeNode } from './treeNode';

/** "Teams": Quay has no list endpoint, the teams come with `GET /api/v1/organization/{org}` (members only). */
export class TeamsGroupNode extends ListGroupNode<Team> {
  readonly label = vscode.l10n.t('Teams');
  protected readonly icon = 'organization';
  protected readonly flag = NodeFlags.teams;
  protected readonly what: string;

  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly org: string,
  ) {
    super(nodeIds.teams(parent.instanceUrl, { kind: 'org', name: org }), parent, ctx);
    this.what = vscode.l10n.t('teams of {0}', org);
  }

  protected async load(): Promise<Loaded<Team>> {
    const org = await this.ctx.client(this.instanceUrl).getOrganization(this.org);
    return { items: org.teams };
  }

  protected toNode(team: Team): TreeNode {
    return new TeamNode(this, this.ctx, this.org, team);
  }

  protected filterText(team: Team): string {
    return `${team.name} ${team.description}`;
  }
}

export class TeamNode extends TreeNode {
  constructor(
    parent: TreeNode,
    ctx: TreeContext,
    readonly org: string,
    readonly team: Team,
  ) {
    super(nodeIds.team(parent.instanceUrl, { kind: 'org', name: org }, team.name), parent, ctx);
  }

  get instanceUrl(): string {
    return this.parent!.instanceUrl;
  }

  override get copyName(): string {
    return this.team.name;
  }

  override get webUrl(): string {
    return webUrls.team(this.instanceUrl, this.org, this.team.name);
  }

  toTreeItem(): vscode.TreeItem {
    const t = this.team;
    const item = new vscode.TreeItem(t.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.contextValue = contextValue(NodeKinds.team);
    item.iconPath = new vscode.ThemeIcon('organization');
    item.description = [t.role, t.memberCount !== undefined ? vscode.l10n.t('{0} members', t.memberCount) : undefined].filter((p) => p !== undefined).join(' · ');
    item.tooltip = new vscode.MarkdownString(
      `**${escapeMarkdown(t.name)}** (${escapeMarkdown(t.role)})${t.description !== '' ? `\n\n${escapeMarkdown(t.description)}` : ''}${
        t.repoCount !== undefined ? `\n\n${vscode.l10n.t('Repositories')}: ${t.repoCount}` : ''
      }`,
    );
    return item;
  }

  override async getChildren(): Promise<TreeNode[]> {
    let members: readonly TeamMember[];
    try {
      members = await this.ctx.cache.get(nodeIds.members(this.id), () => this.ctx.client(this.instanceUrl).listTeamMembers(this.org, this.team.name));
    } catch (error) {
      return [errorNode(this, this.ctx, error, vscode.l10n.t('members of team {0}', this.team.name))];
    }
    if (members.length === 0) return [new MessageNode(this, this.ctx, vscode.l10n.t('No members'))];
    return [...members]
      .sort((a, b) => Number(b.isRobot) - Number(a.isRobot) || a.name.localeCompare(b.name))
      .map(
        (m) =>
          new ItemNode(this, this.ctx, `member/${encodeURIComponent(m.name)}`, {
            label: m.name,
            description: [m.isRobot ? vscode.l10n.t('robot') : vscode.l10n.t('user'), m.invited ? vscode.l10n.t('invited') : undefined].filter((p) => p !== undefined).join(' · '),
            icon: m.isRobot ? 'robot' : 'account',
            kind: NodeKinds.member,
            flags: m.isRobot ? [NodeFlags.robot] : [NodeFlags.user],
            name: m.name,
            membership: { org: this.org, team: this.team.name, member: m.name },
          }),
      );
  }
}
