/**
 * Token rotation through the UI, against the sandbox, checked with Debian's skopeo:
 * 1. from the CodeLens above a pull Secret: a robot used in 3 workspace files of different kinds (a `.env`, a
 *    Docker auth.json, a Kubernetes pull Secret) plus a SealedSecret naming that Secret; the plan lists them, the
 *    modal states the consequence, and afterwards each file differs from the original only in the token bytes;
 *    skopeo logs in with the new token and not with the old one;
 * 2. the successor robot: same description, repository roles, team, default permission and federation; the
 *    workspace moves to it (user name and token); the predecessor stays until Retire Predecessor deletes it;
 * 3. overdue robots carry a warning and their token age in the tree, and the due list rotates one.
 */
import * as assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { QuayClient } from '../../src/core/quay/client';
import { MAX_FILE_BYTES } from '../../src/core/rotation/finder';
import { silentLogger } from '../../src/core/log';
import { skopeo, skopeoSkip, skopeoVersion } from '../sandbox/skopeo';
import type { Sandbox } from '../sandbox/server';
import {
  acceptQuickInput,
  clickDialogButton,
  closeQuickInput,
  clickNotificationButton,
  contextMenu,
  contextMenuTree,
  editorText,
  expandTreeItem,
  modalDialog,
  openFile,
  openViewContainer,
  pickQuickItem,
  quickInputState,
  runCommand,
  treeItems,
  waitForNotification,
  waitForQuickInput,
  waitForTreeItem,
  waitForTreeItemGone,
  waitUntil,
} from './harness';
import { REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';

const ROBOT = 'acme+ci_pull';
const SUCCESSOR_OF = 'acme+ci_push';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** The three files that store `user`'s `token`, each in its own encoding, plus a file that stores nothing. */
function files(host: string, user: string, token: string): Record<string, string> {
  const dockerconfig = JSON.stringify({ auths: { [host]: { auth: b64(`${user}:${token}`), email: '' } } }, null, 2);
  return {
    '.env': `# CI credentials for the integration tests\nQUAY_USER=${user}\nQUAY_TOKEN=${token}\nOTHER=unchanged\n`,
    'docker/auth.json': `${JSON.stringify({ auths: { [host]: { auth: b64(`${user}:${token}`) } }, credHelpers: { 'gcr.io': 'gcloud' } }, null, 4)}\n`,
    'k8s/pull-secret.yaml': [
      '# Pull secret for the integration namespace',
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: acme-ci-pull-pull-secret # as Quay names it',
      '  namespace: integration',
      'type: kubernetes.io/dockerconfigjson',
      'data:',
      `  .dockerconfigjson: ${b64(dockerconfig)}`,
      '',
    ].join('\n'),
    'k8s/sealed.yaml': [
      'apiVersion: bitnami.com/v1alpha1',
      'kind: SealedSecret',
      'metadata:',
      '  name: acme-ci-pull-pull-secret',
      '  namespace: staging',
      'spec:',
      '  encryptedData:',
      '    .dockerconfigjson: AgBy3i4OJSWK+PiTySYZZA==',
      '',
    ].join('\n'),
  };
}

let workspace = '';
/** `$XDG_CONFIG_HOME` of the extension host: its `containers/auth.json` is a user credential file holding ROBOT. */
let configHome = '';
const userAuthJson = (): string => join(configHome, 'containers', 'auth.json');
const userAuth = (host: string, token: string): string => `${JSON.stringify({ auths: { [host]: { auth: b64(`${ROBOT}:${token}`) }, 'docker.io': { auth: b64('someone:pw') } } }, null, 2)}\n`;
let original: Record<string, string> = {};
let successorOriginal: Record<string, string> = {};
/** Files of the failure scenarios: k8s_prod_puller in two files, unused_bot in one. */
let failureFiles: Record<string, string> = {};
const PROD = 'acme+k8s_prod_puller';
const UNUSED = 'acme+unused_bot';
const workbench = useSandboxWorkbench('demo', {
  prepare: (sb: Sandbox) => {
    workspace = mkdtempSync(join(tmpdir(), 'rotation-ws-'));
    original = files(sb.hostname, ROBOT, sb.state.robot(ROBOT)?.token ?? '');
    successorOriginal = { 'deploy/push.env': `PUSH_USER=${SUCCESSOR_OF}\nPUSH_TOKEN=${sb.state.robot(SUCCESSOR_OF)?.token ?? ''}\n` };
    const prodToken = sb.state.robot(PROD)?.token ?? '';
    failureFiles = {
      'prod/a.env': `PROD_TOKEN=${prodToken}\n`,
      'prod/b.env': `# restored from backup\nPROD_TOKEN=${prodToken}\n`,
      'unused/c.env': `UNUSED_TOKEN=${sb.state.robot(UNUSED)?.token ?? ''}\n`,
    };
    for (const [name, text] of Object.entries({ ...original, ...successorOriginal, ...failureFiles })) {
      mkdirSync(join(workspace, name, '..'), { recursive: true });
      writeFileSync(join(workspace, name), text);
    }
    configHome = mkdtempSync(join(tmpdir(), 'rotation-config-'));
    mkdirSync(join(configHome, 'containers'));
    writeFileSync(userAuthJson(), userAuth(sb.hostname, sb.state.robot(ROBOT)?.token ?? ''));
    chmodSync(userAuthJson(), 0o644);
    return { workspace, env: { XDG_CONFIG_HOME: configHome } };
  },
});
const { vscode } = workbench;
const registry = skopeo();
after(() => registry.dispose());
after(() => rmSync(configHome, { recursive: true, force: true }));

const read = (name: string): string => readFileSync(join(workspace, name), 'utf8');

/** Offsets where two equally long texts differ. */
function differingRuns(a: string, b: string): string[] {
  assert.equal(a.length, b.length, 'same length');
  const runs: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    let j = i;
    while (j < a.length && a[j] !== b[j]) j++;
    runs.push(a.slice(i, j));
    i = j;
  }
  return runs;
}

void test('Rotate from the CodeLens: the plan lists 3 files, each changes only in its token bytes, and skopeo accepts only the new token', { skip: skopeoSkip }, async () => {
  assert.ok(skopeoVersion !== undefined, 'CI=true and skopeo is not installed: run scripts/install-code-server.sh as root');
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const oldToken = sb.state.robot(ROBOT)?.token ?? assert.fail('no robot');
  assert.equal((await registry.login(sb.hostname, ROBOT, oldToken, 'before')).code, 0, 'the old token works before');

  await openViewContainer(page, 'Quay');
  await waitForTreeItem(page, 'acme', REGISTRY_VIEW);
  await openFile(page, 'k8s/pull-secret.yaml');
  const lens = page.locator('.codelens-decoration a', { hasText: /acme\+ci_pull · token 0 days old · Rotate…/ }).first();
  await lens.waitFor({ state: 'visible', timeout: 30_000 });
  await session.screenshot('rotation-01-codelens');
  await lens.click();

  const plan = await waitForQuickInput(page, { titleOrPlaceholder: /Places that store the token of acme\+ci_pull/, timeout: 30_000 });
  const userRow = plan.items.find((i) => i.label.startsWith(userAuthJson()));
  assert.equal(userRow?.checked, false, `the user's auth.json is listed, unticked: ${JSON.stringify(plan.items.map((i) => i.label))}`);
  const rows = plan.items.filter((i) => i.checked !== undefined && i !== userRow).map((i) => `${i.label} | ${i.description} | ${String(i.checked)}`).sort();
  const at = (name: string, needle: string): string => {
    const text = original[name] ?? '';
    const before = text.slice(0, text.indexOf(needle)).split('\n');
    return `${name}:${before.length}:${(before[before.length - 1] ?? '').length + 1}`;
  };
  assert.equal(rows.length, 3, rows.join('\n'));
  assert.equal(rows[0], `${at('.env', oldToken)} | token | true`);
  assert.equal(rows[1], `${at('docker/auth.json', b64(`${ROBOT}:${oldToken}`))} | auth (base64 of user:token) | true`);
  assert.match(rows[2] ?? '', /^k8s\/pull-secret\.yaml:9:\d+ \| Secret data \(\.dockerconfigjson, base64\) · auth inside \| true$/);
  // Tick the user's credential file too: it is written privately (0600, temp file + rename), never as a document.
  const inodeBefore = statSync(userAuthJson()).ino;
  await pickQuickItem(page, userRow.label);
  await waitUntil(async () => (await quickInputState(page)).items.find((i) => i.label === userRow.label)?.checked === true, { message: 'the auth.json row ticked' });
  await session.screenshot('rotation-02-plan');
  await acceptQuickInput(page);

  const modal = await modalDialog(page);
  assert.equal(modal.message, 'Quay invalidates the old token immediately. 4 places will be updated; 1 known places will not.');
  assert.match(modal.detail, /Not updatable here: k8s\/sealed\.yaml:1 \(sealedSecret\)/);
  await session.screenshot('rotation-03-confirm');
  await clickDialogButton(page, 'Regenerate Token');

  await waitForNotification(page, /Rotation of acme\+ci_pull: 4 places updated, 1 left\. The registry accepts the new token and refuses the old one\./, 30_000);
  await session.screenshot('rotation-04-report');
  const newToken = sb.state.robot(ROBOT)?.token ?? assert.fail('no robot');
  assert.notEqual(newToken, oldToken);
  // Every file is exactly the original written with the new token: nothing else moved.
  const expected = files(sb.hostname, ROBOT, newToken);
  for (const name of ['.env', 'docker/auth.json', 'k8s/pull-secret.yaml', 'k8s/sealed.yaml']) assert.equal(read(name), expected[name], name);
  assert.deepEqual(differingRuns(original['.env'] ?? '', read('.env')).join(''), differingRuns(oldToken, newToken).join(''));
  // Security review 2026-12, finding 10: the user's credential file is replaced (new inode), mode 0600, with only
  // the token changed, and no editor document for it was ever saved (VS Code's local history records each save).
  assert.equal(readFileSync(userAuthJson(), 'utf8'), userAuth(sb.hostname, newToken));
  assert.equal(statSync(userAuthJson()).mode & 0o777, 0o600);
  assert.notEqual(statSync(userAuthJson()).ino, inodeBefore, 'written as a new file renamed over the old one');
  assert.deepEqual(readdirSync(join(configHome, 'containers')), ['auth.json'], 'no temporary file left');
  const history = join(session.userDataDir, 'User', 'History');
  const saved = existsSync(history) ? readdirSync(history).map((d) => join(history, d, 'entries.json')).filter(existsSync).map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { resource?: string }).resource ?? '') : [];
  assert.ok(saved.some((r) => r.endsWith('/docker/auth.json')), `the workspace's files are saved as documents (local history: ${JSON.stringify(saved)})`);
  assert.ok(!saved.some((r) => r.includes('rotation-config-')), `no document of the user's auth.json was saved (local history: ${JSON.stringify(saved)})`);

  const fresh = await registry.login(sb.hostname, ROBOT, newToken, 'new');
  assert.equal(fresh.code, 0, fresh.stderr);
  const stale = await registry.login(sb.hostname, ROBOT, oldToken, 'old');
  assert.notEqual(stale.code, 0, stale.stdout);
  assert.match(stale.stderr, /invalid username\/password|unauthorized/i);
});

void test('Rotate with a Successor Robot: roles, team, default permission and federation copied; the workspace moves to it; Retire Predecessor deletes the old one', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const api = new QuayClient({ baseUrl: sb.url, getToken: () => Promise.resolve(sb.tokens.admin), logger: silentLogger });
  const acme = { kind: 'org', name: 'acme' } as const;
  // ci_push: write on frontend and backend, member of deployers; give it federation and a default permission too.
  await api.setFederation(acme, 'ci_push', [{ issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/app:ref:refs/heads/main' }]);
  await api.createPrototype('acme', { role: 'write', delegate: { kind: 'robot', name: SUCCESSOR_OF } });
  await api.close();
  const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  const successor = `acme+ci_push_${stamp}`;

  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'ci_push', REGISTRY_VIEW);
  await contextMenu(page, 'ci_push', 'Rotate with a Successor Robot…', REGISTRY_VIEW);
  const name = await waitForQuickInput(page, { titleOrPlaceholder: /Rotate with a Successor Robot/ });
  assert.equal(name.value, `ci_push_${stamp}`);
  await acceptQuickInput(page);
  const plan = await waitForQuickInput(page, { titleOrPlaceholder: /Places to move from acme\+ci_push to/, timeout: 30_000 });
  assert.deepEqual(
    plan.items.filter((i) => i.checked !== undefined).map((i) => i.label),
    ['deploy/push.env:2:12'],
  );
  await acceptQuickInput(page);
  const modal = await modalDialog(page);
  assert.match(modal.message, new RegExp(`Create ${successor.replace('+', '\\+')} with 2 repository permissions, 1 teams, 1 default permissions and 1 federation entries, then move 1 places to it\\?`));
  await session.screenshot('rotation-05-successor-plan');
  await clickDialogButton(page, 'Create Successor');
  await waitForNotification(page, new RegExp(`Successor ${successor.replace('+', '\\+')} for acme\\+ci_push: 1 places updated, 0 left\\. The registry accepts the new token\\.`), 30_000);

  const made = sb.state.robot(successor) ?? assert.fail('successor missing');
  const old = sb.state.robot(SUCCESSOR_OF) ?? assert.fail('predecessor deleted too early');
  assert.equal(made.description, old.description);
  const byRepo = (p: readonly { repository: string }[]) => [...p].sort((x, y) => x.repository.localeCompare(y.repository));
  assert.deepEqual(byRepo(made.permissions), byRepo(old.permissions));
  assert.deepEqual(made.federation, old.federation);
  assert.ok(sb.state.teamMembers('acme', 'deployers')?.includes(successor));
  assert.ok(sb.state.prototypes('acme').some((p) => JSON.stringify(p).includes(successor) && p.role === 'write'));
  assert.equal(read('deploy/push.env'), `PUSH_USER=${successor}\nPUSH_TOKEN=${made.token}\n`);

  await waitForTreeItem(page, `ci_push_${stamp}`, REGISTRY_VIEW);
  // Retire Predecessor shows on the successor only (its +successor flag), never on the predecessor.
  assert.ok(!((await contextMenuTree(page, 'ci_push', REGISTRY_VIEW)).submenus.Rotation ?? []).includes('Retire Predecessor…'));
  await contextMenu(page, `ci_push_${stamp}`, 'Retire Predecessor…', REGISTRY_VIEW);
  const retire = await modalDialog(page);
  assert.match(retire.message, /^Retire acme\+ci_push\? It was last used /);
  await session.screenshot('rotation-06-retire');
  await clickDialogButton(page, 'Delete acme+ci_push');
  await waitForTreeItemGone(page, /^ci_push$/, REGISTRY_VIEW);
  assert.equal(sb.state.robot(SUCCESSOR_OF), undefined);
});

void test('Overdue robots show a warning and their token age; the due list names them and rotates the one picked', async () => {
  const { page, session } = vscode;
  await waitUntil(
    async () => (await treeItems(page, 'Registry')).find((i) => i.label === 'unused_bot' && /token \d+ days old/.test(i.description ?? '')),
    { message: 'unused_bot shows its token age', timeout: 30_000 },
  );
  const rows = await treeItems(page, 'Registry');
  const unused = rows.find((i) => i.label === 'unused_bot');
  assert.match(unused?.description ?? '', /token 200 days old/);
  const prod = rows.find((i) => i.label === 'k8s_prod_puller');
  assert.match(prod?.description ?? '', /token 120 days old/);
  assert.doesNotMatch(rows.find((i) => i.label === 'ci_pull')?.description ?? '', /days old/, 'ci_pull was just rotated');
  await session.screenshot('rotation-07-overdue');

  await runCommand(page, 'Quay: Show Robots Due for Rotation');
  const due = await waitForQuickInput(page, { titleOrPlaceholder: /Robots due for rotation/, timeout: 30_000 });
  const labels = due.items.map((i) => i.label);
  for (const r of ['acme+unused_bot', 'acme+k8s_prod_puller', 'alice+backup']) assert.ok(labels.some((l) => l.endsWith(r)), `${r} in ${labels.join(', ')}`);
  assert.ok(!labels.some((l) => l.endsWith('acme+ci_pull')));
  await session.screenshot('rotation-08-due-list');
  const state = await quickInputState(page);
  assert.ok(state.items.find((i) => i.label.endsWith('acme+unused_bot'))?.description.includes('token 200 days old'));
  await page.keyboard.type('unused_bot');
  await acceptQuickInput(page);
  // The rotation of the picked robot starts with its plan: one file stores its token.
  const plan = await waitForQuickInput(page, { titleOrPlaceholder: /Places that store the token of acme\+unused_bot/, timeout: 30_000 });
  assert.deepEqual(
    plan.items.filter((i) => i.checked !== undefined).map((i) => i.label),
    ['unused/c.env:1:14'],
  );
  await closeQuickInput(page);
});

void test('Regenerate fails (the robot was deleted meanwhile): nothing is edited, and Quay\'s message is shown', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  await contextMenu(page, 'unused_bot', 'Rotate Robot Token…', REGISTRY_VIEW);
  await waitForQuickInput(page, { titleOrPlaceholder: /Places that store the token of acme\+unused_bot/, timeout: 30_000 });
  await acceptQuickInput(page);
  await modalDialog(page);
  const api = new QuayClient({ baseUrl: sb.url, getToken: () => Promise.resolve(sb.tokens.admin), logger: silentLogger });
  await api.deleteRobot({ kind: 'org', name: 'acme' }, 'unused_bot');
  await api.close();
  await clickDialogButton(page, 'Regenerate Token');
  const error = await waitForNotification(page, /regenerate the token of robot acme\+unused_bot/, 30_000);
  await session.screenshot('rotation-09-regenerate-failed');
  assert.match(error.message, /Could not find robot with specified username/);
  assert.equal(error.severity, 'error');
  assert.ok(error.buttons.includes('Show Log'));
  assert.equal(read('unused/c.env'), failureFiles['unused/c.env'], 'nothing edited');
  await runCommand(page, 'Quay: Finish Rotation');
  await waitForNotification(page, 'No rotation is waiting to be finished.');
});

void test('A file changed on disk after the scan is scanned again; a file that cannot be edited is left, and Finish Rotation updates it later; a file over 5 MiB is listed as not scanned', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const oldToken = sb.state.robot(PROD)?.token ?? assert.fail('no robot');
  // Too large for the finder: it holds the token, is not read, and the plan and the report say so.
  writeFileSync(join(workspace, 'prod/big.log'), `${'x'.repeat(MAX_FILE_BYTES)}\nPROD_TOKEN=${oldToken}\n`);
  await contextMenu(page, 'k8s_prod_puller', 'Rotate Robot Token…', REGISTRY_VIEW);
  const plan = await waitForQuickInput(page, { titleOrPlaceholder: /Places that store the token of acme\+k8s_prod_puller/, timeout: 30_000 });
  assert.deepEqual(
    plan.items.filter((i) => i.checked !== undefined).map((i) => i.label).sort(),
    ['prod/a.env:1:12', 'prod/b.env:2:12'],
  );
  await acceptQuickInput(page);
  const modal = await modalDialog(page);
  assert.match(modal.detail, /Not scanned, may hold the token: prod\/big\.log \(over 5 MiB, not searched\)/);
  // While the modal is open: a.env gains two lines above the token, b.env disappears.
  writeFileSync(join(workspace, 'prod/a.env'), `# moved down\n# by two lines\n${failureFiles['prod/a.env'] ?? ''}`);
  rmSync(join(workspace, 'prod/b.env'));
  await clickDialogButton(page, 'Regenerate Token');
  await waitForNotification(page, /Rotation of acme\+k8s_prod_puller: 1 places updated, 1 left\. The registry accepts the new token and refuses the old one\./, 30_000);
  await session.screenshot('rotation-10-partly-failed');
  const newToken = sb.state.robot(PROD)?.token ?? assert.fail('no robot');
  assert.notEqual(newToken, oldToken);
  assert.equal(read('prod/a.env'), `# moved down\n# by two lines\nPROD_TOKEN=${newToken}\n`, 'edited on its current text, not on the scan\'s offsets');
  // The report as rendered (word-wrapped lines joined again).
  const report = (await editorText(page)).replace(/\s+/g, ' ');
  assert.match(report, /prod\/a\.env` changed after the scan/);
  assert.match(report, /prod\/b\.env` failed: the file no longer exists — run "Quay: Finish Rotation"/);
  assert.match(report, /\d+ files scanned, 1 not scanned \(listed under "Not scanned"\)/);
  assert.match(report, /## Not scanned \(1\) These may hold the token: check them by hand\. - `prod\/big\.log` over 5 MiB, not searched/);

  // The file comes back (from a backup) with the old token: Finish Rotation finds it and updates it.
  writeFileSync(join(workspace, 'prod/b.env'), failureFiles['prod/b.env'] ?? '');
  await clickNotificationButton(page, /Rotation of acme\+k8s_prod_puller: 1 places updated, 1 left/, 'Finish Rotation');
  const rest = await waitForQuickInput(page, { titleOrPlaceholder: /Places that still store the old token of acme\+k8s_prod_puller/, timeout: 30_000 });
  assert.deepEqual(rest.items.filter((i) => i.checked !== undefined).map((i) => i.label), ['prod/b.env:2:12']);
  await acceptQuickInput(page);
  await waitForNotification(page, /Rotation of acme\+k8s_prod_puller \(finished\): 1 places updated, 0 left\. The registry accepts the new token and refuses the old one\./, 30_000);
  assert.equal(read('prod/b.env'), `# restored from backup\nPROD_TOKEN=${newToken}\n`);
  await runCommand(page, 'Quay: Finish Rotation');
  await waitForNotification(page, 'No rotation is waiting to be finished.');
});
