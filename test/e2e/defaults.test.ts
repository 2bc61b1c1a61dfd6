/**
 * Default permissions, team membership, activity and repository permissions through the UI, checked against
 * the sandbox: create a default permission, apply it to every existing repository through the plan, delete it;
 * add a robot to a team and remove it from the team's side; read the robot's activity; add a permission
 * from a repository.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  acceptQuickInput,
  clearNotifications,
  clickDialogButton,
  clickInlineAction,
  clickNotificationButton,
  closeQuickInput,
  collapseTreeItem,
  contextMenu,
  expandTreeItem,
  modalDialog,
  notificationHistory,
  openViewContainer,
  pickQuickItem,
  quickInputState,
  runCommand,
  treeItemTooltip,
  waitForNotification,
  waitForQuickInput,
  waitForTreeItem,
  waitForTreeItemGone,
  waitUntil,
} from './harness';
import { applyPlan, REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';

const workbench = useSandboxWorkbench('demo');
const { vscode } = workbench;
const RULE = 'acme+k8s_prod_puller gets write';

void test('create a default permission for a robot, with Quay rules explained', async () => {
  const { page, session } = vscode;
  await openViewContainer(page, 'Quay');
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Default permissions', REGISTRY_VIEW);
  await clickInlineAction(page, 'Default permissions', 'Create Default Permission…', { ...REGISTRY_VIEW, opensQuickInput: true });
  const first = await waitForQuickInput(page, { titleOrPlaceholder: /Create Default Permission \(1\/4\)/ });
  assert.match(first.placeholder ?? '', /only to repositories created after the rule/);
  await pickQuickItem(page, 'Robot account');
  await pickQuickItem(page, 'acme+k8s_prod_puller');
  await pickQuickItem(page, 'write');
  await pickQuickItem(page, 'Anyone');
  await waitForNotification(page, /Default permission created: acme\+k8s_prod_puller gets write on new repositories created by anyone/);
  await waitForTreeItem(page, RULE, REGISTRY_VIEW);
  assert.ok(workbench.sandbox.state.prototypes('acme').some((p) => p.delegate.name === 'acme+k8s_prod_puller' && p.role === 'write' && p.activatingUser === null));
  await session.screenshot('defaults-01-created');
});

void test('"Apply to Existing Repositories" plans upgrades and additions, then every repository has the role', async () => {
  const { page, session } = vscode;
  await clearNotifications(page);
  await contextMenu(page, RULE, 'Apply to Existing Repositories…', REGISTRY_VIEW);
  const plan = await waitForQuickInput(page, { titleOrPlaceholder: /plan/ });
  const repos = workbench.sandbox.state.repositories('acme').length;
  assert.match(plan.placeholder ?? '', new RegExp(`${repos - 4} to add, 4 to upgrade`));
  await session.screenshot('defaults-02-apply-plan');
  await applyPlan(page);
  const all = workbench.sandbox.state.repositories('acme');
  await waitUntil(() => all.every((r) => workbench.sandbox.state.userPermission(`acme/${r.name}`, 'acme+k8s_prod_puller') === 'write'), {
    timeout: 30_000,
    message: 'write on every acme repository in Quay',
    describe: () => JSON.stringify(all.map((r) => [r.name, workbench.sandbox.state.userPermission(`acme/${r.name}`, 'acme+k8s_prod_puller')])),
  });
  // The report may already have left the screen (VS Code hides information toasts after a while): read the center.
  await waitUntil(async () => (await notificationHistory(page)).some((m) => new RegExp(`: ${repos} applied\\.`).test(m)), { message: 'the report in the notification center' });
});

void test('delete the default permission after a modal', async () => {
  const { page } = vscode;
  await contextMenu(page, RULE, 'Delete Default Permission…', REGISTRY_VIEW);
  const dialog = await modalDialog(page);
  assert.match(dialog.detail, /Existing repositories keep/);
  await clickDialogButton(page, 'Delete Default Permission');
  await waitForTreeItemGone(page, RULE, REGISTRY_VIEW);
  assert.ok(!workbench.sandbox.state.prototypes('acme').some((p) => p.delegate.name === 'acme+k8s_prod_puller'));
  await collapseTreeItem(page, 'Default permissions', REGISTRY_VIEW);
});

void test('add a robot to a team from the robot, remove it from the team', async () => {
  const { page, session } = vscode;
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await contextMenu(page, 'unused_bot', 'Add to Team…', REGISTRY_VIEW);
  await pickQuickItem(page, 'deployers');
  await waitForNotification(page, 'Added acme+unused_bot to team deployers.');
  assert.ok(workbench.sandbox.state.teamMembers('acme', 'deployers')?.includes('acme+unused_bot'));
  await collapseTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await expandTreeItem(page, 'Teams', REGISTRY_VIEW);
  await expandTreeItem(page, 'deployers', REGISTRY_VIEW);
  await waitForTreeItem(page, 'acme+unused_bot', REGISTRY_VIEW);
  await session.screenshot('defaults-03-team-member');
  await contextMenu(page, 'acme+unused_bot', 'Remove from Team…', REGISTRY_VIEW);
  await modalDialog(page);
  await clickDialogButton(page, 'Remove from Team');
  await waitForTreeItemGone(page, 'acme+unused_bot', REGISTRY_VIEW);
  assert.ok(!(workbench.sandbox.state.teamMembers('acme', 'deployers') ?? []).includes('acme+unused_bot'));
  await collapseTreeItem(page, 'Teams', REGISTRY_VIEW);
});

void test('Show Activity lists the events that concern the robot, newest first', async () => {
  const { page, session } = vscode;
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await contextMenu(page, 'unused_bot', 'Show Activity', REGISTRY_VIEW);
  const text = await waitUntil(async () => {
    const t = (await page.locator('.monaco-editor .view-lines').first().innerText().catch(() => '')).replace(/\u00a0/g, ' ');
    return t.includes('Activity of acme+unused_bot') ? t : undefined;
  }, { message: 'activity document' });
  const remove = text.indexOf('org_remove_team_member');
  const add = text.indexOf('org_add_team_member');
  assert.ok(remove > 0 && add > remove, text);
  assert.ok(!text.includes('k8s_prod_puller'), 'other robots are left out');
  await session.screenshot('defaults-04-activity');
  await collapseTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
});

void test('Add Permission… on a repository grants a robot a role', async () => {
  const { page } = vscode;
  await expandTreeItem(page, 'Repositories', REGISTRY_VIEW);
  await contextMenu(page, 'docs', 'Add Permission…', REGISTRY_VIEW);
  await pickQuickItem(page, 'Robot account');
  await pickQuickItem(page, 'acme+ci_pull');
  await pickQuickItem(page, 'admin');
  await waitForNotification(page, 'acme+ci_pull now has admin on acme/docs.');
  assert.equal(workbench.sandbox.state.userPermission('acme/docs', 'acme+ci_pull'), 'admin');
});

void test('with 30% injected server errors (seeded), the bulk report matches exactly what Quay holds', async () => {
  const { page, session } = vscode;
  await collapseTreeItem(page, 'Repositories', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await contextMenu(page, 'keyless', 'Grant Access to Repositories…', REGISTRY_VIEW);
  await waitForQuickInput(page, { titleOrPlaceholder: /\(1\/3\)/ });
  await waitUntil(async () => !(await quickInputState(page)).busy, { message: 'repositories listed' });
  for (const repo of workbench.sandbox.state.repositories('acme')) await pickQuickItem(page, repo.name);
  await acceptQuickInput(page);
  await pickQuickItem(page, 'read');
  const repos = workbench.sandbox.state.repositories('acme').map((r) => r.name);
  const held = (): number => repos.filter((r) => workbench.sandbox.state.userPermission(`acme/${r}`, 'acme+keyless') === 'read').length;
  assert.equal(repos.length, 14);
  assert.equal(held(), 1, 'keyless reads one repository before');
  // Seed 4 fails 4 of the next 13 requests (the 13 grants: a 500 is not retried, and nothing else is sent meanwhile).
  workbench.sandbox.setFaults({ failRate: 0.3, randomSeed: 4 });
  await applyPlan(page);
  const note = await waitForNotification(page, /Grant read to acme\+keyless: \d+ applied, \d+ failed/);
  workbench.sandbox.setFaults({ failRate: 0 });
  await session.screenshot('defaults-05-fault-report');
  assert.match(note.message, /^Grant read to acme\+keyless: 9 applied, 4 failed\. — \S+: /);
  assert.equal(held(), 1 + 9, 'Quay holds exactly what the report says was applied');
});

void test('from the command palette: change a role, revoke it, change and delete a default permission, remove a team member', async () => {
  const { page } = vscode;
  const state = workbench.sandbox.state;
  await runCommand(page, 'Quay: Change Role…');
  await pickQuickItem(page, 'acme');
  await pickQuickItem(page, 'docs');
  await pickQuickItem(page, 'acme+ci_pull');
  await pickQuickItem(page, 'read');
  await waitForNotification(page, 'acme+ci_pull now has read on acme/docs.');
  assert.equal(state.userPermission('acme/docs', 'acme+ci_pull'), 'read');

  await runCommand(page, 'Quay: Revoke Permission…');
  await pickQuickItem(page, 'acme');
  await pickQuickItem(page, 'docs');
  await pickQuickItem(page, 'acme+ci_pull');
  await clickDialogButton(page, 'Revoke');
  await waitUntil(() => state.userPermission('acme/docs', 'acme+ci_pull') === undefined, { message: 'revoked' });

  await runCommand(page, 'Quay: Change Default Permission Role…');
  await pickQuickItem(page, 'acme');
  await pickQuickItem(page, 'acme+ci_pull gets read');
  await pickQuickItem(page, 'write');
  await waitUntil(() => state.prototypes('acme').some((p) => p.delegate.name === 'acme+ci_pull' && p.role === 'write'), { message: 'rule now write' });
  await runCommand(page, 'Quay: Delete Default Permission…');
  await pickQuickItem(page, 'acme');
  await pickQuickItem(page, 'acme+ci_pull gets write');
  await clickDialogButton(page, 'Delete Default Permission');
  await waitUntil(() => !state.prototypes('acme').some((p) => p.delegate.name === 'acme+ci_pull'), { message: 'rule deleted' });

  assert.match(await treeItemTooltip(page, 'ci_push', 'Registry', ['acme+ci_push']), /Teams: .*deployers/);
  await page.mouse.move(5, 5);
  await runCommand(page, 'Quay: Remove from Team…');
  await pickQuickItem(page, 'acme');
  await pickQuickItem(page, 'deployers');
  await pickQuickItem(page, 'acme+ci_push');
  await clickDialogButton(page, 'Remove from Team');
  await waitUntil(() => !(state.teamMembers('acme', 'deployers') ?? []).includes('acme+ci_push'), { message: 'member removed' });
  // Quay changed before the extension had its answer: the test ends once the tree shows the change, so the next one
  // does not expand Teams while VS Code is still applying the refresh of it (the same children then fetched twice
  // fail: "Element with id … is already registered").
  await waitUntil(async () => !(await treeItemTooltip(page, 'ci_push', 'Registry', ['acme+ci_push'])).includes('deployers'), {
    message: "ci_push's tooltip without the team deployers",
  });
  await page.mouse.move(5, 5);
});

void test('Add to Team… from a team node adds the picked robot', async () => {
  const { page } = vscode;
  await collapseTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await expandTreeItem(page, 'Teams', REGISTRY_VIEW);
  await contextMenu(page, 'deployers', 'Add to Team…', REGISTRY_VIEW);
  await pickQuickItem(page, 'acme+unused_bot');
  await waitForNotification(page, 'Added acme+unused_bot to team deployers.');
  assert.ok(workbench.sandbox.state.teamMembers('acme', 'deployers')?.includes('acme+unused_bot'));
  await collapseTreeItem(page, 'Teams', REGISTRY_VIEW);
});

void test('Cancel during a bulk grant stops new requests; the report and Quay agree on what was applied', async () => {
  const { page, session } = vscode;
  const sandbox = workbench.sandbox;
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await contextMenu(page, 'ci_push', 'Grant Access to Repositories…', REGISTRY_VIEW);
  await waitForQuickInput(page, { titleOrPlaceholder: /\(1\/3\)/ });
  await waitUntil(async () => !(await quickInputState(page)).busy, { message: 'repositories listed' });
  for (const repo of sandbox.state.repositories('acme')) await pickQuickItem(page, repo.name);
  await acceptQuickInput(page);
  await pickQuickItem(page, 'admin');
  const admins = (): number => sandbox.state.repositories('acme').filter((r) => sandbox.state.userPermission(`acme/${r.name}`, 'acme+ci_push') === 'admin').length;
  assert.equal(admins(), 0, 'all 14 repositories are planned');
  // The grants wait in the sandbox: the first 4 (quay.maxConcurrentRequests) are in flight while Cancel is clicked.
  const hold = sandbox.hold((r) => r.method === 'PUT' && r.path.includes('/permissions/user/'));
  try {
    await applyPlan(page);
    await hold.untilHeld(4);
    await clickNotificationButton(page, /changing access of acme\+ci_push/, 'Cancel');
    // The extension host handles messages in order: once a command run after the click shows its input box,
    // the cancellation has been seen, and no grant will start after the held ones are answered.
    await runCommand(page, 'Quay: Add Instance');
    await waitForQuickInput(page, { titleOrPlaceholder: /Add Quay Instance \(1\/2\)/ });
    await closeQuickInput(page);
    assert.equal(hold.held, 4);
  } finally {
    hold.release();
  }
  const note = await waitForNotification(page, /Grant admin to acme\+ci_push: \d+ applied/);
  await session.screenshot('defaults-06-cancelled');
  assert.equal(note.message, 'Grant admin to acme+ci_push: 4 applied, 10 not applied (cancelled).');
  assert.equal(admins(), 4, 'Quay holds exactly what the report says');
});
