/**
 * The robot hygiene review in the editor (AGENTS.md "Hygiene review in the editor"), against the sandbox's demo seed and the hygiene workspace
 * fixture (test/fixtures/hygiene/: pull Secrets in prod, dev and staging, a committed `.dockerconfigjson`, a
 * git-ignored `.env`), plus a committed `ci/.env` holding a robot token:
 * 1. the committed token is a diagnostic in `ci/.env` before any review (offline, by its shape), and none is shown
 *    in the git-ignored `.env`;
 * 2. "Review Robot Hygiene…" on acme: the report lists the eight practices, each with its count and its findings,
 *    with their evidence; the tree marks the robots the review named;
 * 3. two fixes from the page, a downgrade to read (plan → apply → report) and a delete (its modal), are held by the
 *    sandbox, and "Run again" shows both findings gone;
 * 4. the committed token's quick fix in `ci/.env` starts the rotation of that robot.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { PRACTICES } from '../../src/core/hygiene/types';
import type { Sandbox } from '../sandbox/server';
import { writeHygieneWorkspace } from '../unit/hygiene/helpers';
import {
  acceptQuickInput,
  clearNotifications,
  clickDialogButton,
  closeQuickInput,
  contextMenu,
  expandTreeItem,
  hoverAt,
  modalDialog,
  openFile,
  openViewContainer,
  pickCodeAction,
  problems,
  quickInputState,
  runCommand,
  treeItems,
  triggerCodeActions,
  waitForNotification,
  waitForProblem,
  waitForQuickInput,
  waitForTreeItem,
  waitForWebview,
  waitUntil,
} from './harness';
import { applyPlan, REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';
import { ExtensionId } from '../../src/constants';

/** Holds write on payments and billing and only pulls (demo seed): `write-never-pushed`, fixed by a downgrade. */
const WRITER = 'acme+legacy_deployer';
/** Never used, created 200 days ago (demo seed): `unused-robot`, fixed by deleting it. */
const UNUSED = 'acme+unused_bot';
/** Its token committed in `ci/.env` (written here: tokens are random per sandbox); its quick fix rotates it. */
const COMMITTED = 'acme+k8s_prod_puller';

let workspace = '';
let committedToken = '';
const workbench = useSandboxWorkbench('demo', {
  prepare: (sb: Sandbox) => {
    workspace = mkdtempSync(join(tmpdir(), 'hygiene-ws-'));
    writeHygieneWorkspace(workspace, sb.hostname);
    committedToken = sb.state.robot(COMMITTED)?.token ?? '';
    mkdirSync(join(workspace, 'ci'));
    writeFileSync(join(workspace, 'ci', '.env'), `# integration settings\nREGISTRY=${sb.hostname}\nQUAY_USER=${COMMITTED}\nQUAY_TOKEN=${committedToken}\n`);
    // `ci/.env` is not ignored (only the top `.env` is): added, so git tracks it.
    execFileSync('git', ['-C', workspace, 'add', '-f', 'ci/.env']);
    return { workspace };
  },
});
const { vscode } = workbench;
let frame: FrameLocator;

/** The repositories (`acme/<name>`) the writer holds write on in the sandbox, sorted. */
function writerGrants(): string[] {
  return (workbench.sandbox.state.robot(WRITER)?.permissions ?? []).filter((p) => p.role === 'write').map((p) => p.repository).sort();
}

/** Brings the report's tab to the front (an editor opened since hides it) and returns its frame. */
async function showReport(): Promise<FrameLocator> {
  const { page } = vscode;
  await page.locator('.tabs-container .tab', { hasText: 'Hygiene: acme' }).first().click();
  return waitForWebview(page, { extensionId: ExtensionId });
}

const text = async (selector: string): Promise<string> => ((await frame.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** `check robot` of every finding on the page, in page order. */
async function shownFindings(): Promise<string[]> {
  return frame.locator('article.finding').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-check') ?? ''} ${e.getAttribute('data-robot') ?? ''}`));
}

/** Waits for a report of run `run` (the page's summary after "Run again"). */
async function waitForReport(run: number): Promise<void> {
  await frame.locator(`body`).waitFor();
  await waitUntil(async () => (await frame.locator('#rerun').count()) > 0 && (await frame.locator('#progress').count()) === 0 && (await frame.locator('main').getAttribute('data-run')) === String(run), {
    timeout: 60_000,
    message: `review ${run} shown`,
    describe: () => text('main'),
  });
}

void test('a committed token is a diagnostic in ci/.env before any review (offline, by its shape); none in the git-ignored .env', async () => {
  const { page, session } = vscode;
  await openFile(page, 'ci/.env');
  await waitForProblem(page, /Robot credential of acme\+k8s_prod_puller \(raw\): git tracks this file/);
  await session.screenshot('hygiene-01-env-diagnostic');
  // The top .env holds a token of the same robot but git ignores it: a usage, not a committed token. Once it is open
  // and scanned (the scan runs on open, then asks git), the Problems view still holds ci/.env's diagnostic alone.
  await openFile(page, '.env');
  await new Promise((r) => setTimeout(r, 2000));
  const credentials = (await problems(page)).filter((p) => /Robot credential of acme\+k8s_prod_puller/.test(p));
  assert.equal(credentials.length, 1, credentials.join('\n'));
});

void test('Review Robot Hygiene on acme: the eight practices, each with its count and findings', async () => {
  const { page, session } = vscode;
  await openViewContainer(page, 'Quay');
  await waitForTreeItem(page, 'Sandbox', REGISTRY_VIEW);
  await expandTreeItem(page, 'Sandbox', REGISTRY_VIEW);
  await waitForTreeItem(page, 'acme', REGISTRY_VIEW);
  await contextMenu(page, 'acme', 'Review Robot Hygiene…', REGISTRY_VIEW);
  frame = await waitForWebview(page, { extensionId: ExtensionId, timeout: 30_000 });
  await waitForReport(1);
  await clearNotifications(page);
  const counts: Record<string, number> = {};
  for (const p of PRACTICES) counts[p] = Number(await frame.locator(`#practice-${p}`).getAttribute('data-count'));
  console.log(`hygiene: ${await text('#summary')}; per practice ${JSON.stringify(counts)}; ${await text('.report-header p.muted')}`);
  for (const p of PRACTICES) assert.ok((counts[p] ?? 0) > 0, `${p} has findings: ${JSON.stringify(counts)}\n${(await shownFindings()).join('\n')}`);
  const findings = await shownFindings();
  for (const expected of [
    'pull-secret-can-write acme+ci_push',
    `write-never-pushed ${WRITER}`,
    `unused-robot ${UNUSED}`,
    'shared-across-environments acme+k8s_prod_puller',
    'static-token-in-production acme+k8s_prod_puller',
    'non-descriptive-name acme+robot1',
    `committed-token ${WRITER}`,
    `committed-token ${COMMITTED}`,
  ]) {
    assert.ok(findings.includes(expected), `${expected} in\n${findings.join('\n')}`);
  }
  // Evidence: repositories with roles, the files as links, log figures with their window.
  const canWrite = (await frame.locator('article.finding[data-check="pull-secret-can-write"][data-robot="acme+ci_push"]').textContent()) ?? '';
  assert.match(canWrite, /acme\/frontend \(write\)/);
  assert.match(canWrite, /deploy\/staging\/frontend\.yaml:\d+:\d+ \(imagePullSecrets\)/);
  const neverPushed = (await frame.locator(`article.finding[data-check="write-never-pushed"][data-robot="${WRITER}"]`).textContent()) ?? '';
  // The seed's grants of the writer, read from the sandbox (`acme/<repo>`, sorted as the evidence lists them).
  const writes = writerGrants();
  assert.ok(writes.length > 0);
  assert.ok(neverPushed.includes(writes.map((r) => `${r} (write)`).join(', ')), `${writes.join(', ')} in ${neverPushed}`);
  assert.match(neverPushed, /Usage logs\s*\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d: push_repo 0/);
  await session.screenshot('hygiene-02-report');
  // The README's picture (media/screenshot-hygiene.png): the report alone, without the Problems panel.
  await runCommand(page, 'View: Hide Panel');
  await session.screenshot('hygiene-readme');
});

void test('the tree marks the robots the review named, from its results only', async () => {
  const { page } = vscode;
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'unused_bot', REGISTRY_VIEW);
  await waitUntil(async () => (await treeItems(page, 'Registry')).find((i) => i.label === 'legacy_deployer')?.description?.match(/\d+ hygiene findings?/), {
    message: 'legacy_deployer marked with its findings',
    describe: async () => JSON.stringify((await treeItems(page, 'Registry')).map((i) => `${i.label}: ${i.description ?? ''}`)),
  });
});

void test('two fixes from the page: downgrade to read (plan → apply) and delete (modal); the sandbox holds them and a re-run shows them gone', async () => {
  const { page, session } = vscode;
  const sb = workbench.sandbox;
  frame = await showReport();
  await frame.locator(`article.finding[data-check="write-never-pushed"][data-robot="${WRITER}"] vscode-button.fix`).click();
  await waitForQuickInput(page, { titleOrPlaceholder: /Downgrade acme\+legacy_deployer to read: plan/ });
  const plan = (await quickInputState(page)).items.map((i) => `${i.label} | ${i.description ?? ''}`);
  const writes = writerGrants();
  for (const repo of writes) assert.ok(plan.some((r) => r.endsWith(`${repo.slice('acme/'.length)} | downgrade: write → read`)), `${repo} in\n${plan.join('\n')}`);
  await applyPlan(page);
  await waitForNotification(page, `Downgrade acme+legacy_deployer to read: ${writes.length} applied.`, 30_000);
  for (const repo of writes) assert.equal(sb.state.userPermission(repo, WRITER), 'read', repo);
  await waitUntil(async () => (await text(`article.finding[data-check="write-never-pushed"][data-robot="${WRITER}"] vscode-button.fix`)).startsWith('Fix applied'), { message: 'the finding marked fixed' });

  await frame.locator(`article.finding[data-check="unused-robot"][data-robot="${UNUSED}"] vscode-button.fix`).click();
  const modal = await modalDialog(page);
  assert.equal(modal.message, `Delete robot ${UNUSED}?`);
  await clickDialogButton(page, 'Delete Robot');
  await waitForNotification(page, `Deleted robot ${UNUSED}.`);
  assert.equal(sb.state.robot(UNUSED), undefined);
  await clearNotifications(page);
  await session.screenshot('hygiene-03-fixed');

  await frame.locator('#rerun').click();
  await waitForReport(2);
  await clearNotifications(page);
  const findings = await shownFindings();
  for (const gone of [`write-never-pushed ${WRITER}`, `unused-robot ${UNUSED}`]) assert.ok(!findings.includes(gone), `${gone} gone after the fixes:\n${findings.join('\n')}`);
  assert.ok(!findings.some((f) => f.endsWith(UNUSED)), 'nothing left about the deleted robot');
  assert.ok(findings.includes(`committed-token ${WRITER}`), 'the other findings stay');
  await session.screenshot('hygiene-04-rerun');
});

void test('pull-secret-can-write is a diagnostic on the imagePullSecrets entry, with its downgrade as a quick fix', async () => {
  const { page, session } = vscode;
  const lines = readFileSync(join(workspace, 'deploy', 'staging', 'frontend.yaml'), 'utf8').split('\n');
  const entry = lines.findIndex((l) => l.trim() === '- name: release-pull') + 1;
  assert.ok(entry > 0);
  await openFile(page, 'deploy/staging/frontend.yaml');
  // The Problems view lists only the rows in sight (it is virtualized): the hover over the entry shows the diagnostic.
  await waitUntil(async () => /acme\+ci_push is used for pulling .* but can push/.test(await hoverAt(page, entry, 17)), { message: 'the diagnostic on the imagePullSecrets entry' });
  const items = await triggerCodeActions(page, { line: entry, column: 17 });
  assert.ok(items.includes('Downgrade acme+ci_push to read…'), JSON.stringify(items));
  await session.screenshot('hygiene-05a-pull-secret-quick-fix');
  await page.keyboard.press('Escape');
});

void test('the committed token’s quick fix in the .env starts the rotation of that robot', async () => {
  const { page, session } = vscode;
  await openFile(page, 'ci/.env');
  const items = await triggerCodeActions(page, { line: 4, column: 14 });
  // One rotation, though the review and the offline scan both found this credential.
  assert.equal(items.filter((i) => i === `Rotate the token of ${COMMITTED}…`).length, 1, JSON.stringify(items));
  await session.screenshot('hygiene-05-quick-fix');
  await pickCodeAction(page, `Rotate the token of ${COMMITTED}…`);
  const plan = await waitForQuickInput(page, { titleOrPlaceholder: /Places that store the token of acme\+k8s_prod_puller/, timeout: 30_000 });
  assert.ok(plan.items.some((i) => i.label.startsWith('ci/.env:4:')), JSON.stringify(plan.items));
  await session.screenshot('hygiene-06-rotation-plan');
  await closeQuickInput(page);
  assert.equal(workbench.sandbox.state.robot(COMMITTED)?.token, committedToken, 'backing out of the plan regenerates nothing');
});

void test('Export SARIF… saves the last review through the save dialog, workspace files relative to SRCROOT', async () => {
  const { page } = vscode;
  frame = await showReport();
  const shown = (await shownFindings()).length;
  await frame.locator('#export-sarif').click();
  await waitForQuickInput(page, { titleOrPlaceholder: /Export the hygiene review of acme/ });
  // VS Code's own save dialog (a quick input) shows the folder first and fills in the proposed name a moment later.
  await waitUntil(
    async () => {
      const s = await quickInputState(page);
      return /Export the hygiene review of acme/.test(s.title) && /acme-robot-hygiene-\d{4}-\d\d-\d\d\.sarif$/.test(s.value);
    },
    { message: 'the proposed file name in the save dialog', describe: async () => JSON.stringify(await quickInputState(page)) },
  );
  await acceptQuickInput(page);
  await waitForNotification(page, /Exported \d+ findings to acme-robot-hygiene-\d{4}-\d\d-\d\d\.sarif/);
  const name = readdirSync(workspace).find((f) => f.endsWith('.sarif')) ?? assert.fail('no .sarif in the workspace');
  const sarif = JSON.parse(readFileSync(join(workspace, name), 'utf8')) as {
    version: string;
    runs: { results: { ruleId: string; locations?: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[] }[];
  };
  assert.equal(sarif.version, '2.1.0');
  const results = sarif.runs[0]?.results ?? [];
  assert.equal(results.length, shown, 'one result per finding of the last review');
  const committed = results.filter((r) => r.ruleId === 'committed-token').flatMap((r) => r.locations ?? []).map((l) => l.physicalLocation.artifactLocation);
  assert.ok(committed.some((a) => a.uri === 'ci/.env' && a.uriBaseId === 'SRCROOT'), JSON.stringify(committed));
});
