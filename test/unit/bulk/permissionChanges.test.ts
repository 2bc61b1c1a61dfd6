import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPermissionChange } from '../../../src/core/bulk/permissionChanges';
import { planBulk } from '../../../src/core/bulk/plan';
import { QuayClient } from '../../../src/core/quay/client';
import type { Namespace, Role } from '../../../src/core/quay/types';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { memoryLogger, rejectsWith } from '../quay/helpers';

/** The bulk change's Quay calls against the sandbox (demo seed): what each planned change does to the direct roles. */

let sandbox: Sandbox;
let client: QuayClient;
const acme: Namespace = { kind: 'org', name: 'acme' };

before(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo' });
  client = new QuayClient({ baseUrl: sandbox.url, getToken: () => Promise.resolve(sandbox.tokens.admin), logger: memoryLogger().logger });
});

after(async () => {
  await client.close();
  await sandbox.close();
});

async function robotRoles(shortName: string): Promise<[string, Role][]> {
  return (await client.getRobotPermissions(acme, shortName)).map((p) => [p.repository, p.role]);
}

async function teamRoles(team: string): Promise<Map<string, Role>> {
  return new Map((await client.listTeamPermissions(acme.name, team)).map((p) => [p.repository, p.role]));
}

void test('a robot: add, upgrade and revoke set exactly the planned direct roles', async () => {
  const target = { principal: 'acme+ci_push', kind: 'user' } as const;
  assert.deepEqual(await robotRoles('ci_push'), [['frontend', 'write'], ['backend', 'write']]);
  const plan = [...planBulk(['search'], new Map(), 'read'), ...planBulk(['frontend'], new Map([['frontend', 'write']]), 'admin'), ...planBulk(['backend'], new Map([['backend', 'write']]), undefined)];
  assert.deepEqual(plan.map((p) => p.action), ['add', 'upgrade', 'remove']);
  for (const change of plan) await applyPermissionChange(client, acme, target, change);
  assert.deepEqual(new Map(await robotRoles('ci_push')), new Map<string, Role>([['frontend', 'admin'], ['search', 'read']]));
});

void test('a team: add then revoke go through the team permission, not the user one', async () => {
  const target = { principal: 'deployers', kind: 'team' } as const;
  const before = await teamRoles('deployers');
  assert.equal(before.get('docs'), undefined);
  await applyPermissionChange(client, acme, target, planBulk(['docs'], before, 'read')[0]);
  assert.equal((await teamRoles('deployers')).get('docs'), 'read');
  assert.ok(!(await client.listRepoUserPermissions({ namespace: 'acme', name: 'docs' })).some((p) => p.name === 'deployers'));
  await applyPermissionChange(client, acme, target, planBulk(['docs'], await teamRoles('deployers'), undefined)[0]);
  assert.deepEqual(await teamRoles('deployers'), before);
});

void test('a failed call rejects with Quay\'s error, for the runner to collect (a missing repository: 500 for an org admin, contract §4)', async () => {
  const change = planBulk(['no-such-repository'], new Map(), 'read')[0];
  await rejectsWith(applyPermissionChange(client, acme, { principal: 'acme+ci_push', kind: 'user' }, change), 'server');
});
