import * as vscode from 'vscode';
import type { InstanceConfig } from '../../core/instances';
import { DEFAULT_MIRROR_BUDGET, isMirrorRefusal, mirrorsUsingRobot, type MirrorUsage } from '../../core/mirrorUsage';
import { QuayApiError } from '../../core/quay/errors';
import type { Namespace } from '../../core/quay/types';
import type { CommandContext } from '../commandContext';
import { UserCancelled } from '../runCommand';

/**
 * The mirror check shared by Delete Robot, Retire Predecessor and the successor flow (AGENTS.md "Deleting a robot"): which
 * mirrors push with the robot, read within the budget of `core/mirrorUsage.ts` (at most
 * {@link DEFAULT_MIRROR_BUDGET} mirror configurations + 2 requests), shown before the user confirms; and Quay's
 * refusal explained after, when the check could not see the mirror.
 */
export async function checkMirrors(c: CommandContext, instance: InstanceConfig, namespace: Namespace, robot: string): Promise<MirrorUsage> {
  const usage = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Checking which mirrors use {0}…', robot) }, () =>
    mirrorsUsingRobot(c.clients.get(instance.url), namespace, robot),
  );
  c.logger.info(
    `Mirror check of ${robot} on ${instance.url}: ${usage.repositories.length} repository mirrors, organization mirror: ${usage.organizationMirror !== undefined ? 'yes' : 'no'}, ${usage.notExamined.length} not examined, ${usage.requests} requests.`,
  );
  return usage;
}

/** Quay's web page where a repository's mirror (and its robot) is changed. */
export function mirroringSettingsUrl(instance: InstanceConfig, repository: string): string {
  return `${instance.url}/repository/${repository.split('/').map(encodeURIComponent).join('/')}?tab=mirroring`;
}

/** The modal's lines: the organization mirror that goes with the robot, and what the check could not examine. */
export function mirrorNotes(usage: MirrorUsage, robot: string): string[] {
  const lines: string[] = [];
  const org = usage.organizationMirror;
  if (org !== undefined) {
    lines.push(
      vscode.l10n.t(
        'The organization mirror of {0} runs with {1}. Quay does not refuse this deletion: it deletes the organization mirror with the robot. Choose another robot in the organization mirror settings first to keep it.',
        org.org,
        robot,
      ),
    );
  }
  const repos = usage.notExamined.filter((n) => n.what === 'repository');
  const beyond = repos.filter((n) => /budget/.test(n.reason));
  if (beyond.length > 0) lines.push(vscode.l10n.t('Mirrors: {0} writable repositories not checked (at most {1} are read): {2}.', beyond.length, DEFAULT_MIRROR_BUDGET, beyond.map((n) => n.repository ?? '').join(', ')));
  for (const n of usage.notExamined.filter((x) => !(x.what === 'repository' && /budget/.test(x.reason)))) {
    lines.push(
      n.what === 'permissions'
        ? vscode.l10n.t("Mirrors: the robot's permissions could not be read, so its repository mirrors were not checked: {0}", n.reason)
        : n.what === 'organization'
          ? vscode.l10n.t('Mirrors: the organization mirror could not be read: {0}', n.reason)
          : vscode.l10n.t('Mirrors: the mirror of {0} could not be read: {1}', n.repository ?? '', n.reason),
    );
  }
  return lines;
}

/** The repository mirrors as one phrase: "platform/base-images" or "a, b and 2 more". */
export function mirrorList(usage: MirrorUsage): string {
  const names = usage.repositories.map((r) => r.repository);
  return names.length <= 3 ? names.join(', ') : vscode.l10n.t('{0} and {1} more', names.slice(0, 3).join(', '), names.length - 3);
}

/**
 * When a repository mirror pushes with the robot, the modal that says so instead of a delete Quay would refuse:
 * "Open Mirroring Settings" opens the first mirror's settings in Quay. Always ends the command (cancelled).
 */
export async function refuseForMirror(instance: InstanceConfig, usage: MirrorUsage, robot: string): Promise<never> {
  const open = vscode.l10n.t('Open Mirroring Settings');
  const first = usage.repositories[0]?.repository ?? '';
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} is the robot of the mirror of {1}.', robot, mirrorList(usage)),
    {
      modal: true,
      detail: [
        vscode.l10n.t('Quay refuses to delete a robot a repository mirror pushes with ("Robot is being used by a mirror"). Choose another robot in the mirroring settings of {0} first, then delete {1}.', mirrorList(usage), robot),
        ...mirrorNotes(usage, robot),
      ].join('\n'),
    },
    open,
  );
  if (choice === open) await vscode.env.openExternal(vscode.Uri.parse(mirroringSettingsUrl(instance, first)));
  throw new UserCancelled();
}

/**
 * Quay's refusal, with what to do: the repository named when the check found it (or a sentence saying the check
 * could not see it). Other errors are returned as they are.
 */
export function explainDeleteFailure(error: unknown, usage: MirrorUsage | undefined, robot: string): unknown {
  if (!isMirrorRefusal(error)) return error;
  const hint =
    usage !== undefined && usage.repositories.length > 0
      ? vscode.l10n.t('Choose another robot in the mirroring settings of {0} in Quay first, then delete {1}.', mirrorList(usage), robot)
      : vscode.l10n.t(
          "A repository mirror pushes with {0}, but it was not among the repositories checked (only those where the robot can write are). Find the repository whose Mirroring settings name {0} in Quay, choose another robot there, then delete {0}.",
          robot,
        );
  return new QuayApiError({
    reason: error.reason,
    instance: error.instance,
    method: error.method,
    path: error.path,
    operation: error.operation,
    ...(error.status !== undefined ? { status: error.status } : {}),
    ...(error.serverMessage !== undefined ? { serverMessage: error.serverMessage } : {}),
    userHint: hint,
    cause: error,
  });
}
