import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { QuayClient } from '../../../src/core/quay/client';
import { loadMatrix, loadRow } from '../../../src/core/matrix/load';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { memoryLogger } from '../quay/helpers';

/** The matrix loader against the sandbox's large seed (bigcorp: 500 robots with 10 grants each, 5,000 repositories, 4 teams). */

let sandbox: Sandbox;
let client: QuayClient;

before(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'large' });
  client = new QuayClient({ baseUrl: sandbox.url, instanceLabel: 'quay.example.com', getToken: () => Promise.resolve(sandbox.tokens.admin), logger: memoryLogger().logger });
});

after(async () => {
  await client.close();
  await sandbox.close();
});

void test('one robot listing, the repository pages, one request per robot with grants and per team; nothing per cell', async () => {
  const before = client.stats.requests;
  const m = await loadMatrix(client, 'bigcorp', { teams: true });
  const requests = client.stats.requests - before;
  assert.equal(m.repositories.length, 5000);
  const robots = m.rows.filter((r) => r.kind === 'robot');
  const teams = m.rows.filter((r) => r.kind === 'team');
  assert.equal(robots.length, 500);
  assert.deepEqual(teams.map((t) => t.name), ['engineering', 'owners', 'readers', 'release']);
  // 1 listing + 50 pages + 500 robots (each has grants) + 1 organization + 4 teams.
  assert.equal(requests, 1 + 50 + 500 + 1 + 4);
  const first = robots.find((r) => r.name === 'bigcorp+api_bot_001');
  assert.equal(first?.grants.length, 10);
  assert.equal(first?.grants.filter(([, role]) => role === 'write').length, 4, 'k = 0, 3, 6, 9 are write');
  assert.equal(teams.find((t) => t.name === 'engineering')?.grants.length, 500);
  assert.deepEqual([...m.repositories].sort((a, b) => a.localeCompare(b)), m.repositories);
});

void test('a robot without grants costs no request; rows reload one request each', async () => {
  const fresh = await client.createRobot({ kind: 'org', name: 'bigcorp' }, 'zz_matrix_empty');
  const before = client.stats.requests;
  const m = await loadMatrix(client, 'bigcorp');
  assert.equal(client.stats.requests - before, 1 + 50 + 500, 'the new robot has no repository: no permissions request');
  assert.deepEqual(m.rows.find((r) => r.name === fresh.fullName)?.grants, []);
  assert.equal(m.rows.some((r) => r.kind === 'team'), false);
  await client.setRepoUserPermission({ namespace: 'bigcorp', name: 'api-0001' }, fresh.fullName, 'admin');
  const mark = client.stats.requests;
  assert.deepEqual(await loadRow(client, 'bigcorp', { kind: 'robot', name: fresh.fullName }), { kind: 'robot', name: fresh.fullName, grants: [['api-0001', 'admin']] });
  assert.equal(client.stats.requests - mark, 1);
});

void test('a member who is not an admin is told so, with one request', async () => {
  const member = new QuayClient({ baseUrl: sandbox.url, instanceLabel: 'quay.example.com', getToken: () => Promise.resolve(sandbox.tokens.member), logger: memoryLogger().logger });
  try {
    await assert.rejects(loadMatrix(member, 'bigcorp'), /needs organization admin rights/);
    assert.equal(member.stats.requests, 1, 'the robot listing only');
  } finally {
    await member.close();
  }
});
