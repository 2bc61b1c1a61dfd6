/**
 * Robot and permission management through the UI, checked against the sandbox's state afterwards: create a
 * robot with a repository grant (live name validation, Quay's own refusal), grant in bulk with a plan (twice:
 * the second run changes nothing), change a role, revoke, merge into a Docker config.json (git warning, the entries named),
 * the login commands (token from $QUAY_TOKEN, or the labelled -p forms), delete,
 * the mirror's robot named before a delete is offered, and Quay's "used by a mirror" refusal explained.
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  acceptQuickInput,
  clickDialogButton,
  clickNotificationButton,
  clearNotifications,
  clickViewAction,
  clipboardText,
  closeQuickInput,
  collapseTreeItem,
  contextMenu,
  expandTreeItem,
  modalDialog,
  openViewContainer,
  outputChannelText,
  outputView,
  pickQuickItem,
  quickInputState,
  runCommand,
  setLogLevel,
  treeItems,
  typeInQuickInput,
  waitForNotification,
  waitForQuickInput,
  waitForQuickInputClosed,
  waitForQuickInputMessage,
  waitForTreeItem,
  waitForTreeItemGone,
  viewMoreActions,
  waitUntil,
} from './harness';
import { applyPlan, REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';

const workbench = useSandboxWorkbench('demo');
const { vscode } = workbench;

void test('Create Robot Account: live name check, a repository grant, then the robot exists in Quay', async () => {
  const { page, session } = vscode;
  await openViewContainer(page, 'Quay');
  await waitForTreeItem(page, 'acme', REGISTRY_VIEW);
  await runCommand(page, 'Quay: Create Robot Account…');
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(1\/5\)/ });
  await pickQuickItem(page, 'acme');
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(2\/5\)/ });
  await typeInQuickInput(page, 'E2E Puller');
  await waitForQuickInputMessage(page, /lowercase letters and digits/);
  await session.screenshot('robots-01-name-validation');
  await typeInQuickInput(page, 'e2e_puller', { submit: true });
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(3\/5\)/ });
  await typeInQuickInput(page, 'Created by the E2E test', { submit: true });
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(4\/5\)/ });
  await waitUntil(async () => !(await quickInputState(page)).busy, { message: 'repositories listed' });
  await pickQuickItem(page, 'frontend');
  await acceptQuickInput(page);
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(4\/5\)/ });
  await pickQuickItem(page, 'read');
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(5\/5\)/ });
  await acceptQuickInput(page);
  const created = await waitForNotification(page, 'Created robot acme+e2e_puller.');
  assert.deepEqual(created.buttons, ['Copy Token', 'Show Credentials']);
  await session.screenshot('robots-02-created');
  await clickNotificationButton(page, 'Created robot acme+e2e_puller.', 'Show Credentials');
  await waitForQuickInput(page, { titleOrPlaceholder: /Robot Credentials: acme\+e2e_puller/ });
  await closeQuickInput(page);
  assert.equal(workbench.sandbox.state.robot('acme+e2e_puller')?.description, 'Created by the E2E test');
  assert.equal(workbench.sandbox.state.userPermission('acme/frontend', 'acme+e2e_puller'), 'read');
});

void test("Quay's own refusal is shown when the name exists", async () => {
  const { page } = vscode;
  await runCommand(page, 'Quay: Create Robot Account…');
  await pickQuickItem(page, 'acme');
  await typeInQuickInput(page, 'ci_pull', { submit: true });
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(3\/5\)/ });
  await typeInQuickInput(page, '', { submit: true });
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(4\/5\)/ });
  await acceptQuickInput(page);
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(5\/5\)/ });
  await acceptQuickInput(page);
  await waitForNotification(page, /Existing robot with name: acme\+ci_pull/);
});

void test('Create Robot Account with its optional steps: Quay then holds the default permission and the team membership', async () => {
  const { page, session } = vscode;
  await runCommand(page, 'Quay: Create Robot Account…');
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(1\/5\)/ });
  await pickQuickItem(page, 'acme');
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(2\/5\)/ });
  await typeInQuickInput(page, 'e2e_deployer', { submit: true });
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(3\/5\)/ });
  await typeInQuickInput(page, 'Deploys from the E2E test', { submit: true });
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(4\/5\)/ });
  await waitUntil(async () => !(await quickInputState(page)).busy, { message: 'repositories listed' });
  await acceptQuickInput(page); // no repository
  await waitForQuickInput(page, { titleOrPlaceholder: /Create Robot Account \(5\/5\)/ });
  await pickQuickItem(page, 'Default permission');
  await pickQuickItem(page, 'Teams');
  await waitUntil(async () => (await quickInputState(page)).items.every((i) => i.checked === true), { message: 'both extras checked' });
  await session.screenshot('robots-07-create-extras');
  await acceptQuickInput(page);
  await waitForQuickInput(page, { titleOrPlaceholder: 'Default permission for new repositories' });
  await pickQuickItem(page, 'write');
  const teams = await waitForQuickInput(page, { titleOrPlaceholder: 'Teams for acme+e2e_deployer' });
  assert.deepEqual(teams.items.map((i) => i.label).sort(), workbench.sandbox.state.teams('acme').map((t) => t.name).sort());
  await pickQuickItem(page, 'deployers');
  await waitUntil(async () => (await quickInputState(page)).items.find((i) => i.label === 'deployers')?.checked === true, { message: 'deployers checked' });
  await acceptQuickInput(page);
  const created = await waitForNotification(page, 'Created robot acme+e2e_deployer.');
  assert.equal(created.severity, 'info', 'no extra failed');
  await session.screenshot('robots-08-created-with-extras');
  const state = workbench.sandbox.state;
  assert.equal(state.robot('acme+e2e_deployer')?.description, 'Deploys from the E2E test');
  assert.deepEqual(state.robot('acme+e2e_deployer')?.teams, ['deployers']);
  assert.ok(state.teamMembers('acme', 'deployers')?.includes('acme+e2e_deployer'));
  assert.ok(!(state.teamMembers('acme', 'developers') ?? []).includes('acme+e2e_deployer'));
  assert.deepEqual(
    state.prototypes('acme').filter((p) => p.delegate.name === 'acme+e2e_deployer').map(({ activatingUser, delegate, role }) => ({ activatingUser, delegate, role })),
    [{ activatingUser: null, delegate: { kind: 'user', name: 'acme+e2e_deployer' }, role: 'write' }],
  );
  // The default permission works as Quay applies it: a repository created from now on gives the robot write.
  state.createRepository('acme', 'e2e-new-service', 'alice');
  assert.equal(state.userPermission('acme/e2e-new-service', 'acme+e2e_deployer'), 'write');
});

void test('Refresh All shows a robot created behind the extension\'s back, with one request per row on screen (and the token ages in the background); Show Log shows them, no token', async () => {
  const { page, session } = vscode;
  const { sandbox } = workbench;
  const allLines = (from: number): string[] =>
    [...outputChannelText(session, 'Quay').slice(from).matchAll(/\[http\] (GET \S+) → 200 in \d+ ms/g)].map((m) => m[1] ?? '').sort();
  // Once the robot list is on screen, the token ages are read from the usage logs in the background (at most 20
  // requests, reported in a debug line of their own); the rows' own requests are the others.
  const isAgeRequest = (line: string): boolean => /^GET \/api\/v1\/organization\/acme\/(aggregate)?logs\?/.test(line);
  const requestLines = (from: number): string[] => allLines(from).filter((l) => !isAgeRequest(l));
  const ageRequests = async (from: number): Promise<number> => {
    const reported = await waitUntil(() => /\[rotation\] Token ages of acme: \d+ robots, (\d+) requests/.exec(outputChannelText(session, 'Quay').slice(from))?.[1], {
      message: 'the token ages of acme',
    });
    const count = Number(reported);
    assert.ok(count >= 1 && count <= 20, `${count} requests for the token ages`);
    await waitUntil(() => allLines(from).filter(isAgeRequest).length >= count, { message: `${count} token-age request lines` });
    assert.equal(allLines(from).filter(isAgeRequest).length, count);
    return count;
  };
  // What the robots group of acme fetches: the list, then (a small group) each robot's federation with it.
  const robotsGroupRequests = (): string[] => [
    'GET /api/v1/organization/acme/robots?permissions=true&token=false',
    ...sandbox.state.robots('acme').map((r) => `GET /api/v1/organization/acme/robots/${r.shortName}/federation`),
  ];
  // Request lines are debug lines (README): a person turns the channel to Debug to see them.
  await setLogLevel(page, 'Quay', 'Debug');
  let logged = outputChannelText(session, 'Quay').length;
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'e2e_deployer', REGISTRY_VIEW);
  await waitUntil(() => requestLines(logged).length >= robotsGroupRequests().length, { message: 'the debug lines of the first load' });
  assert.deepEqual(requestLines(logged), robotsGroupRequests().sort());
  await ageRequests(logged);

  // Someone else creates a robot through Quay's API; the tree still shows what it loaded.
  const made = await fetch(`${sandbox.url}/api/v1/organization/acme/robots/made_elsewhere`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${sandbox.tokens.admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ description: 'Created outside VS Code' }),
  });
  assert.equal(made.status, 201);
  assert.ok(!(await treeItems(page, 'Registry')).some((r) => r.label === 'made_elsewhere'), 'not shown before the refresh');
  assert.ok(sandbox.state.robots('acme').length <= 25, 'a small group: federation is looked up with the list');
  // On screen: the instance (it shows its user and, in its tooltip, what GET /config tells) and acme's robots;
  // every other row is collapsed.
  const expected = ['GET /api/v1/user/', 'GET /config', ...robotsGroupRequests()].sort();
  logged = outputChannelText(session, 'Quay').length;
  sandbox.stats.reset();

  await clickViewAction(page, 'Registry', 'Refresh All');
  await waitForTreeItem(page, 'made_elsewhere', REGISTRY_VIEW);
  await waitUntil(() => requestLines(logged).length >= expected.length, { message: `${expected.length} request lines`, describe: () => requestLines(logged).join('\n') });
  assert.deepEqual(requestLines(logged), expected);
  // Refresh All refreshes the token ages too.
  const ages = await ageRequests(logged);
  assert.equal(sandbox.stats.requests, expected.length + ages, 'requests the sandbox received');
  console.log(`Refresh All: ${expected.length} requests with ${sandbox.state.robots('acme').length} robots on screen, then ${ages} for the token ages`);
  await session.screenshot('robots-09-refresh-all');

  await clearNotifications(page); // the toasts would cover the Output panel in the screenshot
  assert.ok(!(await page.locator('.part.panel .pane-body.output-view').isVisible()), 'the Output panel is closed before Show Log');
  await viewMoreActions(page, 'Registry', 'Show Log');
  const shown = await waitUntil(
    async () => {
      const o = await outputView(page);
      // The panel shows the channel's last lines: the token ages' requests and their summary come last.
      return o.channel === 'Quay' && /\[http\] GET \/api\/v1\/organization\/acme\/\S+ → 200/.test(o.text) && o.text.includes('[rotation] Token ages of acme:') && o;
    },
    { message: 'the Quay channel with request lines in the Output panel' },
  );
  await session.screenshot('robots-10-show-log');
  const tokens = [sandbox.tokens.admin, ...sandbox.state.robots('acme').map((r) => r.token)];
  const channel = outputChannelText(session, 'Quay');
  for (const token of tokens) assert.ok(!shown.text.includes(token) && !channel.includes(token), 'no token in the log');
  await runCommand(page, 'View: Hide Panel');
});

void test('Grant Access to Repositories shows a plan, applies it, and a second run changes nothing', async () => {
  const { page, session } = vscode;
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'e2e_puller', REGISTRY_VIEW);
  const grant = async (): Promise<void> => {
    await contextMenu(page, 'e2e_puller', 'Grant Access to Repositories…', REGISTRY_VIEW);
    await waitForQuickInput(page, { titleOrPlaceholder: /\(1\/3\)/ });
    await waitUntil(async () => !(await quickInputState(page)).busy, { message: 'repositories listed' });
    await pickQuickItem(page, 'frontend');
    await pickQuickItem(page, 'backend');
    await acceptQuickInput(page);
    await pickQuickItem(page, 'read');
  };
  await grant();
  const plan = await waitForQuickInput(page, { titleOrPlaceholder: /plan/ });
  assert.match(plan.placeholder ?? '', /1 to add, 1 unchanged/);
  await session.screenshot('robots-03-plan');
  await applyPlan(page);
  await waitForNotification(page, /Grant read to acme\+e2e_puller: 1 applied\./);
  assert.equal(workbench.sandbox.state.userPermission('acme/backend', 'acme+e2e_puller'), 'read');

  await grant();
  await waitForNotification(page, /nothing to change \(2 unchanged\)/);
  await waitForQuickInputClosed(page);
});

void test('Change Role… and Revoke Permission… on the rows under a robot', async () => {
  const { page, session } = vscode;
  await expandTreeItem(page, 'e2e_puller', REGISTRY_VIEW);
  await waitForTreeItem(page, 'backend', REGISTRY_VIEW);
  await contextMenu(page, 'backend', 'Change Role…', REGISTRY_VIEW);
  await pickQuickItem(page, 'write');
  await waitUntil(() => workbench.sandbox.state.userPermission('acme/backend', 'acme+e2e_puller') === 'write', { message: 'role write in Quay' });
  // The robot's rows are redrawn after the change: act on them once the tree shows the new role.
  await waitUntil(async () => (await treeItems(page, 'Registry')).find((r) => r.label === 'backend')?.description === 'write', { message: 'tree shows write' });
  await contextMenu(page, 'frontend', 'Revoke Permission…', REGISTRY_VIEW);
  const dialog = await modalDialog(page);
  assert.match(dialog.message, /Revoke read of acme\+e2e_puller on acme\/frontend\?/);
  await clickDialogButton(page, 'Revoke');
  await waitUntil(() => workbench.sandbox.state.userPermission('acme/frontend', 'acme+e2e_puller') === undefined, { message: 'revoked in Quay' });
  await waitForTreeItemGone(page, 'frontend', REGISTRY_VIEW);
  await session.screenshot('robots-04-after-change-and-revoke');
  await collapseTreeItem(page, 'e2e_puller', REGISTRY_VIEW);
});

void test('Copy Credentials → Docker config.json warns inside a git work tree, names what it adds, merges and writes 0600', async () => {
  const { page, session } = vscode;
  mkdirSync(join(session.workspace, '.git'), { recursive: true });
  const target = join(session.workspace, 'e2e-auth.json');
  writeFileSync(target, '{\n\t"auths": {\n\t\t"ghcr.io": {\n\t\t\t"auth": "Z2g="\n\t\t}\n\t},\n\t"psFormat": "table"\n}\n', { mode: 0o644 });
  await contextMenu(page, 'e2e_puller', 'Copy Credentials…', REGISTRY_VIEW);
  await pickQuickItem(page, /Save to Docker config.json \(organization scope\)/);
  // Docker's own config.json is offered first; another file goes through the save dialog, which asks before
  // "overwriting" (the file is merged into, as the modal below says).
  await pickQuickItem(page, /Another file…/);
  await waitForQuickInput(page);
  await typeInQuickInput(page, target);
  // The dialog lists the folder once it has read the typed path; Enter before that can be lost.
  await waitUntil(async () => {
    const s = await quickInputState(page);
    return !s.busy && s.value === target && s.items.some((i) => i.label === 'e2e-auth.json');
  }, { message: 'the save dialog showing the folder of the typed path' });
  await acceptQuickInput(page);
  await waitForQuickInput(page, { titleOrPlaceholder: /e2e-auth\.json already exists/ });
  await acceptQuickInput(page);
  // One modal: the git warning, and what changes in the file.
  const dialog = await modalDialog(page);
  assert.match(dialog.message, /inside the git work tree/);
  assert.match(dialog.detail, new RegExp(`Adds: ${workbench.sandbox.hostname.replace(/[.]/g, '\\.')}/acme`));
  assert.match(dialog.detail, /Keeps every other entry \(1\)/);
  await session.screenshot('robots-05-git-warning');
  await clickDialogButton(page, 'Save Anyway');
  await waitForNotification(page, /Saved the Docker config for acme\+e2e_puller/);
  const config = JSON.parse(readFileSync(target, 'utf8')) as { auths: Record<string, { auth: string; email?: string }>; psFormat: string };
  const entry = config.auths[`${workbench.sandbox.hostname}/acme`];
  assert.equal(entry?.email, '');
  assert.equal(Buffer.from(entry?.auth ?? '', 'base64').toString(), `acme+e2e_puller:${workbench.sandbox.state.robot('acme+e2e_puller')?.token ?? '?'}`);
  assert.deepEqual(config.auths['ghcr.io'], { auth: 'Z2g=' });
  assert.equal(config.psFormat, 'table');
  assert.equal(statSync(target).mode & 0o777, 0o600);
});

void test('Copy Credentials: token, login commands reading $QUAY_TOKEN, and the labelled -p forms', async () => {
  const { page } = vscode;
  const robot = workbench.sandbox.state.robot('acme+e2e_puller');
  const token = robot?.token ?? '?';
  const host = workbench.sandbox.hostname;
  const cases: [RegExp, string][] = [
    [/^Copy username$/, 'acme+e2e_puller'],
    [/^Copy token$/, token],
    [/^Copy docker login command$/, `printf %s "$QUAY_TOKEN" | docker login --username 'acme+e2e_puller' --password-stdin ${host}`],
    [/^Copy podman login command$/, `printf %s "$QUAY_TOKEN" | podman login --username 'acme+e2e_puller' --password-stdin ${host}`],
    [/^Copy docker login command with the token \(-p\)$/, `docker login -u='acme+e2e_puller' -p='${token}' ${host}`],
    [/^Copy podman login command with the token \(-p\)$/, `podman login -u='acme+e2e_puller' -p='${token}' ${host}`],
  ];
  for (const [item, expected] of cases) {
    await contextMenu(page, 'e2e_puller', 'Copy Credentials…', REGISTRY_VIEW);
    await pickQuickItem(page, item);
    await waitUntil(async () => (await clipboardText(page)) === expected, { message: `clipboard after ${String(item)}` });
  }
  // The stdin form says where the token comes from, and offers it.
  await clickNotificationButton(page, /Copied the podman login command\. It reads the robot token from \$QUAY_TOKEN/, 'Copy Token');
  await waitUntil(async () => (await clipboardText(page)) === token, { message: 'the token after "Copy Token"' });
  assert.ok(!outputChannelText(vscode.session, 'Quay').includes(token), 'the token never reaches the log');
});

void test('Delete Robot Account asks with the consequences, then the robot is gone from Quay and the tree', async () => {
  const { page, session } = vscode;
  await contextMenu(page, 'e2e_puller', 'Delete Robot Account…', REGISTRY_VIEW);
  const dialog = await modalDialog(page);
  assert.match(dialog.message, /Delete robot acme\+e2e_puller\?/);
  assert.match(dialog.detail, /stops working at once/);
  await session.screenshot('robots-06-delete-modal');
  await clickDialogButton(page, 'Delete Robot');
  await waitForTreeItemGone(page, 'e2e_puller', REGISTRY_VIEW);
  assert.equal(workbench.sandbox.state.robot('acme+e2e_puller'), undefined);
});

void test('the delete modal names the mirror that uses platform+mirror_bot before anything is deleted, and offers no delete', async () => {
  const { page, session } = vscode;
  await collapseTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'platform', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await clearNotifications(page);
  await contextMenu(page, 'mirror_bot', 'Delete Robot Account…', REGISTRY_VIEW);
  const dialog = await modalDialog(page);
  assert.match(dialog.message, /platform\+mirror_bot is the robot of the mirror of platform\/base-images\./);
  assert.match(dialog.detail, /Quay refuses to delete a robot a repository mirror pushes with .*Choose another robot in the mirroring settings of platform\/base-images first/s);
  assert.ok(dialog.buttons.includes('Open Mirroring Settings'), JSON.stringify(dialog.buttons));
  assert.ok(!dialog.buttons.includes('Delete Robot'), JSON.stringify(dialog.buttons));
  await session.screenshot('robots-07-delete-mirror-robot-modal');
  await clickDialogButton(page, 'Cancel');
  assert.ok(workbench.sandbox.state.robot('platform+mirror_bot') !== undefined);
});

void test('"Robot is being used by a mirror": when the check cannot see the mirror, Quay\'s refusal says what to do', async () => {
  const { page, session } = vscode;
  // The robot loses its write permission on the mirrored repository: the check (robot's writable repositories)
  // no longer reaches the mirror, but Quay still refuses the delete.
  const sb = workbench.sandbox;
  const revoke = await fetch(`${sb.url}/api/v1/repository/platform/base-images/permissions/user/platform+mirror_bot`, { method: 'DELETE', headers: { Authorization: `Bearer ${sb.tokens.admin}` } });
  assert.equal(revoke.status, 204);
  await clearNotifications(page);
  await contextMenu(page, 'mirror_bot', 'Delete Robot Account…', REGISTRY_VIEW);
  const dialog = await modalDialog(page);
  assert.match(dialog.message, /Delete robot platform\+mirror_bot\?/);
  await clickDialogButton(page, 'Delete Robot');
  const n = await waitForNotification(page, /refused to delete robot platform\+mirror_bot: Robot is being used by a mirror/);
  assert.match(n.message, /was not among the repositories checked .*Mirroring settings name platform\+mirror_bot/s);
  await session.screenshot('robots-08-delete-mirror-refused');
  assert.ok(sb.state.robot('platform+mirror_bot') !== undefined);
  assert.equal(sb.state.repoMirrorRobot('platform/base-images'), 'platform+mirror_bot');
});
