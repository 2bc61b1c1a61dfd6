import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QuayClient } from '../../../src/core/quay/client';
import { dueRobots } from '../../../src/core/rotation/dueRobots';
import { TokenAgeTracker } from '../../../src/core/rotation/tokenAgeTracker';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { memoryLogger } from '../quay/helpers';

let sandbox: Sandbox;
let client: QuayClient;

before(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'history' });
  client = new QuayClient({ baseUrl: sandbox.url, getToken: () => Promise.resolve(sandbox.tokens.admin), logger: memoryLogger().logger });
});

after(async () => {
  await client.close();
  await sandbox.close();
});

void test('the due list: every namespace alice administers, overdue robots only, federated ones marked, ages shared through the tracker', async () => {
  const updates: string[] = [];
  const remembered = new Map<string, Date>();
  const tracker = new TokenAgeTracker({
    source: () => client,
    memory: { get: () => remembered, remember: (_i, robot, at) => Promise.resolve(void remembered.set(robot, at)) },
    logger: memoryLogger().logger,
    now: () => new Date(),
    onDidUpdate: (_i, ns) => updates.push(ns.name),
  });
  const now = new Date();
  const scan = await dueRobots([{ url: sandbox.url }], () => client, tracker, now, 90);
  assert.deepEqual(scan.problems, []);
  const names = new Set(scan.due.map((d) => d.robot.fullName));
  // fleet: the seed's 480 robots neither regenerated in the last 90 days nor created since.
  assert.equal(scan.due.filter((d) => d.namespace.name === 'fleet').length, 480);
  assert.ok(!names.has('fleet+svc_000'), 'created 100 days ago but rotated 20 days ago');
  for (const d of scan.due) assert.ok(d.age.kind === 'bounded' || now.getTime() - d.age.since.getTime() > 90 * 86_400_000, d.robot.fullName);
  // acme+keyless was created 10 days ago; acme+ci_pull 400 days ago and never regenerated in the logs.
  assert.ok(!names.has('acme+keyless'));
  assert.ok(updates.includes('fleet') && updates.includes('acme'), updates.join(','));
  // A second scan is answered from the tracker's cache: only the user, the robot lists and federation are asked.
  const before = client.stats.requests;
  await dueRobots([{ url: sandbox.url }], () => client, tracker, now, 90);
  const namespaces = 1 + (await client.getCurrentUser()).organizations.filter((o) => o.isOrgAdmin !== false).length;
  assert.equal(client.stats.requests - before - 1, 1 + namespaces + scan.due.length);
  // A rotation made here takes the robot off the list.
  const first = scan.due.find((d) => d.namespace.name === 'fleet');
  assert.ok(first !== undefined);
  await tracker.remember(sandbox.url, first.namespace, first.robot.fullName, new Date());
  const again = await dueRobots([{ url: sandbox.url }], () => client, tracker, new Date(), 90);
  assert.ok(!again.due.some((d) => d.robot.fullName === first.robot.fullName));
  assert.equal(again.due.filter((d) => d.namespace.name === 'fleet').length, 479);
});
