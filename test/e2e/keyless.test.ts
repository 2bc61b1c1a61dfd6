/**
 * Pull secrets without a token in any file (keyless: contract §6.2), through the editor as a person uses it, against the
 * sandbox: the keyless External Secrets setup from a Deployment for acme+keyless (the trust entry added through
 * the prompt, then shown in the tree), the refresh-interval warning and its fix, and the GitHub Actions keyless
 * login step with its federation entry.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import type { Page } from 'playwright-core';
import { esoProblems } from '../unit/k8s/esoSchema';
import {
  acceptQuickInput,
  clickDialogButton,
  clickNotificationButton,
  expandTreeItem,
  modalDialog,
  openFile,
  openViewContainer,
  pickCodeAction,
  pickQuickItem,
  treeRow,
  triggerCodeActions,
  waitForNotification,
  waitForProblem,
  waitForQuickInput,
  waitForTreeItem,
  waitUntil,
} from './harness';
import { REGISTRY_VIEW, useSandboxWorkbench, workspaceFile } from './sandboxWorkbench';

const workbench = useSandboxWorkbench('demo');
const { vscode } = workbench;

function lineOf(relative: string, needle: string): number {
  const i = workspaceFile(vscode.session, relative).split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} in ${relative}`);
  return i + 1;
}

/** The robot picker of a command started without a robot row: organization acme, then the robot. */
async function pickRobot(page: Page, robot: string): Promise<void> {
  await waitForQuickInput(page, { titleOrPlaceholder: /Organization or your namespace/ });
  await pickQuickItem(page, 'acme');
  await waitForQuickInput(page, { titleOrPlaceholder: /Robot account/ });
  await pickQuickItem(page, robot);
}

const trustOf = (robot: string) => workbench.sandbox.state.robot(robot)?.federation ?? [];

void test('From a Deployment, insert the keyless pull secret for acme+keyless: the objects pass the ESO schema, the trust entry is added and shows in the tree', async () => {
  const { page, session } = vscode;
  const host = workbench.sandbox.hostname;
  mkdirSync(join(session.workspace, 'k8s'), { recursive: true });
  writeFileSync(
    join(session.workspace, 'k8s', 'web.yaml'),
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ${host}/acme/backend:1.0\n`,
  );
  const subject = 'system:serviceaccount:prod:quay-token';
  assert.ok(!trustOf('acme+keyless').some((e) => e.subject === subject), 'not trusted before');
  await openFile(page, 'k8s/web.yaml');
  await waitForProblem(page, /this pod spec has no imagePullSecrets/);
  await openFile(page, 'k8s/web.yaml');
  const items = await triggerCodeActions(page, { line: lineOf('k8s/web.yaml', 'image:'), column: 20 });
  assert.ok(items.includes('Insert keyless pull secret (External Secrets) for a robot…'), JSON.stringify(items));
  await session.screenshot('keyless-01-quick-fix');
  await pickCodeAction(page, 'Insert keyless pull secret (External Secrets) for a robot…');
  await pickRobot(page, 'keyless');
  await waitForQuickInput(page, { titleOrPlaceholder: /ServiceAccount whose tokens/ });
  await pickQuickItem(page, /New ServiceAccount/);
  await waitForQuickInput(page, { titleOrPlaceholder: /Insert Keyless Pull Secret/ });
  await acceptQuickInput(page); // quay-token
  await waitForQuickInput(page, { titleOrPlaceholder: /Insert Keyless Pull Secret/ });
  await acceptQuickInput(page); // audience: the host
  await waitForNotification(page, /acme\+keyless does not trust system:serviceaccount:prod:quay-token yet/);
  await session.screenshot('keyless-02-trust-prompt');
  await clickNotificationButton(page, /does not trust/, 'Add Trust…');
  await waitForQuickInput(page, { titleOrPlaceholder: /service account issuer/ });
  await session.screenshot('keyless-03-issuer');
  await pickQuickItem(page, workbench.sandbox.issuer.url);
  await waitUntil(() => trustOf('acme+keyless').some((e) => e.subject === subject), { message: 'the trust entry saved in the sandbox' });
  assert.deepEqual(
    trustOf('acme+keyless').find((e) => e.subject === subject),
    { issuer: workbench.sandbox.issuer.url, subject },
  );
  // The entries already there are kept (read-modify-write).
  assert.equal(trustOf('acme+keyless').length, 3);

  await page.keyboard.press('Control+S');
  await waitUntil(() => workspaceFile(vscode.session, 'k8s/web.yaml').includes('kind: ExternalSecret'), { message: 'web.yaml saved' });
  const docs = parseAllDocuments(workspaceFile(vscode.session, 'k8s/web.yaml')).map((d) => d.toJS() as { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> });
  assert.deepEqual(docs.map((d) => d.kind), ['Deployment', 'ServiceAccount', 'QuayAccessToken', 'ExternalSecret']);
  assert.deepEqual((docs[0]?.spec as { template: { spec: { imagePullSecrets: unknown } } }).template.spec.imagePullSecrets, [{ name: 'acme-keyless-pull-secret' }]);
  assert.deepEqual(docs[2]?.spec, { url: host, robotAccount: 'acme+keyless', serviceAccountRef: { name: 'quay-token', audiences: [host] } });
  for (const d of docs.slice(2)) assert.deepEqual(esoProblems(d).errors, [], d.kind);
  assert.ok(docs.every((d) => d.metadata.namespace === 'prod'));

  await openViewContainer(page, 'Quay');
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await expandTreeItem(page, 'keyless', REGISTRY_VIEW);
  await expandTreeItem(page, 'Keyless federation', REGISTRY_VIEW);
  await waitForTreeItem(page, subject, REGISTRY_VIEW);
  await treeRow(page, subject, REGISTRY_VIEW.viewTitle).scrollIntoViewIfNeeded();
  await session.screenshot('keyless-04-tree');
});

void test('An ExternalSecret of a QuayAccessToken refreshing every 2h gets the one-hour warning, and a robot without trust for the generator\'s service account a warning; their fixes work', async () => {
  const { page, session } = vscode;
  const host = workbench.sandbox.hostname;
  writeFileSync(
    join(session.workspace, 'k8s', 'eso.yaml'),
    [
      'apiVersion: generators.external-secrets.io/v1alpha1',
      'kind: QuayAccessToken',
      'metadata:',
      '  name: app-token',
      '  namespace: prod',
      'spec:',
      `  url: ${host}`,
      '  robotAccount: acme+keyless',
      '  serviceAccountRef:',
      '    name: app',
      '---',
      'apiVersion: external-secrets.io/v1',
      'kind: ExternalSecret',
      'metadata:',
      '  name: app-pull',
      '  namespace: prod',
      'spec:',
      '  refreshInterval: 2h # stale',
      '  dataFrom:',
      '    - sourceRef:',
      '        generatorRef:',
      '          apiVersion: generators.external-secrets.io/v1alpha1',
      '          kind: QuayAccessToken',
      '          name: app-token',
      '  target:',
      '    name: app-pull',
      '',
    ].join('\n'),
  );
  await openFile(page, 'k8s/eso.yaml');
  await waitForProblem(page, /refreshInterval 2h: the QuayAccessToken credentials expire after one hour/);
  // prod:app is trusted by acme+keyless in the demo seed: no trust warning (checked against the sandbox).
  await waitForProblem(page, /has no federation entry for system:serviceaccount:prod:app/, false);
  await session.screenshot('keyless-05-refresh-warning');
  await openFile(page, 'k8s/eso.yaml');
  const items = await triggerCodeActions(page, { line: lineOf('k8s/eso.yaml', 'refreshInterval'), column: 22 });
  assert.ok(items.includes('Set refreshInterval: 55m'), JSON.stringify(items));
  await pickCodeAction(page, 'Set refreshInterval: 55m');
  await page.keyboard.press('Control+S');
  await waitUntil(() => workspaceFile(vscode.session, 'k8s/eso.yaml').includes('refreshInterval: 55m # stale'), { message: 'eso.yaml saved with 55m' });
  await waitForProblem(page, /credentials expire after one hour/, false);
  await session.screenshot('keyless-06-refresh-fixed');

  // A generator whose service account the robot does not trust: the warning, and its "Add trust" fix.
  const subject = 'system:serviceaccount:prod:reporter';
  writeFileSync(join(session.workspace, 'k8s', 'eso-trust.yaml'), workspaceFile(vscode.session, 'k8s/eso.yaml').replace('    name: app\n', '    name: reporter\n'));
  await openFile(page, 'k8s/eso-trust.yaml');
  await waitForProblem(page, /Robot acme\+keyless has no federation entry for system:serviceaccount:prod:reporter/);
  await openFile(page, 'k8s/eso-trust.yaml');
  const fixes = await triggerCodeActions(page, { line: lineOf('k8s/eso-trust.yaml', 'robotAccount'), column: 20 });
  assert.ok(fixes.includes(`Add trust for ${subject}`), JSON.stringify(fixes));
  await pickCodeAction(page, `Add trust for ${subject}`);
  await waitForQuickInput(page, { titleOrPlaceholder: /service account issuer/ });
  await pickQuickItem(page, workbench.sandbox.issuer.url);
  await waitUntil(() => trustOf('acme+keyless').some((e) => e.subject === subject), { message: 'the trust entry saved in the sandbox' });
  await waitForProblem(page, /has no federation entry for system:serviceaccount:prod:reporter/, false);
  await session.screenshot('keyless-07-trust-fixed');
});

void test('The GitHub Actions keyless login step goes into a workflow, and the federation entry is added', async () => {
  const { page, session } = vscode;
  const ws = session.workspace;
  execFileSync('git', ['init', '-q', ws]);
  execFileSync('git', ['-C', ws, 'remote', 'add', 'origin', 'https://github.com/acme/app.git']);
  mkdirSync(join(ws, '.github', 'workflows'), { recursive: true });
  const original = [
    'name: image',
    'on:',
    '  push:',
    '    branches: [release]',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    `      - run: docker push ${workbench.sandbox.hostname}/acme/backend:1.0`,
    '',
  ].join('\n');
  writeFileSync(join(ws, '.github', 'workflows', 'image.yml'), original);
  const subject = 'repo:acme/app:ref:refs/heads/release';
  assert.ok(!trustOf('acme+keyless').some((e) => e.subject === subject));
  await openFile(page, '.github/workflows/image.yml');
  const items = await triggerCodeActions(page, { line: lineOf('.github/workflows/image.yml', 'steps:'), column: 6 }, undefined, 'Add Quay keyless login step…');
  assert.ok(items.includes('Add Quay keyless login step…'), JSON.stringify(items));
  await pickCodeAction(page, 'Add Quay keyless login step…');
  await pickRobot(page, 'keyless');
  await waitForNotification(page, /listing permissions removes them/);
  await waitForNotification(page, /acme\+keyless does not trust repo:acme\/app:ref:refs\/heads\/release yet/);
  await session.screenshot('keyless-08-workflow');
  await clickNotificationButton(page, /does not trust repo:/, 'Add Trust…');
  await waitUntil(() => trustOf('acme+keyless').some((e) => e.subject === subject), { message: 'the GitHub entry saved in the sandbox' });
  assert.deepEqual(trustOf('acme+keyless').find((e) => e.subject === subject), { issuer: 'https://token.actions.githubusercontent.com', subject });

  await page.keyboard.press('Control+S');
  await waitUntil(() => workspaceFile(vscode.session, '.github/workflows/image.yml') !== original, { message: 'the workflow saved' });
  const wf = parse(workspaceFile(vscode.session, '.github/workflows/image.yml')) as { jobs: { build: { permissions: unknown; steps: { uses?: string; run?: string; env?: Record<string, string> }[] } } };
  assert.deepEqual(wf.jobs.build.permissions, { contents: 'read', 'id-token': 'write' });
  const steps = wf.jobs.build.steps;
  assert.equal(steps.length, 3);
  assert.equal(steps[0]?.uses, 'actions/checkout@v4');
  assert.match(steps[1]?.run ?? '', /ACTIONS_ID_TOKEN_REQUEST_URL[\s\S]*::add-mask::[\s\S]*\/oauth2\/federation\/robot\/token[\s\S]*--password-stdin/);
  assert.deepEqual(steps[1]?.env, { QUAY_HOST: workbench.sandbox.hostname, QUAY_ROBOT: 'acme+keyless', QUAY_AUDIENCE: workbench.sandbox.hostname });
  assert.match(steps[2]?.run ?? '', /^docker push/);
  await session.screenshot('keyless-09-workflow-saved');
});

void test('The git warning\'s "Reference It from a SecretStore…": an ExternalSecret from the workspace\'s store, no token in the file', async () => {
  const { page, session } = vscode;
  const host = workbench.sandbox.hostname;
  // The workspace is a git work tree since the previous test.
  writeFileSync(
    join(session.workspace, 'k8s', 'store.yaml'),
    'apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata:\n  name: vault\nspec:\n  provider:\n    fake:\n      data: []\n',
  );
  writeFileSync(
    join(session.workspace, 'k8s', 'api.yaml'),
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: prod\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: ${host}/acme/frontend:2\n`,
  );
  await openFile(page, 'k8s/api.yaml');
  await waitForProblem(page, /this pod spec has no imagePullSecrets/);
  await openFile(page, 'k8s/api.yaml');
  await triggerCodeActions(page, { line: lineOf('k8s/api.yaml', 'image:'), column: 20 });
  await pickCodeAction(page, 'Insert pull-secret manifest for a robot and reference it…');
  await pickRobot(page, 'k8s_prod_puller');
  await waitForQuickInput(page, { titleOrPlaceholder: /Secret scope/ });
  await pickQuickItem(page, 'Organization');
  const dialog = await modalDialog(page);
  assert.match(dialog.message, /api\.yaml lies inside the git work tree/);
  assert.ok(dialog.buttons.includes('Reference It from a SecretStore…'), JSON.stringify(dialog.buttons));
  await session.screenshot('keyless-10-git-warning');
  await clickDialogButton(page, 'Reference It from a SecretStore…');
  await waitForQuickInput(page, { titleOrPlaceholder: /SecretStore or ClusterSecretStore/ });
  await pickQuickItem(page, 'vault');
  await waitForQuickInput(page, { titleOrPlaceholder: /Reference the Robot Token/ });
  await acceptQuickInput(page); // remote key quay/acme/k8s_prod_puller
  await waitForQuickInput(page, { titleOrPlaceholder: /Reference the Robot Token/ });
  await acceptQuickInput(page); // no property
  await page.keyboard.press('Control+S');
  await waitUntil(() => workspaceFile(vscode.session, 'k8s/api.yaml').includes('kind: ExternalSecret'), { message: 'api.yaml saved with the ExternalSecret' });
  const text = workspaceFile(vscode.session, 'k8s/api.yaml');
  const token = workbench.sandbox.state.robot('acme+k8s_prod_puller')?.token ?? '?';
  assert.ok(!text.includes(token) && !text.includes(Buffer.from(`acme+k8s_prod_puller:${token}`).toString('base64')), 'no token in the file');
  const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; spec: Record<string, unknown> });
  assert.deepEqual(docs.map((d) => d.kind), ['Deployment', 'ExternalSecret']);
  assert.deepEqual((docs[0]?.spec as { template: { spec: { imagePullSecrets: unknown } } }).template.spec.imagePullSecrets, [{ name: 'acme-k8s-prod-puller-pull-secret' }]);
  const es = docs[1] ?? { kind: '', spec: {} };
  assert.deepEqual(esoProblems(es).errors, []);
  assert.deepEqual(es.spec.secretStoreRef, { kind: 'ClusterSecretStore', name: 'vault' });
  assert.deepEqual(es.spec.data, [{ secretKey: 'token', remoteRef: { key: 'quay/acme/k8s_prod_puller' } }]);
  assert.match(JSON.stringify(es.spec.target), new RegExp(`${host.replace(/[.]/g, '\\.')}/acme.*printf \\\\"%s:%s\\\\" \\\\"acme\\+k8s_prod_puller\\\\" \\.token \\| b64enc`));
  await session.screenshot('keyless-11-vault-inserted');
});
