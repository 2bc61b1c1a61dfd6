/**
 * Self-test of the E2E harness against VS Code's own UI and a test-only fixture extension
 * (test/e2e/fixtures/harness-fixture), so a broken helper shows up here rather than as a confusing failure in a
 * feature test. The fixture appends each action it receives to $HARNESS_FIXTURE_OUT as a JSON line.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  FIXTURE_EXTENSION,
  acceptQuickInput,
  clickDialogButton,
  clickInlineAction,
  clickNotificationButton,
  clickViewAction,
  clickWelcomeButton,
  contextMenu,
  contextMenuItems,
  editorText,
  expandTreeItem,
  extensionHostErrors,
  filesContaining,
  hoverAt,
  modalDialog,
  openFile,
  openViewContainer,
  outputChannelText,
  pickCodeAction,
  pickQuickItem,
  quickInputState,
  runCommand,
  treeItems,
  triggerCodeActions,
  typeInQuickInput,
  useVSCode,
  viewWelcome,
  waitForActivation,
  waitForNotification,
  waitForOutput,
  waitForQuickInput,
  waitForQuickInputClosed,
  waitForQuickInputMessage,
  waitForTreeItem,
  waitForWebview,
  waitUntil,
} from './harness';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-selftest-'));
const records = path.join(scratch, 'records.jsonl');
const workspace = path.join(scratch, 'workspace');
fs.mkdirSync(path.join(workspace, 'notes'), { recursive: true });
fs.writeFileSync(path.join(workspace, 'notes', 'todo.txt'), 'first line\nthis is todo work\nlast line\n');

after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const vscode = useVSCode({
  workspace,
  extraExtensions: [FIXTURE_EXTENSION],
  env: { HARNESS_FIXTURE_OUT: records },
});

interface FixtureRecord {
  event: string;
  value?: string | null;
}

function readRecords(): FixtureRecord[] {
  if (!fs.existsSync(records)) return [];
  return fs
    .readFileSync(records, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as FixtureRecord);
}

/** Waits for the fixture to record `event` and returns its latest record. */
async function recorded(event: string): Promise<FixtureRecord> {
  return waitUntil(() => readRecords().filter((r) => r.event === event).pop(), { message: `fixture event ${event}` });
}

void test('workbench starts with the fixture extension active', async () => {
  const { session } = vscode;
  await waitForActivation(session, 'quaytest.harness-fixture');
  assert.ok(session.startupMs < 60_000, `startup took ${session.startupMs} ms`);
  assert.deepEqual(extensionHostErrors(session, 'quaytest.harness-fixture'), []);
  assert.deepEqual(filesContaining(session, 'todo work'), [path.join(workspace, 'notes', 'todo.txt')]);
  await session.screenshot('harness-01-workbench');
});

void test('built-in command from the palette: View: Toggle Word Wrap', async () => {
  const { page } = vscode;
  await openFile(page, 'notes/todo.txt');
  await runCommand(page, 'View: Toggle Word Wrap');
  await waitForQuickInputClosed(page);
  assert.equal(await editorText(page), 'first line\nthis is todo work\nlast line\n');
});

void test('explorer tree: rows, levels, expansion', async () => {
  const { page } = vscode;
  await openViewContainer(page, 'Explorer');
  await waitForTreeItem(page, 'notes');
  const rows = (await treeItems(page, /^(workspace|Folders:.*)$/i)).map((r) => `${r.level}:${r.label}:${String(r.expanded)}`);
  assert.ok(rows.some((r) => r.startsWith('1:notes:')), JSON.stringify(rows));
  await expandTreeItem(page, 'notes');
  await waitForTreeItem(page, 'todo.txt');
});

void test('input box: default value, async validation, submit', async () => {
  const { page } = vscode;
  await runCommand(page, 'Fixture: Input Box');
  const initial = await waitForQuickInput(page, { titleOrPlaceholder: 'Fixture input' });
  assert.equal(initial.value, 'default-value');
  await typeInQuickInput(page, 'has space');
  const invalid = await waitForQuickInputMessage(page, 'No spaces allowed');
  assert.equal(invalid.severity, 'error');
  await vscode.session.screenshot('harness-02-input-validation');
  await typeInQuickInput(page, 'a-long-enough-name');
  assert.equal((await waitForQuickInputMessage(page, 'Rather long')).severity, 'warning');
  await typeInQuickInput(page, 'ok-name', { submit: true });
  await waitForQuickInputClosed(page);
  assert.deepEqual(await recorded('inputBox'), { event: 'inputBox', value: 'ok-name' });
});

void test('quick pick: items with descriptions, details and separators', async () => {
  const { page } = vscode;
  await runCommand(page, 'Fixture: Quick Pick');
  const state = await waitForQuickInput(page, { titleOrPlaceholder: 'Pick a food' });
  assert.equal(state.title, 'Fixture pick');
  assert.deepEqual(
    state.items.map((i) => [i.label, i.description, i.detail]),
    [
      ['apple', 'red', 'Grows on trees'],
      ['banana', 'yellow', ''],
      ['carrot', 'orange', 'Grows underground'],
    ],
  );
  assert.deepEqual(state.items.map((i) => i.separator), ['Fruits', '', 'Vegetables']);
  await pickQuickItem(page, 'banana');
  await waitForQuickInputClosed(page);
  assert.equal((await recorded('quickPick')).value, 'banana');
  assert.equal((await quickInputState(page)).visible, false);
});

void test('multi-select quick pick: checked state, toggling, accepting', async () => {
  const { page } = vscode;
  await runCommand(page, 'Fixture: Multi Pick');
  const state = await waitForQuickInput(page, { titleOrPlaceholder: 'Fixture multi pick' });
  assert.deepEqual(state.items.map((i) => [i.label, i.checked]), [['read', true], ['write', false], ['admin', false]]);
  await pickQuickItem(page, 'read');
  await pickQuickItem(page, 'admin');
  await waitUntil(async () => (await quickInputState(page)).items.filter((i) => i.checked).map((i) => i.label).join() === 'admin', {
    message: 'only admin checked',
  });
  await acceptQuickInput(page);
  await waitForQuickInputClosed(page);
  assert.equal((await recorded('multiPick')).value, 'admin');
});

void test('notification with buttons', async () => {
  const { page } = vscode;
  await runCommand(page, 'Fixture: Notify');
  const n = await waitForNotification(page, 'choose a button');
  assert.equal(n.severity, 'info');
  assert.deepEqual(n.buttons, ['First', 'Second']);
  await vscode.session.screenshot('harness-03-notification');
  await clickNotificationButton(page, 'choose a button', 'Second');
  assert.equal((await recorded('notify')).value, 'Second');
});

/**
 * The next time `selector` shows, the focus goes to the editor at once, as VS Code's tree view takes it back when a
 * refresh ends in that instant (see `openSettled` in the harness).
 */
async function stealFocusOnceShown(page: Page, selector: string): Promise<void> {
  await page.evaluate((sel) => {
    const observer = new MutationObserver(() => {
      const el = document.querySelector(sel);
      if (el === null || el.getClientRects().length === 0) return;
      observer.disconnect();
      document.querySelector<HTMLElement>('.part.editor .monaco-editor textarea')?.focus();
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['style', 'class'] });
  }, selector);
}

/** Runs `action` and returns what the harness logged meanwhile. */
async function logOf(action: () => Promise<void>): Promise<string> {
  const logged: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array, ...rest: never[]) => {
    logged.push(String(chunk));
    return write(chunk, ...rest);
  };
  try {
    await action();
  } finally {
    process.stderr.write = write;
  }
  return logged.join('');
}

void test('a palette closed by a focus change as it opens is opened again, logged, and runs the command', async () => {
  const { page } = vscode;
  await openFile(page, 'notes/todo.txt');
  await stealFocusOnceShown(page, '.quick-input-widget');
  const logged = await logOf(() => runCommand(page, 'Fixture: Input Box'));
  assert.match(logged, /F1 was closed by a focus change to textarea\.\S* in \S+ as it opened; opening it again/);
  await waitForQuickInput(page, { titleOrPlaceholder: 'Fixture input' });
  await typeInQuickInput(page, 'after-reopen', { submit: true });
  await waitUntil(() => readRecords().some((r) => r.event === 'inputBox' && r.value === 'after-reopen'), { message: 'the command got the value' });
});

void test('modal dialog', async () => {
  const { page } = vscode;
  await runCommand(page, 'Fixture: Modal');
  const dialog = await modalDialog(page);
  assert.equal(dialog.message, 'Delete the fixture?');
  assert.equal(dialog.detail, 'This cannot be undone.');
  assert.deepEqual(dialog.buttons.slice().sort(), ['Cancel', 'Delete', 'Keep']);
  await vscode.session.screenshot('harness-04-modal');
  await clickDialogButton(page, 'Keep');
  assert.equal((await recorded('modal')).value, 'Keep');
});

void test('custom tree view: welcome, rows, expansion, inline action, context menu, title action', async () => {
  const { page, session } = vscode;
  await openViewContainer(page, 'Harness Fixture');
  const welcome = await viewWelcome(page, 'Fixture Welcome');
  assert.deepEqual(welcome, { text: ['Nothing in this view yet.'], buttons: ['Do Something'] });
  await clickWelcomeButton(page, 'Fixture Welcome', 'Do Something');
  await recorded('welcomeClicked');

  await waitForTreeItem(page, 'alpha', { viewTitle: 'Fixture Tree' });
  await expandTreeItem(page, 'alpha', { viewTitle: 'Fixture Tree' });
  const rows = await treeItems(page, 'Fixture Tree');
  assert.deepEqual(
    rows.map((r) => ({ label: r.label, description: r.description, level: r.level, expanded: r.expanded })),
    [
      { label: 'alpha', description: 'group', level: 1, expanded: true },
      { label: 'alpha-1', description: 'child', level: 2, expanded: undefined },
      { label: 'alpha-2', description: 'child', level: 2, expanded: undefined },
      { label: 'beta', description: 'leaf', level: 1, expanded: undefined },
      { label: 'gamma', description: 'empty group', level: 1, expanded: false },
    ],
  );
  await expandTreeItem(page, 'gamma', { viewTitle: 'Fixture Tree', children: false });
  await clickInlineAction(page, 'alpha-2', 'Zap Item', { viewTitle: 'Fixture Tree' });
  assert.equal((await recorded('itemAction')).value, 'alpha-2');

  assert.deepEqual(await contextMenuItems(page, 'beta', { viewTitle: 'Fixture Tree' }), ['Inspect Item']);
  await contextMenu(page, 'beta', 'Inspect Item', { viewTitle: 'Fixture Tree' });
  assert.equal((await recorded('itemContext')).value, 'beta');
  await session.screenshot('harness-05-tree');

  // A context menu closed by a focus change as it opens is opened again, logged, and its entry runs.
  await stealFocusOnceShown(page, '.context-view .monaco-menu');
  const logged = await logOf(() => contextMenu(page, 'alpha-1', 'Inspect Item', { viewTitle: 'Fixture Tree' }));
  assert.match(logged, /The context menu of alpha-1 was closed by a focus change to \S+ in \S+ as it opened; opening it again/);
  await waitUntil(() => readRecords().some((r) => r.event === 'itemContext' && r.value === 'alpha-1'), { message: 'Inspect Item ran on alpha-1' });

  // So is an input box opened by an inline action.
  await stealFocusOnceShown(page, '.quick-input-widget');
  const loggedInput = await logOf(() => clickInlineAction(page, 'alpha-1', 'Rename Item…', { viewTitle: 'Fixture Tree', opensQuickInput: true }));
  assert.match(loggedInput, /The quick input of alpha-1's Rename Item… was closed by a focus change to \S+ in \S+ as it opened; opening it again/);
  await waitForQuickInput(page, { titleOrPlaceholder: 'Rename alpha-1' });
  await typeInQuickInput(page, 'renamed', { submit: true });
  await waitUntil(() => readRecords().some((r) => r.event === 'itemRename' && r.value === 'renamed'), { message: 'Rename Item got the value' });

  await clickViewAction(page, 'Fixture Tree', 'Log');
  await recorded('log');
  await waitForOutput(session, 'Harness Fixture', 'plain line from the fixture');
  await waitForOutput(session, 'Harness Fixture Log', 'log line from the fixture');
  assert.match(outputChannelText(session, 'Harness Fixture Log'), /\[info\] log line from the fixture/);
});

void test('code actions (Ctrl+.) and hover', async () => {
  const { page, session } = vscode;
  await openFile(page, 'notes/todo.txt');
  const actions = await triggerCodeActions(page, { line: 2, column: 10 });
  assert.ok(actions.includes('Fixture: replace todo with done'), JSON.stringify(actions));
  await session.screenshot('harness-06-code-actions');
  await page.keyboard.press('Escape');
  await page.locator('.action-widget').first().waitFor({ state: 'hidden' });
  // Where an expected entry is missing, Ctrl+. is pressed again (each time logged) until the time is up.
  let none: string[] = ['not run'];
  const logged = await logOf(async () => {
    none = await triggerCodeActions(page, { line: 1, column: 3 }, 3000, 'Fixture: replace todo with done');
  });
  assert.deepEqual(none, []);
  assert.match(logged, /Code actions at the cursor without Fixture: replace todo with done \(\[\]\); asking again/);
  await page.keyboard.press('Escape');
  assert.ok((await triggerCodeActions(page, { line: 2, column: 10 }, undefined, 'Fixture: replace todo with done')).includes('Fixture: replace todo with done'));
  await pickCodeAction(page, 'Fixture: replace todo with done');
  await waitUntil(async () => (await editorText(page)).includes('this is done work'), { message: 'the code action edit' });
  const hover = await hoverAt(page, 1, 3);
  assert.match(hover, /Fixture hover: first/);
  await session.screenshot('harness-07-hover');
});

void test('webview: read and drive its content', async () => {
  const { page, session } = vscode;
  await runCommand(page, 'Fixture: Open Webview');
  const view = await waitForWebview(page, { extensionId: 'quaytest.harness-fixture' });
  assert.equal(await view.locator('h1').innerText(), 'Fixture webview');
  await view.getByLabel('Name').fill('typed in a webview');
  await view.getByRole('button', { name: 'Send' }).click();
  assert.equal((await recorded('webview')).value, 'typed in a webview');
  await session.screenshot('harness-08-webview');
});
