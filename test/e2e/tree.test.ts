/**
 * The registry explorer through the UI: two instances at once (alice, an admin, and bob, a plain member),
 * every node kind, "Load more" on a 5,000-repository organization, filters, and what a member is told
 * where the API refuses. Instances are preconfigured in settings; their tokens come from the environment.
 */
import * as assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startSandbox, type Sandbox } from '../sandbox/server';
import {
  clickDialogButton,
  clickInlineAction,
  copiedBy,
  clickTreeItem,
  contextMenu,
  contextMenuItems,
  scrollToTreeItem,
  collapseTreeItem,
  expandTreeItem,
  forwardPort,
  modalDialog,
  openViewContainer,
  pickQuickItem,
  runCommand,
  treeItems,
  typeInQuickInput,
  useVSCode,
  waitForQuickInput,
  waitForQuickInputClosed,
  waitForTreeItem,
  waitForWebview,
  waitUntil,
  type TreeItemInfo,
} from './harness';
import { ExtensionId } from '../../src/constants';
import { REGISTRY_VIEW } from './sandboxWorkbench';

let sandbox: Sandbox;
/** The same sandbox under another origin, http://[::1]:<port>: another instance for the extension. */
let bobOrigin: Awaited<ReturnType<typeof forwardPort>>;
after(async () => {
  await bobOrigin.close();
  await sandbox.close();
});

const ALICE = 'Sandbox as alice';
const BOB = 'Sandbox as bob';

const vscode = useVSCode(async () => {
  sandbox = await startSandbox({ seed: 'large' });
  bobOrigin = await forwardPort(Number(new URL(sandbox.url).port));
  return {
  settings: {
    'quay.instances': [
      { url: sandbox.url, label: ALICE, tokenEnvironmentVariable: 'QUAY_E2E_ALICE' },
      { url: bobOrigin.url, label: BOB, tokenEnvironmentVariable: 'QUAY_E2E_BOB' },
    ],
  },
  env: { QUAY_E2E_ALICE: sandbox.tokens.admin, QUAY_E2E_BOB: sandbox.tokens.member },
  };
});

async function rows(): Promise<TreeItemInfo[]> {
  return treeItems(vscode.page, 'Registry');
}

async function row(label: string): Promise<TreeItemInfo> {
  return waitUntil(async () => (await rows()).find((r) => r.label === label), { message: `tree row ${label}` });
}

void test('two instances are shown at once, each signed in with its own token', async () => {
  const { page, session } = vscode;
  await openViewContainer(page, 'Quay');
  await waitForTreeItem(page, ALICE, REGISTRY_VIEW);
  await waitForTreeItem(page, BOB, REGISTRY_VIEW);
  await waitUntil(async () => (await row(ALICE)).description === 'alice' && (await row(BOB)).description === 'bob', { message: 'both signed in' });
  await collapseTreeItem(page, BOB, REGISTRY_VIEW);
  await session.screenshot('tree-01-two-instances');
});

void test('robot → its repositories with roles, its teams and its federation entries', async () => {
  const { page, session } = vscode;
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  const groups = (await rows()).map((r) => r.label);
  for (const g of ['Robot accounts', 'Repositories', 'Default permissions', 'Teams']) assert.ok(groups.includes(g), groups.join(', '));
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await expandTreeItem(page, 'k8s_prod_puller', REGISTRY_VIEW);
  await waitForTreeItem(page, 'gateway', REGISTRY_VIEW);
  for (const repo of ['frontend', 'backend', 'payments', 'gateway']) assert.equal((await row(repo)).description, 'read', repo);
  await session.screenshot('tree-02-robot-repositories');
  await collapseTreeItem(page, 'k8s_prod_puller', REGISTRY_VIEW);

  await expandTreeItem(page, 'ci_push', REGISTRY_VIEW);
  await waitForTreeItem(page, 'deployers', REGISTRY_VIEW);
  assert.equal((await row('deployers')).description, 'team');
  assert.equal((await row('frontend')).description, 'write');
  await collapseTreeItem(page, 'ci_push', REGISTRY_VIEW);

  await expandTreeItem(page, 'keyless', REGISTRY_VIEW);
  assert.equal((await row('Keyless federation')).description, '2');
  await expandTreeItem(page, 'Keyless federation', REGISTRY_VIEW);
  await waitForTreeItem(page, 'system:serviceaccount:prod:app', REGISTRY_VIEW);
  assert.equal((await row('system:serviceaccount:prod:app')).description, sandbox.issuer.url);
  assert.equal((await row('repo:acme/app:ref:refs/heads/main')).description, 'https://token.actions.githubusercontent.com');
  await session.screenshot('tree-03-robot-federation');
  await collapseTreeItem(page, 'keyless', REGISTRY_VIEW);
  assert.match((await row('unused_bot')).description ?? '', /never used.*no repository access/);
  assert.match((await row('keyless')).description ?? '', /· federated ·/, 'a small group learns federation just after its list');
  assert.doesNotMatch((await row('ci_pull')).description ?? '', /federated/);
  await collapseTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
});

void test('repository → who can access it, robots marked, teams with their roles', async () => {
  const { page, session } = vscode;
  await expandTreeItem(page, 'Repositories', REGISTRY_VIEW);
  await expandTreeItem(page, 'frontend', REGISTRY_VIEW);
  await waitForTreeItem(page, 'acme+k8s_prod_puller', REGISTRY_VIEW);
  assert.equal((await row('acme+k8s_prod_puller')).description, 'read · robot');
  assert.equal((await row('acme+ci_push')).description, 'write · robot');
  await session.screenshot('tree-04-repository-access');
  await collapseTreeItem(page, 'frontend', REGISTRY_VIEW);
  await collapseTreeItem(page, 'Repositories', REGISTRY_VIEW);
});

void test('default permissions read as sentences, teams list their members', async () => {
  const { page, session } = vscode;
  await expandTreeItem(page, 'Default permissions', REGISTRY_VIEW);
  await waitForTreeItem(page, 'acme+ci_pull gets read', REGISTRY_VIEW);
  assert.equal((await row('acme+ci_pull gets read')).description, 'on new repositories created by anyone');
  assert.equal((await row('team developers gets write')).description, 'on new repositories created by alice');
  await collapseTreeItem(page, 'Default permissions', REGISTRY_VIEW);
  await expandTreeItem(page, 'Teams', REGISTRY_VIEW);
  await expandTreeItem(page, 'deployers', REGISTRY_VIEW);
  await waitForTreeItem(page, 'acme+ci_push', REGISTRY_VIEW);
  assert.match((await row('acme+ci_push')).description ?? '', /^robot/);
  await session.screenshot('tree-05-prototypes-teams');
  await collapseTreeItem(page, 'Teams', REGISTRY_VIEW);
  await collapseTreeItem(page, 'acme', REGISTRY_VIEW);
});

void test('a 5,000-repository organization shows 100 repositories and "Load more…"', async () => {
  const { page, session } = vscode;
  await expandTreeItem(page, 'bigcorp', REGISTRY_VIEW);
  await expandTreeItem(page, 'Repositories', REGISTRY_VIEW);
  await waitForTreeItem(page, 'api-0001', REGISTRY_VIEW);
  await scrollToTreeItem(page, 'Registry', 'Load more…');
  assert.equal((await row('Load more…')).description, '100 loaded');
  await clickTreeItem(page, 'Load more…', REGISTRY_VIEW);
  await scrollToTreeItem(page, 'Registry', 'api-0101'); // the second page arrived
  await scrollToTreeItem(page, 'Registry', 'Load more…');
  assert.equal((await row('Load more…')).description, '200 loaded');
  await session.screenshot('tree-06-load-more');
  await scrollToTreeItem(page, 'Registry', 'Repositories');
  assert.equal((await row('Repositories')).description, '200+');
  await collapseTreeItem(page, 'Repositories', REGISTRY_VIEW);
});

void test('a filter narrows robots without refetching, and clearing it restores the list', async () => {
  const { page, session } = vscode;
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, /^api_bot_/, REGISTRY_VIEW);
  await clickInlineAction(page, 'Robot accounts', 'Filter…', { ...REGISTRY_VIEW, opensQuickInput: true });
  await waitForQuickInput(page, { titleOrPlaceholder: /Filter robot accounts/ });
  await typeInQuickInput(page, '042', { submit: true });
  await waitForQuickInputClosed(page);
  await waitUntil(async () => /^filter: "042" · \d+\/500$/.test((await row('Robot accounts')).description ?? ''), { message: 'filtered description (count of the loaded 500)' });
  const shown = (await rows()).filter((r) => r.level === 4);
  assert.ok(shown.every((r) => r.label.includes('042')), shown.map((r) => r.label).join(', '));
  await session.screenshot('tree-07-filter');
  await clickInlineAction(page, 'Robot accounts', 'Clear Filter', REGISTRY_VIEW);
  await waitUntil(async () => (await row('Robot accounts')).description === '500', { message: 'filter cleared: all 500 robots' });
  await collapseTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await collapseTreeItem(page, 'bigcorp', REGISTRY_VIEW);
});

void test('a server failure is an error node with Retry; Retry recovers; nothing else breaks', async () => {
  const { page, session } = vscode;
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  sandbox.setFaults({ failRate: 1 });
  await contextMenu(page, 'acme', 'Refresh', REGISTRY_VIEW);
  await expandTreeItem(page, 'Repositories', REGISTRY_VIEW);
  const error = await waitUntil(async () => (await rows()).find((r) => r.label.startsWith('Could not load repositories of acme')), { message: 'error node' });
  assert.match(error.label, /\(server\) — Retry$/);
  await session.screenshot('tree-08-server-error');
  sandbox.setFaults({ failRate: 0 });
  await clickInlineAction(page, error.label, 'Retry', REGISTRY_VIEW);
  await waitForTreeItem(page, 'frontend', REGISTRY_VIEW);
  await collapseTreeItem(page, 'Repositories', REGISTRY_VIEW);
});

void test('Copy Name puts the exact name of each kind of object on the clipboard', async () => {
  const { page, session } = vscode;
  for (const label of ['acme', 'Robot accounts']) assert.ok((await contextMenuItems(page, label, REGISTRY_VIEW)).includes('Refresh'), label);
  const copied = async (label: string, group?: string): Promise<string> => {
    if (group !== undefined) await expandTreeItem(page, group, REGISTRY_VIEW);
    const text = await copiedBy(page, () => contextMenu(page, label, 'Copy Name', REGISTRY_VIEW));
    if (group !== undefined) await collapseTreeItem(page, group, REGISTRY_VIEW);
    return text;
  };
  assert.equal(await copied(ALICE), sandbox.url);
  assert.equal(await copied('acme'), 'acme');
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  assert.equal(await copied('k8s_prod_puller'), 'acme+k8s_prod_puller');
  await session.screenshot('tree-09-copy-name');
  await collapseTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  assert.equal(await copied('frontend', 'Repositories'), 'acme/frontend');
  assert.equal(await copied('deployers', 'Teams'), 'deployers');
  await collapseTreeItem(page, 'acme', REGISTRY_VIEW);
  await collapseTreeItem(page, ALICE, REGISTRY_VIEW);
});

void test('a plain member sees what the API refuses explained in place, and the rest', async () => {
  const { page, session } = vscode;
  await expandTreeItem(page, BOB, REGISTRY_VIEW);
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await expandTreeItem(page, 'ci_pull', REGISTRY_VIEW);
  await waitForTreeItem(page, /^No access to repository permissions of acme\+ci_pull/, REGISTRY_VIEW);
  const denied = (await rows()).find((r) => r.label.startsWith('No access to repository permissions'));
  assert.match(denied?.description ?? '', /user:admin scope and organization admin rights in acme/);
  await expandTreeItem(page, 'Default permissions', REGISTRY_VIEW);
  await waitForTreeItem(page, /^No access to default permissions of acme/, REGISTRY_VIEW);
  await expandTreeItem(page, 'Repositories', REGISTRY_VIEW);
  await waitUntil(async () => (await rows()).some((r) => r.label === 'frontend' || r.label === 'docs'), { message: 'bob sees repositories' });
  await session.screenshot('tree-08-member-explanations');
});

void test('Reveal in Quay asks VS Code to open exactly Quay\'s page of the object', async () => {
  const { page, session } = vscode;
  // bob's origin is not loopback-trusted by VS Code: it asks before opening, shows the URL, and "Copy" copies it.
  const revealed = async (label: string): Promise<{ shown: string; copied: string }> => {
    await contextMenu(page, label, 'Reveal in Quay', REGISTRY_VIEW);
    const dialog = await modalDialog(page);
    assert.match(dialog.message, /open the external website\?/);
    if (label === 'ci_pull') await session.screenshot('tree-10-reveal-in-quay');
    return { shown: dialog.detail, copied: await copiedBy(page, () => clickDialogButton(page, 'Copy')) };
  };
  const base = bobOrigin.url;
  for (const [label, url] of [
    ['acme', `${base}/organization/acme`],
    ['ci_pull', `${base}/organization/acme?tab=robots`],
    ['frontend', `${base}/repository/acme/frontend`],
  ] as const) {
    assert.deepEqual(await revealed(label), { shown: url, copied: url }, label);
  }
});

void test('a command from the robot page knows its instance: with two instances, Create Default Permission does not ask which', async () => {
  const { page, session } = vscode;
  // From the palette the instance is asked (two are configured); from the page the robot's ref names it.
  await runCommand(page, 'Quay: Open Robot Page');
  await waitForQuickInput(page, { titleOrPlaceholder: /Open Robot Page/ });
  await pickQuickItem(page, ALICE);
  await pickQuickItem(page, 'acme');
  await pickQuickItem(page, 'ci_pull');
  const frame = await waitForWebview(page, { extensionId: ExtensionId });
  await frame.getByRole('heading', { name: 'acme+ci_pull' }).waitFor();
  await frame.getByRole('tab', { name: 'Teams & default permissions' }).click();
  await waitForQuickInputClosed(page);
  await frame.getByRole('button', { name: 'Add default permission…' }).click();
  const first = await waitForQuickInput(page, { titleOrPlaceholder: /Create Default Permission/ });
  await session.screenshot('tree-11-robot-page-default-permission');
  assert.equal(first.title, 'Create Default Permission (3/4)', `the first question is the role, not the instance: ${JSON.stringify(first)}`);
  await page.keyboard.press('Escape');
  await waitForQuickInputClosed(page);
});
