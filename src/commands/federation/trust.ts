import * as vscode from 'vscode';
import { addEntry, federationGap, removeEntry, replaceEntry, updateTrust, validateTrust, type TrustChange } from '../../core/federation/trust';
import { entryDisplay } from '../../core/federation/display';
import { issuerInputProblem } from '../../core/federation/issuer';
import { visibleText } from '../../core/serverText';
import type { FederationEntry } from '../../core/quay/types';
import { FederationGroupNode } from '../../views/nodes/federationGroupNode';
import { ItemNode } from '../../views/nodes/itemNode';
import { nodeIds } from '../../views/nodeIds';
import type { CommandContext } from '../commandContext';
import { KeylessEntryRef } from '../../refs';
import { resolveRobot, type RobotTarget } from '../pickers';
import { UserCancelled } from '../runCommand';
import { required } from '../prompts';

/** The robot of a trust command: from a robot row, its "Keyless federation" group or one of its entries; else picked. */
export async function resolveKeylessRobot(c: CommandContext, node: unknown, title: string): Promise<RobotTarget> {
  const group = node instanceof FederationGroupNode ? node : node instanceof ItemNode && node.parent instanceof FederationGroupNode ? node.parent : undefined;
  return resolveRobot(c, group?.robotNode ?? (node instanceof KeylessEntryRef ? node.robot : node), title);
}

/** The entry a row stands for (Edit…, Remove, Check Issuer, Copy Login Command). */
export function entryOf(node: unknown): FederationEntry | undefined {
  return node instanceof ItemNode ? node.spec.federation : node instanceof KeylessEntryRef ? node.entry : undefined;
}

const audiencesText = (e: FederationEntry): string => ((e.audiences?.length ?? 0) > 0 ? `  (${vscode.l10n.t('audiences: {0}', (e.audiences ?? []).map(visibleText).join(', '))})` : '');
const describe = (entries: readonly FederationEntry[]): string =>
  entries.length === 0 ? `  (${vscode.l10n.t('none')})` : entries.map((e) => `  ${visibleText(e.issuer)}  →  ${visibleText(e.subject)}${audiencesText(e)}`).join('\n');

/**
 * Quay 3.18 accepts an entry's `audiences` and stores only its issuer and subject: said after the write, from the
 * list read back, never as if they were saved. Quay then does not check the tokens' `aud` for those entries.
 */
function reportAudiencesNotStored(c: CommandContext, target: RobotTarget, entries: readonly FederationEntry[]): void {
  if (entries.length === 0) return;
  const list = entries.map((e) => `${visibleText(e.subject)} (${(e.audiences ?? []).map(visibleText).join(', ')})`).join('; ');
  c.logger.warn(`Keyless trust of ${target.robot.fullName} on ${target.instance.url}: Quay did not store the audiences of ${entries.length} entries: ${list}.`);
  void vscode.window.showWarningMessage(
    vscode.l10n.t(
      '{0} ({1}): Quay saved the trust but not its audiences ({2}). This Quay accepts an audiences field and drops it (Quay 3.18 does), so it does not check the tokens\' aud for these entries.',
      target.instance.url,
      target.robot.fullName,
      list,
    ),
  );
}

/**
 * Applies a change to a robot's trust list (Quay replaces the whole list on every write): read-modify-write
 * through `updateTrust`. When someone changed the list since it was read, both versions are shown and the user
 * decides whether to apply the change to the current list. Returns the list Quay holds afterwards.
 */
export async function changeTrust(c: CommandContext, target: RobotTarget, change: TrustChange, basis?: readonly FederationEntry[]): Promise<readonly FederationEntry[]> {
  const { instance, namespace, robot } = target;
  const client = c.clients.get(instance.url);
  let seen = basis;
  // Entries Quay returned with audiences were stored outside the API: a Quay that drops audiences on a write (3.18)
  // would stop checking the tokens' aud for them. Asked before anything is written.
  const withAudiences = (basis ?? []).filter((e) => (e.audiences?.length ?? 0) > 0);
  if (withAudiences.length > 0) {
    const go = vscode.l10n.t('Change Anyway');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} has entries with audiences that Quay checks. Quay 3.18 drops audiences on every change made through its API.', robot.fullName),
      {
        modal: true,
        detail: `${describe(withAudiences)}\n\n${vscode.l10n.t("The change sends them back as they are. If this Quay drops them, it no longer checks the tokens' aud for these entries: that is read back and said after the change.")}`,
      },
      go,
    );
    if (choice !== go) throw new UserCancelled();
  }
  for (;;) {
    const result = await updateTrust(client, { namespace, name: robot.fullName }, change, seen !== undefined ? { basis: seen } : {});
    switch (result.kind) {
      case 'saved': {
        c.logger.info(`Keyless trust of ${robot.fullName} on ${instance.url}: ${result.before.length} → ${result.after.length} entries.`);
        const robotId = nodeIds.robot(instance.url, namespace, robot.shortName);
        c.tree.refreshIds([robotId], { [nodeIds.federation(robotId)]: result.after });
        reportAudiencesNotStored(c, target, result.audiencesNotStored);
        return result.after;
      }
      case 'unchanged':
        void vscode.window.showInformationMessage(vscode.l10n.t('{0} already trusts exactly these entries: nothing to change.', robot.fullName));
        return result.entries;
      case 'unsupported':
        throw new Error(vscode.l10n.t('{0} ({1}): {2}', instance.url, robot.fullName, result.message));
      case 'invalid': {
        const first = result.problems[0];
        const entry = first !== undefined ? result.proposed[first.index] : undefined;
        throw new Error(
          vscode.l10n.t('Quay would refuse the keyless trust of {0}: {1} ({2} → {3}).', robot.fullName, first?.message ?? '', visibleText(entry?.issuer ?? ''), visibleText(entry?.subject ?? '')),
        );
      }
      case 'conflict': {
        const apply = vscode.l10n.t('Apply My Change to the Current List');
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t('The keyless trust of {0} changed on Quay since it was read.', robot.fullName),
          {
            modal: true,
            detail: [
              vscode.l10n.t('When read ({0}):', result.basis.length),
              describe(result.basis),
              vscode.l10n.t('Now on Quay ({0}):', result.current.length),
              describe(result.current),
              vscode.l10n.t('Your change applied to the current list ({0}):', result.rebased.length),
              describe(result.rebased),
            ].join('\n'),
          },
          apply,
        );
        if (choice !== apply) throw new UserCancelled();
        seen = result.current;
        break;
      }
    }
  }
}

/** Input validation with Quay's own rules, on the list the entry would join. */
function entryProblem(entry: FederationEntry, others: readonly FederationEntry[]): string | undefined {
  const proposed = [...others, entry];
  const problem = validateTrust(proposed).find((p) => p.index === proposed.length - 1);
  if (problem !== undefined) return problem.message;
  return undefined;
}

/** An issuer-URL input box's validation (`issuerInputProblem`): a non-URL is refused, http:// and an internal host warn. */
export function validateIssuerInput(issuer: string): vscode.InputBoxValidationMessage | string | undefined {
  const problem = issuerInputProblem(issuer);
  if (problem === undefined) return undefined;
  return problem.blocking ? problem.message : { message: problem.message, severity: vscode.InputBoxValidationSeverity.Warning };
}

/** Asks for an issuer, then a subject, validated in place; `initial` prefills them (Edit…). */
export async function askEntry(title: string, others: readonly FederationEntry[], initial?: FederationEntry): Promise<FederationEntry> {
  const issuer = await required(vscode.window.showInputBox({
    title: `${title} (1/2)`,
    prompt: vscode.l10n.t('Issuer URL: exactly the iss claim of the tokens (https://…)'),
    value: initial?.issuer ?? '',
    placeHolder: 'https://token.actions.githubusercontent.com',
    ignoreFocusOut: true,
    validateInput: (v) => {
      const trimmed = v.trim();
      if (trimmed === '') return vscode.l10n.t('Enter the issuer URL');
      return validateIssuerInput(trimmed);
    },
  }));
  const subject = await required(vscode.window.showInputBox({
    title: `${title} (2/2)`,
    prompt: vscode.l10n.t('Subject: exactly the sub claim of the tokens'),
    value: initial?.subject ?? '',
    placeHolder: 'system:serviceaccount:<namespace>:<name>',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? vscode.l10n.t('Enter the subject') : entryProblem({ issuer: issuer.trim(), subject: v.trim() }, others)),
  }));
  return { issuer: issuer.trim(), subject: subject.trim() };
}

/**
 * The robot's entries now; a Quay without federation for this robot (organization robots before 3.13, a user's own
 * before 3.18) is said so, with the version it needs, not as a bare 404.
 */
export async function currentTrust(c: CommandContext, target: RobotTarget): Promise<readonly FederationEntry[]> {
  try {
    return await c.clients.get(target.instance.url).getFederation(target.namespace, target.robot.fullName);
  } catch (error) {
    const gap = federationGap(error);
    if (gap !== undefined) throw new Error(vscode.l10n.t('{0} ({1}): {2}', target.instance.url, target.robot.fullName, gap.message));
    throw error;
  }
}

/** "Add Trust…": the list is read first, so a change made by someone while the user types is detected. */
export async function addTrust(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Add Trust');
  const target = await resolveKeylessRobot(c, node, title);
  const basis = await currentTrust(c, target);
  const entry = await askEntry(vscode.l10n.t('Add Trust to {0}', target.robot.fullName), basis);
  await changeTrust(c, target, addEntry(entry), basis);
  void vscode.window.showInformationMessage(vscode.l10n.t('{0} now trusts {1} from {2}.', target.robot.fullName, entry.subject, entry.issuer));
}

/** "Edit…" on an entry. */
export async function editTrust(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Edit Trust');
  const target = await resolveKeylessRobot(c, node, title);
  const basis = await currentTrust(c, target);
  const old = entryOf(node) ?? (await pickEntry(basis, title));
  const edited = await askEntry(vscode.l10n.t('Edit Trust of {0}', target.robot.fullName), basis.filter((e) => !(e.issuer === old.issuer && e.subject === old.subject)), old);
  // The audiences Quay returned for the entry stay with it (sent back as read).
  const entry = old.audiences !== undefined ? { ...edited, audiences: old.audiences } : edited;
  await changeTrust(c, target, replaceEntry(old, entry), basis);
}

/** "Remove" on an entry. */
export async function removeTrust(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Remove Trust');
  const target = await resolveKeylessRobot(c, node, title);
  const basis = await currentTrust(c, target);
  const entry = entryOf(node) ?? (await pickEntry(basis, title));
  const remove = vscode.l10n.t('Remove');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Stop {0} from accepting tokens of {1}?', target.robot.fullName, visibleText(entry.subject)),
    { modal: true, detail: vscode.l10n.t('Issuer: {0}\nWorkloads that log in with these tokens fail from the next exchange on.', visibleText(entry.issuer)) },
    remove,
  );
  if (choice !== remove) throw new UserCancelled();
  await changeTrust(c, target, removeEntry(entry), basis);
}

/** "Remove All" on the group: the robot accepts no OIDC token afterwards. */
export async function removeAllTrust(c: CommandContext, node?: unknown): Promise<void> {
  const title = vscode.l10n.t('Remove All Trust');
  const target = await resolveKeylessRobot(c, node, title);
  const basis = await currentTrust(c, target);
  if (basis.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('{0} trusts no issuer.', target.robot.fullName));
    return;
  }
  const remove = vscode.l10n.t('Remove All');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('Remove all {0} keyless trust entries of {1}?', basis.length, target.robot.fullName),
    { modal: true, detail: `${describe(basis)}\n\n${vscode.l10n.t('Workloads that log in with OIDC tokens fail from the next exchange on. The robot token still works.')}` },
    remove,
  );
  if (choice !== remove) throw new UserCancelled();
  await changeTrust(c, target, () => [], basis);
}

async function pickEntry(entries: readonly FederationEntry[], title: string): Promise<FederationEntry> {
  if (entries.length === 0) throw new Error(vscode.l10n.t('This robot trusts no issuer.'));
  const picked = await required(vscode.window.showQuickPick(
    entries.map((e) => ({ ...entryDisplay(e, vscode.l10n.t('contains control characters (shown escaped)')), entry: e })),
    { title, ignoreFocusOut: true },
  ));
  return picked.entry;
}
