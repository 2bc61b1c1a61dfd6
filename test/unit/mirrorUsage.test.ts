/** AGENTS.md "Deleting a robot": which mirrors push with a robot, within a request budget (src/core/mirrorUsage.ts). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MIRROR_BUDGET, isMirrorRefusal, mirrorsUsingRobot, type MirrorClient } from '../../src/core/mirrorUsage';
import { QuayClient } from '../../src/core/quay/client';
import { QuayApiError } from '../../src/core/quay/errors';
import type { MirrorConfig } from '../../src/core/quay/mirrors';
import type { Namespace, RepositoryRef, RobotPermission } from '../../src/core/quay/types';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { memoryLogger } from './quay/helpers';

let sandbox: Sandbox;
const clients: QuayClient[] = [];
const platform: Namespace = { kind: 'org', name: 'platform' };

function client(token: string): QuayClient {
  const c = new QuayClient({ baseUrl: sandbox.url, instanceLabel: 'quay.example.com', getToken: () => Promise.resolve(token), logger: memoryLogger().logger });
  clients.push(c);
  return c;
}

before(async () => {
  sandbox = await startSandbox({ seed: 'demo' });
});
after(async () => {
  for (const c of clients) await c.close();
  await sandbox.close();
});

void test('the demo seed: platform+mirror_bot is the robot of platform/base-images, found in 3 requests', async () => {
  const usage = await mirrorsUsingRobot(client(sandbox.tokens.admin), platform, 'platform+mirror_bot');
  assert.deepEqual(usage.repositories, [{ repository: 'platform/base-images', enabled: true, source: 'registry.access.redhat.com/ubi9/ubi' }]);
  assert.equal(usage.organizationMirror, undefined);
  assert.deepEqual(usage.notExamined, []);
  assert.equal(usage.requests, 3); // org mirror (404), permissions, base-images' mirror
  // A read-only robot has no candidate: the org mirror and the permission list only.
  const scanner = await mirrorsUsingRobot(client(sandbox.tokens.admin), platform, 'scanner');
  assert.deepEqual(scanner.repositories, []);
  assert.equal(scanner.requests, 2);
});

void test('an organization mirror (3.17+) is found; the refusal and its hint come from the real answer', async () => {
  sandbox.state.setOrgMirror('platform', 'platform+scanner');
  try {
    const usage = await mirrorsUsingRobot(client(sandbox.tokens.admin), platform, 'scanner');
    assert.deepEqual(usage.organizationMirror, { org: 'platform', enabled: true, source: 'https://harbor.example.com/library' });
  } finally {
    sandbox.state.setOrgMirror('platform', null);
  }
  const c = client(sandbox.tokens.admin);
  try {
    await c.deleteRobot(platform, 'mirror_bot');
    assert.fail('expected a refusal');
  } catch (error) {
    assert.ok(isMirrorRefusal(error));
    assert.match(error.userHint ?? '', /Mirroring settings, choose another robot/);
  }
  assert.ok(!isMirrorRefusal(new Error('Robot is being used by a mirror')));
});

void test('without rights it says what could not be examined, and never throws', async () => {
  // bob is not an admin of platform: the permission list is refused (403), so are the org mirror and the repo mirrors.
  const usage = await mirrorsUsingRobot(client(sandbox.tokens.member), platform, 'mirror_bot');
  assert.deepEqual(usage.repositories, []);
  assert.deepEqual(usage.notExamined.map((n) => n.what).sort(), ['organization', 'permissions']);
  // A Quay without the features answers 404 for both: nothing found, nothing left open.
  const off = await startSandbox({ seed: 'demo', repoMirror: false, orgMirror: false });
  try {
    const c = new QuayClient({ baseUrl: off.url, instanceLabel: 'old.example.com', getToken: () => Promise.resolve(off.tokens.admin), logger: memoryLogger().logger });
    clients.push(c);
    const none = await mirrorsUsingRobot(c, platform, 'mirror_bot');
    assert.deepEqual(none.repositories, []);
    assert.deepEqual(none.notExamined, []);
  } finally {
    await off.close();
  }
});

/** A fake client with `n` writable repositories; `mirrored` pushes with the robot. */
function fake(n: number, mirrored: string, failing: readonly string[] = []): MirrorClient & { calls: string[] } {
  const calls: string[] = [];
  const notFound = (path: string): QuayApiError =>
    new QuayApiError({ reason: 'notFound', instance: 'q', method: 'GET', path, operation: { action: 'read' }, status: 404, serverMessage: 'Not Found' });
  return {
    calls,
    getRobotPermissions: (): Promise<readonly RobotPermission[]> => {
      calls.push('permissions');
      return Promise.resolve([
        { repository: 'readonly', isPublic: false, role: 'read' },
        ...Array.from({ length: n }, (_, i): RobotPermission => ({ repository: `r${String(i).padStart(2, '0')}`, isPublic: false, role: i === 0 ? 'admin' : 'write' })),
      ]);
    },
    getRepoMirror: (repo: RepositoryRef): Promise<MirrorConfig> => {
      calls.push(repo.name);
      if (failing.includes(repo.name)) return Promise.reject(new QuayApiError({ reason: 'server', instance: 'q', method: 'GET', path: repo.name, operation: { action: 'read' }, status: 500 }));
      if (repo.name === mirrored) return Promise.resolve({ robot: 'acme+bot', enabled: false, source: 'docker.io/library/x' });
      return Promise.reject(notFound(repo.name));
    },
    getOrgMirror: (): Promise<MirrorConfig> => {
      calls.push('org');
      return Promise.resolve({ robot: 'acme+other', enabled: true, source: undefined });
    },
  };
}

void test(`the budget: at most ${DEFAULT_MIRROR_BUDGET} mirror reads by default, write grants first; the rest is named as not examined`, async () => {
  const acme: Namespace = { kind: 'org', name: 'acme' };
  const f = fake(15, 'r03');
  const usage = await mirrorsUsingRobot(f, acme, 'bot');
  assert.equal(usage.requests, DEFAULT_MIRROR_BUDGET + 2);
  assert.equal(f.calls.length, DEFAULT_MIRROR_BUDGET + 2);
  assert.ok(!f.calls.includes('readonly'));
  assert.ok(!f.calls.includes('r00'), 'admin grants come after write grants');
  assert.deepEqual(usage.repositories, [{ repository: 'acme/r03', enabled: false, source: 'docker.io/library/x' }]);
  assert.deepEqual(
    usage.notExamined.map((n) => n.repository),
    ['acme/r11', 'acme/r12', 'acme/r13', 'acme/r14', 'acme/r00'],
  );
  assert.match(usage.notExamined[0]?.reason ?? '', /budget of 10/);
  // A larger budget finds what lies beyond; a failing read is reported, not taken for "no mirror".
  const g = fake(15, 'r13', ['r05']);
  const wide = await mirrorsUsingRobot(g, acme, 'acme+bot', { budget: 20 });
  assert.deepEqual(wide.repositories.map((r) => r.repository), ['acme/r13']);
  assert.deepEqual(wide.notExamined, [{ what: 'repository', repository: 'acme/r05', reason: 'Quay at q failed to read: server error (HTTP 500)' }]);
  // A user namespace has no organization mirror to read.
  const h = fake(1, 'none');
  await mirrorsUsingRobot(h, { kind: 'user', name: 'alice' }, 'alice+bot', { budget: 0 });
  assert.deepEqual(h.calls, ['permissions']);
});

void test('a cancelled check rejects instead of reporting the cancellation as a finding', async () => {
  const controller = new AbortController();
  const f = fake(3, 'r01');
  f.getRepoMirror = () => {
    controller.abort();
    return Promise.reject(new Error('aborted'));
  };
  await assert.rejects(mirrorsUsingRobot(f, { kind: 'org', name: 'acme' }, 'bot', { signal: controller.signal }));
});
