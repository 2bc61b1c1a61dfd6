/**
 * Smoke test: the built extension loads in a real VS Code (code-server), contributes the "Quay" container with the
 * "Registry" view and its welcome content, and "Quay: Add Instance" starts by asking for the URL.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  clickWelcomeButton,
  closeQuickInput,
  extensionHostErrors,
  openViewContainer,
  runCommand,
  useVSCode,
  viewWelcome,
  waitForActivation,
  waitForQuickInput,
} from './harness';

const vscode = useVSCode();

void test('the workbench starts', async () => {
  const { session } = vscode;
  await session.screenshot('smoke-01-workbench');
  assert.ok(session.startupMs > 0);
});

void test('the Quay container shows the Registry welcome with an "Add Quay Instance" button', async () => {
  const { page, session } = vscode;
  await openViewContainer(page, 'Quay');
  const welcome = await viewWelcome(page, 'Registry');
  assert.ok(welcome.buttons.includes('Add Quay Instance'), JSON.stringify(welcome));
  await session.screenshot('smoke-02-registry-welcome');
});

void test('"Quay: Add Instance" from the palette asks for the URL, defaulting to https://quay.io', async () => {
  const { page, session } = vscode;
  await runCommand(page, 'Quay: Add Instance');
  const input = await waitForQuickInput(page, { titleOrPlaceholder: /Add Quay instance/i });
  assert.equal(input.value, 'https://quay.io');
  await session.screenshot('smoke-03-add-instance-url');
  await closeQuickInput(page);
});

void test('the welcome button runs the same command', async () => {
  const { page } = vscode;
  await openViewContainer(page, 'Quay');
  await clickWelcomeButton(page, 'Registry', 'Add Quay Instance');
  const input = await waitForQuickInput(page, { titleOrPlaceholder: /Add Quay instance/i });
  assert.equal(input.value, 'https://quay.io');
  await closeQuickInput(page);
});

void test('the extension activated without errors in the extension host log', async () => {
  const { session } = vscode;
  await waitForActivation(session);
  assert.deepEqual(extensionHostErrors(session), []);
});
