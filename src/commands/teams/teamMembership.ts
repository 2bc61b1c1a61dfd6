import * as vscode from 'vscode';
import { ItemNode } from '../../views/nodes/itemNode';
import { TeamNode } from '../../views/nodes/teamsGroupNode';
import { nodeIds } from '../../views/nodeIds';
import type { CommandContext } from '../commandContext';
import { MembershipRef } from '../../refs';
import { pickMembership, resolveRobot } from '../pickers';
import { UserCancelled } from '../runCommand';
import { required } from '../prompts';

function refresh(c: CommandContext, instanceUrl: string, org: string, team: string, member: string): void {
  const ns = { kind: 'org' as const, name: org };
  c.tree.refreshIds([nodeIds.robots(instanceUrl, ns), nodeIds.team(instanceUrl, ns, team), nodeIds.teams(instanceUrl, ns), ...(member.startsWith(`${org}+`) ? [nodeIds.robot(instanceUrl, ns, member.slice(org.length + 1))] : [])]);
}

/** "Add to Team…" from a robot (pick the team) or from a team (pick the robot). */
export async function addToTeam(c: CommandContext, node?: unknown): Promise<void> {
  let instanceUrl: string;
  let org: string;
  let team: string;
  let member: string;
  if (node instanceof TeamNode) {
    instanceUrl = node.instanceUrl;
    org = node.org;
    team = node.team.name;
    const robots = await c.clients.get(instanceUrl).listRobots({ kind: 'org', name: org });
    const picked = await required(vscode.window.showQuickPick(robots.map((r) => ({ label: r.fullName, description: r.description })), {
      title: vscode.l10n.t('Add a robot to team {0}', team),
      ignoreFocusOut: true,
    }));
    member = picked.label;
  } else {
    const target = await resolveRobot(c, node, vscode.l10n.t('Add to Team'));
    if (target.namespace.kind !== 'org') throw new Error(vscode.l10n.t('Only organization robots can join teams; {0} is a user robot.', target.robot.fullName));
    instanceUrl = target.instance.url;
    org = target.namespace.name;
    member = target.robot.fullName;
    const teams = (await c.clients.get(instanceUrl).getOrganization(org)).teams.filter((t) => !(target.robot.teams ?? []).includes(t.name));
    const picked = await required(vscode.window.showQuickPick(teams.map((t) => ({ label: t.name, description: t.role })), { title: vscode.l10n.t('Add {0} to a team', member), ignoreFocusOut: true }));
    team = picked.label;
  }
  await c.clients.get(instanceUrl).addTeamMember(org, team, member);
  c.logger.info(`Added ${member} to team ${org}/${team}.`);
  refresh(c, instanceUrl, org, team, member);
  void vscode.window.showInformationMessage(vscode.l10n.t('Added {0} to team {1}.', member, team));
}

/** "Remove from Team" on a membership row (under a robot or a team), after a modal. */
export async function removeFromTeam(c: CommandContext, node?: unknown): Promise<void> {
  let m: { instanceUrl: string; org: string; team: string; member: string };
  if (node instanceof ItemNode && node.spec.membership !== undefined) {
    m = { instanceUrl: node.instanceUrl, ...node.spec.membership };
  } else if (node instanceof MembershipRef) {
    m = { instanceUrl: node.instanceUrl, org: node.org, team: node.team, member: node.member };
  } else {
    const p = await pickMembership(c, node, vscode.l10n.t('Remove from Team'));
    m = { instanceUrl: p.instance.url, org: p.org, team: p.team, member: p.member };
  }
  const remove = vscode.l10n.t('Remove from Team');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Remove {0} from team {1}?', m.member, m.team),
    { modal: true, detail: vscode.l10n.t('It loses every repository permission it had through {0}.', m.team) },
    remove,
  );
  if (choice !== remove) throw new UserCancelled();
  await c.clients.get(m.instanceUrl).removeTeamMember(m.org, m.team, m.member);
  refresh(c, m.instanceUrl, m.org, m.team, m.member);
}

