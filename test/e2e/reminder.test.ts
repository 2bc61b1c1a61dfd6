/**
 * The daily rotation reminder: with `quay.rotation.dailyReminder` on, a notification names the robots whose tokens
 * are overdue; "Don't Remind Me" turns the setting off; turned on again, a reload the same day shows no second one.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { clickNotificationButton, notifications, runCommand, waitForNotification, waitForOutput, waitUntil } from './harness';
import { useSandboxWorkbench } from './sandboxWorkbench';

const workbench = useSandboxWorkbench('demo', { prepare: () => ({ settings: { 'quay.rotation.dailyReminder': true } }) });
const { vscode } = workbench;

void test('A notification names the overdue robots; "Don\'t Remind Me" turns it off; a reload the same day shows no second one', async () => {
  const { page, session } = vscode;
  const settingsFile = join(session.userDataDir, 'User', 'settings.json');
  const settings = (): Record<string, unknown> => JSON.parse(readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  // The extension starts on startup (onStartupFinished) and, 5 s later, reads the token ages of every namespace.
  const logged = await waitForOutput(session, 'Quay', /Rotation reminder: \d+ robot tokens older than 90 days\./, 30_000);
  const count = Number(/Rotation reminder: (\d+) robot tokens/.exec(logged)?.[1]);
  assert.ok(count >= 4, `${count} overdue`); // demo: acme's k8s_prod_puller (120 days), ci_push (95), unused_bot (200), alice's backup (300)…
  const reminder = await waitForNotification(page, new RegExp(`^${count} robot tokens are older than 90 days: [a-z]+\\+\\w+, [a-z]+\\+\\w+, [a-z]+\\+\\w+ and ${count - 3} more\\.$`));
  assert.deepEqual(reminder.buttons, ['Show Robots Due', "Don't Remind Me"]);
  assert.equal(reminder.severity, 'warning');
  await session.screenshot('reminder-01-notification');

  await clickNotificationButton(page, /robot tokens are older than 90 days/, "Don't Remind Me");
  await waitUntil(() => settings()['quay.rotation.dailyReminder'] === false, { message: 'the setting turned off' });

  // On again (as a person would in settings.json), then a reload the same day: no second reminder.
  writeFileSync(settingsFile, JSON.stringify({ ...settings(), 'quay.rotation.dailyReminder': true }, null, 2));
  await runCommand(page, 'Developer: Reload Window');
  await waitForOutput(session, 'Quay', /Rotation reminder: already shown today \(\d{4}-\d{2}-\d{2}\)\./, 30_000);
  assert.ok(!(await notifications(page)).some((n) => /robot tokens are older than/.test(n.message)), 'no second reminder the same day');
});
