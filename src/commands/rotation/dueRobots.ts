import * as vscode from 'vscode';
import { Commands, StorageKeys } from '../../constants';
import { maxTokenAgeDays, rotationReminder, turnRotationReminderOff } from '../../host/settings';
import { dueRobots, type DueScan } from '../../core/rotation/dueRobots';
import { TokenAgesUnavailable, type TokenAgeTracker } from '../../core/rotation/tokenAgeTracker';
import { tokenAgeText } from '../../views/tokenAgeText';
import type { CommandContext } from '../commandContext';
import { RobotRef } from '../../refs';
import { UserCancelled } from '../runCommand';
import { errorMessage } from '../../core/log';
import { hostOf } from '../../core/instances';
import { isoDay } from '../../core/time';


function scan(c: CommandContext, tracker: TokenAgeTracker, signal?: AbortSignal): Promise<DueScan> {
  return dueRobots(c.store.list(), (url) => c.clients.get(url), tracker, new Date(), maxTokenAgeDays(), signal);
}

/** "Quay: Show Robots Due for Rotation": every overdue robot of every instance; picking one rotates it. */
export async function showDueRobots(c: CommandContext): Promise<void> {
  const tracker = c.tokenAges;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Reading token ages from the usage logs…'), cancellable: true },
    (_p, token) => {
      const controller = new AbortController();
      token.onCancellationRequested(() => controller.abort());
      return scan(c, tracker, controller.signal);
    },
  );
  for (const p of result.problems) c.logger.warn(`Token ages of ${p.namespace || p.instanceUrl}: ${errorMessage(p.error)}`);
  const now = new Date();
  type Item = vscode.QuickPickItem & { ref?: RobotRef };
  const items: Item[] = [...result.due]
    .sort((a, b) => Number(a.federated) - Number(b.federated) || a.robot.fullName.localeCompare(b.robot.fullName))
    .map((d) => ({
      label: `${d.federated ? '$(shield)' : '$(warning)'} ${d.robot.fullName}`,
      description: [tokenAgeText(d.age, now), d.federated ? vscode.l10n.t('keyless: workloads may not need the static token') : ''].filter((s) => s !== '').join(' · '),
      detail: hostOf(d.instanceUrl),
      ref: new RobotRef(d.instanceUrl, d.namespace, d.robot),
    }));
  // An instance that reports log aggregation off (GET /config) has no token ages: said as such, not as a failure.
  const noAggregation = [...new Set(result.problems.filter((p) => p.error instanceof TokenAgesUnavailable).map((p) => hostOf(p.instanceUrl)))];
  const failed = result.problems.filter((p) => !(p.error instanceof TokenAgesUnavailable));
  const notes = [
    result.undecided > 0 ? vscode.l10n.t('{0} robots: the usage logs read could not tell', result.undecided) : '',
    noAggregation.length > 0 ? vscode.l10n.t('no token ages on {0}: usage log aggregation is off there (FEATURE_AGGREGATED_LOG_COUNT_RETRIEVAL)', noAggregation.join(', ')) : '',
    failed.length > 0 ? vscode.l10n.t('{0} namespaces could not be read (see the log)', failed.length) : '',
  ].filter((s) => s !== '');
  if (items.length === 0) {
    await vscode.window.showInformationMessage(
      [vscode.l10n.t('No robot token is older than {0} days.', maxTokenAgeDays()), ...notes].join(' '),
    );
    return;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Robots due for rotation ({0}; older than {1} days)', items.length, maxTokenAgeDays()),
    placeHolder: [vscode.l10n.t('Pick a robot to rotate its token'), ...notes].join(' · '),
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  if (picked?.ref === undefined) throw new UserCancelled();
  await vscode.commands.executeCommand(Commands.rotateToken, picked.ref);
}

/**
 * At most once a day (and never when `quay.rotation.dailyReminder` is off): a non-modal notification naming the
 * robots whose static tokens are overdue. Keyless robots are left out.
 */
export async function remindDueRobots(c: CommandContext, state: vscode.Memento): Promise<void> {
  if (!rotationReminder()) {
    c.logger.info('Rotation reminder: off (quay.rotation.dailyReminder).');
    return;
  }
  if (c.store.list().length === 0) return;
  const today = isoDay(new Date());
  if (state.get<string>(StorageKeys.lastReminder) === today) {
    c.logger.info(`Rotation reminder: already shown today (${today}).`);
    return;
  }
  await state.update(StorageKeys.lastReminder, today);
  const result = await scan(c, c.tokenAges);
  const due = result.due.filter((d) => !d.federated);
  c.logger.info(`Rotation reminder: ${due.length} robot tokens older than ${maxTokenAgeDays()} days.`);
  if (due.length === 0) return;
  const names = due.slice(0, 3).map((d) => d.robot.fullName).join(', ') + (due.length > 3 ? vscode.l10n.t(' and {0} more', due.length - 3) : '');
  const show = vscode.l10n.t('Show Robots Due');
  const off = vscode.l10n.t("Don't Remind Me");
  const choice = await vscode.window.showWarningMessage(vscode.l10n.t('{0} robot tokens are older than {1} days: {2}.', due.length, maxTokenAgeDays(), names), show, off);
  if (choice === show) await vscode.commands.executeCommand(Commands.showDueRobots);
  if (choice === off) await turnRotationReminderOff();
}
