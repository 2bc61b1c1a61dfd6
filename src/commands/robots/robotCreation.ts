import * as vscode from 'vscode';
import { robotCreationDisallowed } from '../../core/capabilities';
import { instanceHost, instanceLabel, type InstanceConfig } from '../../core/instances';
import { robotCreationDisabledReason } from '../../views/capabilityText';
import type { CommandContext } from '../commandContext';
import { instanceUrlOf, required } from '../prompts';
import { UserCancelled } from '../runCommand';

/**
 * ROBOTS_DISALLOW (from each instance's GET /config) before any question: the commands that create a robot say
 * why they cannot, instead of letting Quay refuse once the user has filled a wizard. Capabilities unknown (no
 * /config, or a Quay older than 3.17 that does not show the setting) leave everything offered, as before.
 */

function nodeInstance(c: CommandContext, node: unknown): InstanceConfig | undefined {
  const url = instanceUrlOf(node);
  return url === undefined ? undefined : c.store.get(url);
}

/** Says why `title` cannot run on `instance` (a warning, no question asked) and ends the command silently. */
async function refuse(title: string, instance: InstanceConfig): Promise<never> {
  await vscode.window.showWarningMessage(`${title}: ${robotCreationDisabledReason(instanceHost(instance))}`);
  throw new UserCancelled();
}

/** Refuses, before anything is asked, when `instance` reports ROBOTS_DISALLOW. */
export async function ensureRobotCreationAllowed(c: CommandContext, instance: InstanceConfig, title: string): Promise<void> {
  if (robotCreationDisallowed(await c.capabilities.get(instance.url))) await refuse(title, instance);
}

/**
 * Before a command that may ask for an instance: refuses when the node's instance, or every configured instance,
 * reports ROBOTS_DISALLOW. Returns the instances where robots can be created (or whose capabilities are unknown).
 */
export async function instancesAllowingCreation(c: CommandContext, node: unknown, title: string): Promise<readonly InstanceConfig[]> {
  const own = nodeInstance(c, node);
  if (own !== undefined) {
    await ensureRobotCreationAllowed(c, own, title);
    return [own];
  }
  const instances = c.store.list();
  const states = await Promise.all(instances.map(async (i) => ({ instance: i, disallowed: robotCreationDisallowed(await c.capabilities.get(i.url)) })));
  const allowed = states.filter((s) => !s.disallowed).map((s) => s.instance);
  const first = states[0];
  if (allowed.length === 0 && first !== undefined) await refuse(title, first.instance);
  return allowed;
}

/**
 * The instance to create a robot on: the node's; else the only one; else picked among those that allow it (the
 * others named in the placeholder). Refuses, without asking, when none does.
 */
export async function pickInstanceForCreation(c: CommandContext, node: unknown, title: string): Promise<InstanceConfig> {
  if (c.store.list().length === 0) throw new Error(vscode.l10n.t('No Quay instance is configured. Run "Quay: Add Instance" first.'));
  const allowed = await instancesAllowingCreation(c, node, title);
  const only = allowed.length === 1 ? allowed[0] : undefined;
  if (only !== undefined) return only;
  const left = c.store.list().filter((i) => !allowed.includes(i));
  const picked = await required(vscode.window.showQuickPick(
    allowed.map((i) => ({ label: instanceLabel(i), description: i.url, instance: i })),
    {
      title,
      placeHolder:
        left.length > 0
          ? vscode.l10n.t('Quay instance (left out, ROBOTS_DISALLOW: {0})', left.map((i) => instanceLabel(i)).join(', '))
          : vscode.l10n.t('Quay instance'),
      ignoreFocusOut: true,
    },
  ));
  return picked.instance;
}

/** The menus' disabled stand-ins, should one ever run (e.g. from a keybinding): the same explanation. */
export function explainCreateRobotDisallowed(c: CommandContext, node?: unknown): Promise<void> {
  return explain(c, node, vscode.l10n.t('Create Robot Account'));
}

export function explainSuccessorDisallowed(c: CommandContext, node?: unknown): Promise<void> {
  return explain(c, node, vscode.l10n.t('Rotate with a Successor Robot'));
}

async function explain(c: CommandContext, node: unknown, title: string): Promise<void> {
  const instance = nodeInstance(c, node) ?? c.store.list()[0];
  if (instance === undefined) return;
  if (robotCreationDisallowed(await c.capabilities.get(instance.url))) await refuse(title, instance);
  await vscode.window.showInformationMessage(vscode.l10n.t('Robot creation is allowed on {0}.', instanceHost(instance)));
}
