/**
 * Token ages on a month end, against Quay's default (database) log storage: the sandbox's clock and the extension
 * host's (`fakeClockEnv`: `Date` shifted by the sandbox's offset) are set to 2027-03-30 12:00 UTC, when a 31-day aggregate window would start on
 * 28 February and Quay would answer 500 (contract §8). A robot regenerated "today" per the sandbox shows a token of
 * 0 days regenerated on 2027-03-30, and an older one its age in days.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { expandTreeItem, openViewContainer, treeItems, treeItemTooltip, waitForTreeItem, waitUntil } from './harness';
import { REGISTRY_VIEW, useSandboxWorkbench } from './sandboxWorkbench';

const NOW = '2027-03-30T12:00:00Z';
const TODAY = NOW.slice(0, 10);
const DAY_MS = 86_400_000;

const workbench = useSandboxWorkbench('demo', { sandbox: () => Promise.resolve({ now: NOW }) });
const { vscode } = workbench;

/** The tooltip of a robot's row: the hover that names it and holds `contains`. */
function tooltip(page: Page, label: string, contains: string): Promise<string> {
  return treeItemTooltip(page, label, 'Registry', [`acme+${label}`, contains]);
}

async function description(page: Page, label: string): Promise<string> {
  return (await treeItems(page, 'Registry')).find((r) => r.label === label)?.description ?? '';
}

void test('On 2027-03-30 (sandbox and extension host), a robot regenerated today shows a token 0 days old; an older one its age', async () => {
  const { page, session } = vscode;
  const { sandbox } = workbench;
  // Regenerated "today" per the sandbox, before the tree asks for the token ages.
  const regenerated = await fetch(`${sandbox.url}/api/v1/organization/acme/robots/k8s_prod_puller/regenerate`, { method: 'POST', headers: { Authorization: `Bearer ${sandbox.tokens.admin}` } });
  assert.equal(regenerated.status, 200);
  const pushCreated = sandbox.state.robot('acme+ci_push')?.created ?? assert.fail('no acme+ci_push');
  const pushDays = Math.floor((sandbox.now().getTime() - pushCreated.getTime()) / DAY_MS);
  assert.equal(pushDays, 95, 'the demo seed created ci_push 95 days before the sandbox started');

  await openViewContainer(page, 'Quay');
  await expandTreeItem(page, 'acme', REGISTRY_VIEW);
  await expandTreeItem(page, 'Robot accounts', REGISTRY_VIEW);
  await waitForTreeItem(page, 'k8s_prod_puller', REGISTRY_VIEW);
  // ci_push's token is overdue (95 > 90 days): its row says how old once the ages have arrived. This also shows that the
  // extension host runs on the sandbox's day: on the real day (before 2026-12-25, ci_push's creation) it would be 0 days.
  await waitUntil(async () => (await description(page, 'ci_push')).includes('token 95 days old'), {
    message: 'ci_push described as "token 95 days old"',
    describe: async () => JSON.stringify(await treeItems(page, 'Registry')),
  });
  // k8s_prod_puller (120 days old in the seed) was regenerated today: no longer overdue, and its tooltip says when.
  assert.doesNotMatch(await description(page, 'k8s_prod_puller'), /token|not rotated/);
  const puller = await tooltip(page, 'k8s_prod_puller', 'Token');
  assert.match(puller, new RegExp(`Token: token 0 days old, regenerated \\(${TODAY}\\)`));
  await session.screenshot('token-age-clock-01-regenerated-today');
  // ci_pull: the seed regenerated it 5 hours before the sandbox's start, i.e. today too.
  assert.match(await tooltip(page, 'ci_pull', 'Token'), new RegExp(`Token: token 0 days old, regenerated \\(${TODAY}\\)`));
  await page.mouse.move(0, 0);
  assert.match(await tooltip(page, 'ci_push', 'Token'), /Token: token 95 days old, set when the robot was created \(2026-12-25\)/);
  await session.screenshot('token-age-clock-02-overdue');
});
