import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { QuayClient } from '../../src/core/quay/client';
import { RepositoryAccess } from '../../src/core/repositoryAccess';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { memoryLogger } from './quay/helpers';

let sandbox: Sandbox;
let admin: QuayClient;
let member: QuayClient;
let now = 0;

before(async () => {
  sandbox = await startSandbox({ port: 0, seed: 'demo' });
  admin = new QuayClient({ baseUrl: sandbox.url, getToken: () => Promise.resolve(sandbox.tokens.admin), logger: memoryLogger().logger });
  member = new QuayClient({ baseUrl: sandbox.url, getToken: () => Promise.resolve(sandbox.tokens.member), logger: memoryLogger().logger, retries: 0 });
});

after(async () => {
  await admin.close();
  await member.close();
  await sandbox.close();
});

const repo = (name: string) => ({ namespace: 'acme', name });

void test('canPull: a read grant, no grant, and a public repository, answered once a minute', async () => {
  const instance = { url: sandbox.url };
  const access = new RepositoryAccess(() => admin, memoryLogger().logger, () => now);
  assert.deepEqual(await access.canPull(instance, repo('frontend'), 'acme+k8s_prod_puller'), { kind: 'can', roles: ['read'], isPublic: false });
  assert.deepEqual(await access.canPull(instance, repo('analytics'), 'acme+k8s_prod_puller'), { kind: 'cannot' });
  assert.deepEqual(await access.canPull(instance, repo('docs'), 'acme+unused_bot'), { kind: 'can', roles: [], isPublic: true });
  const requests = admin.stats.requests;
  await access.canPull(instance, repo('analytics'), 'acme+k8s_prod_puller');
  assert.equal(admin.stats.requests, requests, 'cached');
  // A grant made elsewhere is seen after the minute, or at once after invalidate.
  await admin.setRepoUserPermission(repo('analytics'), 'acme+k8s_prod_puller', 'read');
  assert.deepEqual(await access.canPull(instance, repo('analytics'), 'acme+k8s_prod_puller'), { kind: 'cannot' }, 'still the cached answer');
  now += 61_000;
  assert.equal((await access.canPull(instance, repo('analytics'), 'acme+k8s_prod_puller')).kind, 'can');
  await admin.deleteRepoUserPermission(repo('analytics'), 'acme+k8s_prod_puller');
  access.invalidate(instance, repo('analytics'));
  assert.equal((await access.canPull(instance, repo('analytics'), 'acme+k8s_prod_puller')).kind, 'cannot');
});

void test('facts: the repository and the robots that can pull it; without admin rights, why the robots are unknown', async () => {
  const instance = { url: sandbox.url };
  const facts = await new RepositoryAccess(() => admin, memoryLogger().logger).facts(instance, repo('frontend'));
  assert.equal(facts.repository?.description, 'Customer-facing web frontend');
  assert.equal(facts.repository?.isPublic, false);
  assert.deepEqual(
    [...(facts.pullers ?? [])].map((p) => `${p.robot} ${p.role}`).sort(),
    ['acme+ci_pull read', 'acme+ci_push write', 'acme+k8s_prod_puller read'],
  );
  const limited = new RepositoryAccess(() => member, memoryLogger().logger);
  const partial = await limited.facts(instance, repo('frontend'));
  assert.equal(partial.pullers, undefined);
  assert.match(partial.pullersProblem ?? '', /.+/);
  assert.equal((await limited.canPull(instance, repo('frontend'), 'acme+ci_pull')).kind, 'unknown');
});

void test('a robot that can pull only as a member of a team: canPull says so, and facts name the team', async () => {
  const instance = { url: sandbox.url };
  const access = new RepositoryAccess(() => admin, memoryLogger().logger, () => now);
  // acme+ci_push is in team "deployers" and has no grant of its own on analytics.
  assert.deepEqual(await access.canPull(instance, repo('analytics'), 'acme+ci_push'), { kind: 'cannot' });
  await admin.setRepoTeamPermission(repo('analytics'), 'deployers', 'read');
  try {
    access.invalidate(instance, repo('analytics'));
    assert.deepEqual(await access.canPull(instance, repo('analytics'), 'acme+ci_push'), { kind: 'can', roles: ['read'], isPublic: false });
    const facts = await access.facts(instance, repo('analytics'));
    assert.deepEqual(
      (facts.pullers ?? []).filter((p) => p.robot === 'acme+ci_push'),
      [{ robot: 'acme+ci_push', role: 'read', team: 'deployers' }],
    );
  } finally {
    await admin.deleteRepoTeamPermission(repo('analytics'), 'deployers');
  }
});

void test('repository: in a 5,000-repository organization, pages are read only until the name turns up', async () => {
  const large = await startSandbox({ port: 0, seed: 'large' });
  const client = new QuayClient({ baseUrl: large.url, getToken: () => Promise.resolve(large.tokens.admin), logger: memoryLogger().logger });
  try {
    const instance = { url: large.url };
    const names = large.state.repositories('bigcorp').map((r) => r.name);
    const access = new RepositoryAccess(() => client, memoryLogger().logger);
    const pages = () => client.stats.requests;
    assert.equal((await access.repository(instance, { namespace: 'bigcorp', name: names[5] }))?.name, names[5]);
    assert.equal(pages(), 1);
    assert.equal((await access.repository(instance, { namespace: 'bigcorp', name: names[150] }))?.name, names[150]);
    assert.equal(pages(), 2, 'went on from the second page');
    assert.equal((await access.repository(instance, { namespace: 'bigcorp', name: names[7] }))?.name, names[7]);
    assert.equal(pages(), 2, 'already listed');
    assert.equal(await access.repository(instance, { namespace: 'bigcorp', name: 'no-such-repository' }), undefined);
    assert.equal(pages(), 50, 'every page once');
  } finally {
    await client.close();
    await large.close();
  }
});
