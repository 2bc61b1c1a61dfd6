/**
 * Nothing is lost, whatever fails (AGENTS.md "Token rotation", the engine's order in core/rotation/engine.ts):
 * 1. Quay answers 500, or drops the connection, on the regeneration: nothing is edited, the message says the old
 *    token still works, and a registry login (`/v2/auth`) against the sandbox proves it;
 * 2. the extension host dies right after the regeneration (the test-only fault point, `QUAY_TEST_FAULT`), before
 *    any edit: after a reload the unfinished rotation is offered, Finish Rotation updates every place, and each file
 *    equals the original with the new token, nothing else changed;
 * 3. Finish Rotation that finds nothing while a file could not be searched says so and keeps the rotation pending.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { MAX_FILE_BYTES } from '../../src/core/rotation/finder';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { QuayClient } from '../../src/core/quay/client';
import { silentLogger } from '../../src/core/log';
import type { Sandbox } from '../sandbox/server';
import { acceptQuickInput, clearNotifications, clickDialogButton, clickNotificationButton, contextMenu, runCommand, waitForNotification, waitForQuickInput, waitUntil } from './harness';
import { showOrgRobot, REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';

const CRASHED = 'acme+ci_pull';
const FAILED = 'acme+k8s_prod_puller';
const UNSEARCHED = 'acme+unused_bot';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** Three files that store `user`'s `token`, each in its own encoding. */
function files(host: string, user: string, token: string): Record<string, string> {
  const dockerconfig = JSON.stringify({ auths: { [host]: { auth: b64(`${user}:${token}`), email: '' } } }, null, 2);
  return {
    'ci/.env': `# CI credentials\nQUAY_USER=${user}\nQUAY_TOKEN=${token}\nOTHER=unchanged\n`,
    'ci/auth.json': `${JSON.stringify({ auths: { [host]: { auth: b64(`${user}:${token}`) } } }, null, 4)}\n`,
    'ci/pull-secret.yaml': ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: ci-pull', 'type: kubernetes.io/dockerconfigjson', 'data:', `  .dockerconfigjson: ${b64(dockerconfig)}`, ''].join('\n'),
  };
}

let workspace = '';
let original: Record<string, string> = {};
let failedFile = '';
const workbench = useSandboxWorkbench('demo', {
  prepare: (sb: Sandbox) => {
    workspace = mkdtempSync(join(tmpdir(), 'rotation-failures-ws-'));
    original = files(sb.hostname, CRASHED, sb.state.robot(CRASHED)?.token ?? '');
    failedFile = `PROD_TOKEN=${sb.state.robot(FAILED)?.token ?? ''}\n`;
    for (const [name, text] of Object.entries({ ...original, 'prod/app.env': failedFile })) {
      mkdirSync(join(workspace, name, '..'), { recursive: true });
      writeFileSync(join(workspace, name), text);
    }
    // The test-only fault point: the extension host kills itself right after a regeneration (src/core/rotation/testFault.ts).
    return { workspace, env: { QUAY_TEST_FAULT: 'after-regenerate' } };
  },
});
const { vscode } = workbench;
after(() => rmSync(workspace, { recursive: true, force: true }));
const read = (name: string): string => readFileSync(join(workspace, name), 'utf8');

/** Rotates `short` from its context menu up to the modal's "Regenerate Token" (not clicked). */
async function planRotation(short: string, full: string): Promise<void> {
  const { page } = vscode;
  await showOrgRobot(page, short);
  await contextMenu(page, short, 'Rotate Robot Token…', REGISTRY_VIEW);
  await waitForQuickInput(page, { titleOrPlaceholder: new RegExp(`Places that store the token of ${full.replace('+', '\\+')}`), timeout: 30_000 });
  await acceptQuickInput(page);
}

for (const fate of ['fail', 'drop'] as const) {
  void test(`Quay ${fate === 'fail' ? 'answers 500' : 'drops the connection'} on the regeneration: nothing is edited, and the old token still works (registry login)`, async () => {
    const { page, session } = vscode;
    const sb = workbench.sandbox;
    const oldToken = sb.state.robot(FAILED)?.token ?? assert.fail('no robot');
    await planRotation('k8s_prod_puller', FAILED);
    sb.failNext((r) => r.method === 'POST' && r.path === '/api/v1/organization/acme/robots/k8s_prod_puller/regenerate', fate);
    await clickDialogButton(page, 'Regenerate Token');
    const error = await waitForNotification(page, /regenerate the token of robot acme\+k8s_prod_puller/, 30_000);
    await session.screenshot(`rotation-failures-01-${fate}`);
    assert.equal(error.severity, 'error');
    assert.match(error.message, /Nothing was changed: the old token of acme\+k8s_prod_puller still works \(a registry login with it was accepted\)\./);
    assert.equal(sb.state.robot(FAILED)?.token, oldToken, 'Quay kept the token');
    assert.equal(read('prod/app.env'), failedFile, 'nothing edited');
    const api = new QuayClient({ baseUrl: sb.url, getToken: () => Promise.resolve(sb.tokens.admin), logger: silentLogger });
    try {
      assert.deepEqual(await api.registryLogin(FAILED, oldToken), { kind: 'ok' });
    } finally {
      await api.close();
    }
    await runCommand(page, 'Quay: Finish Rotation');
    await waitForNotification(page, 'No rotation is waiting to be finished.');
  });
}

/**
 * The pid of this session's extension host: among the processes started as an extension host with this sandbox's
 * token in their environment, the latest started (after a reload the previous window's host may linger).
 */
function extensionHostPid(adminToken: string): number | undefined {
  let found: { pid: number; start: number } | undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('extensionHost')) continue;
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`QUAY_E2E_TOKEN=${adminToken}`)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const start = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]); // field 22, starttime
      if (found === undefined || start > found.start) found = { pid: Number(entry), start };
    } catch {
      // gone meanwhile, or another user's
    }
  }
  return found?.pid;
}

void test('The extension host dies right after the regeneration: after a reload Finish Rotation is offered and updates every file, token bytes only', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const oldToken = sb.state.robot(CRASHED)?.token ?? assert.fail('no robot');
  const host = extensionHostPid(sb.tokens.admin) ?? assert.fail('no extension host process found');
  await planRotation('ci_pull', CRASHED);
  await clickDialogButton(page, 'Regenerate Token');
  await waitUntil(() => existsSync(`/proc/${host}`) === false, { timeout: 30_000, message: 'the extension host killed at the fault point' });
  const newToken = sb.state.robot(CRASHED)?.token ?? assert.fail('no robot');
  assert.notEqual(newToken, oldToken, 'Quay regenerated before the crash');
  for (const [name, text] of Object.entries(original)) assert.equal(read(name), text, `${name}: nothing edited before the crash`);
  await session.screenshot('rotation-failures-02-crashed');

  await runCommand(page, 'Developer: Reload Window');
  await clickNotificationButton(page, /The rotation of acme\+ci_pull did not finish/, 'Finish Rotation');
  const rest = await waitForQuickInput(page, { titleOrPlaceholder: /Places that still store the old token of acme\+ci_pull/, timeout: 30_000 });
  assert.deepEqual(rest.items.filter((i) => i.checked !== undefined).map((i) => `${i.label.replace(/:\d+:\d+$/, '')} | ${String(i.checked)}`).sort(), [
    'ci/.env | true',
    'ci/auth.json | true',
    'ci/pull-secret.yaml | true',
  ]);
  await acceptQuickInput(page);
  await waitForNotification(page, 'Rotation of acme+ci_pull (finished): 3 places updated, 0 left. The registry accepts the new token and refuses the old one.', 30_000);
  await session.screenshot('rotation-failures-03-finished');
  const expected = files(sb.hostname, CRASHED, newToken);
  for (const name of Object.keys(original)) assert.ok(readFileSync(join(workspace, name)).equals(Buffer.from(expected[name] ?? '', 'utf8')), `${name}: the original with the new token, byte for byte`);
  await runCommand(page, 'Quay: Finish Rotation');
  await waitForNotification(page, 'No rotation is waiting to be finished.');
});

void test('Finish Rotation that finds nothing while a file was not searched says which, and keeps the rotation pending until the user says it is checked', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  const token = sb.state.robot(UNSEARCHED)?.token ?? assert.fail('no robot');
  mkdirSync(join(workspace, 'unused'));
  writeFileSync(join(workspace, 'unused/a.env'), `UNUSED_TOKEN=${token}\n`);
  writeFileSync(join(workspace, 'unused/big.log'), `${'x'.repeat(MAX_FILE_BYTES)}\nUNUSED_TOKEN=${token}\n`);
  // A rotation left unfinished (this session's fault point again), whose one searchable place is then deleted.
  const host = extensionHostPid(sb.tokens.admin) ?? assert.fail('no extension host process found');
  await planRotation('unused_bot', UNSEARCHED);
  await clickDialogButton(page, 'Regenerate Token');
  await waitUntil(() => existsSync(`/proc/${host}`) === false, { timeout: 30_000, message: 'the extension host killed at the fault point' });
  rmSync(join(workspace, 'unused/a.env'));
  await runCommand(page, 'Developer: Reload Window');

  await clickNotificationButton(page, /The rotation of acme\+unused_bot did not finish/, 'Finish Rotation');
  const note = await waitForNotification(page, /No searched place stores the old token of acme\+unused_bot, but 1 could not be searched and may: unused\/big\.log \(over 5 MiB, not searched\)\. The rotation stays pending/, 30_000);
  await session.screenshot('rotation-failures-04-not-searched');
  assert.equal(note.severity, 'warning');
  assert.deepEqual(note.buttons, ['Checked Them: Mark Finished']);
  await clearNotifications(page);
  await runCommand(page, 'Quay: Finish Rotation'); // still pending: said again
  await clickNotificationButton(page, /No searched place stores the old token of acme\+unused_bot/, 'Checked Them: Mark Finished');
  await runCommand(page, 'Quay: Finish Rotation');
  await waitForNotification(page, 'No rotation is waiting to be finished.');
});
