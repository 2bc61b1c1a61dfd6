import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CapabilityCache, feature, isRobotsDisallowedRefusal, robotCreationDisallowed, ROBOTS_DISALLOWED_LOGIN } from '../../src/core/capabilities';
import type { ClientConfig } from '../../src/core/quay/clientConfig';
import { QuayClient } from '../../src/core/quay/client';
import { startSandbox } from '../sandbox/server';
import { memoryLogger } from './quay/helpers';
import { hintForAnswer } from '../../src/core/quay/errors';
import { TokenAgeTracker, TokenAgesUnavailable } from '../../src/core/rotation/tokenAgeTracker';

const config = (extra: Partial<ClientConfig> = {}): ClientConfig => ({ version: '3.18.0', versionParts: { major: 3, minor: 18 }, features: new Map([['AGGREGATED_LOG_COUNT_RETRIEVAL', false]]), ...extra });

void test('CapabilityCache: one load per instance, shared by concurrent callers; peek; invalidate one or all', async () => {
  const loads: string[] = [];
  const cache = new CapabilityCache((id) => {
    loads.push(id);
    return Promise.resolve(config({ robotsDisallow: id === 'https://a' }));
  });
  assert.equal(cache.peek('https://a'), undefined);
  const [a1, a2, b] = await Promise.all([cache.get('https://a'), cache.get('https://a'), cache.get('https://b')]);
  assert.equal(a1, a2);
  assert.deepEqual(loads, ['https://a', 'https://b']);
  assert.equal(robotCreationDisallowed(a1), true);
  assert.equal(robotCreationDisallowed(b), false);
  assert.equal(robotCreationDisallowed(cache.peek('https://a')), true);
  await cache.get('https://a');
  assert.equal(loads.length, 2, 'cached');
  cache.invalidate('https://a');
  assert.equal(cache.peek('https://a'), undefined);
  assert.notEqual(cache.peek('https://b'), undefined);
  await cache.get('https://a');
  assert.deepEqual(loads, ['https://a', 'https://b', 'https://a']);
  cache.invalidate();
  assert.equal(cache.peek('https://b'), undefined);
});

void test('CapabilityCache: a 404 and a failure are "unknown", never a rejection, and not disallowing anything', async () => {
  const cache = new CapabilityCache((id) => (id === 'https://old' ? Promise.resolve(undefined) : Promise.reject(new Error('Quay at x could not be reached'))));
  const old = await cache.get('https://old');
  assert.deepEqual(old, { kind: 'unknown', why: 'noConfig' });
  const failed = await cache.get('https://down');
  assert.deepEqual(failed, { kind: 'unknown', why: 'failed', detail: 'Quay at x could not be reached' });
  assert.equal(robotCreationDisallowed(old), false);
  assert.equal(feature(failed, 'AGGREGATED_LOG_COUNT_RETRIEVAL'), undefined);
});

void test('CapabilityCache: a load that an invalidation overtook is not kept', async () => {
  let release!: (c: ClientConfig) => void;
  const cache = new CapabilityCache(() => new Promise<ClientConfig>((resolve) => (release = resolve)));
  const pending = cache.get('https://a');
  cache.invalidate();
  release(config({ robotsDisallow: true }));
  await pending;
  assert.equal(cache.peek('https://a'), undefined);
});

void test('ROBOTS_DISALLOW texts: the login refusal (§12.3 #1) is recognised; creation refusal gets a hint', () => {
  assert.equal(isRobotsDisallowedRefusal(ROBOTS_DISALLOWED_LOGIN), true);
  assert.equal(isRobotsDisallowedRefusal('Could not find robot with username: acme+ci and supplied password.'), false);
  assert.match(hintForAnswer(400, 'Robot accounts have been disabled. Please contact your administrator.') ?? '', /ROBOTS_DISALLOW/);
  assert.equal(hintForAnswer(400, 'Invalid robot account name'), undefined);
});

void test('TokenAgeTracker: with log aggregation reported off, no log request and a TokenAgesUnavailable', async () => {
  let requests = 0;
  const source = {
    aggregateLogs: () => {
      requests++;
      return Promise.resolve([]);
    },
    listLogsPage: () => {
      requests++;
      return Promise.resolve({ startTime: undefined, endTime: undefined, logs: [] });
    },
  };
  const tracker = new TokenAgeTracker({
    source: () => source,
    memory: { get: () => new Map(), remember: () => Promise.resolve() },
    logger: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    now: () => new Date('2026-12-07T12:00:00Z'),
    onDidUpdate: () => undefined,
    logsAggregated: (id) => Promise.resolve(id === 'https://off.example' ? false : undefined),
  });
  const robots = [{ fullName: 'acme+ci', namespace: 'acme', shortName: 'ci', description: '', created: new Date('2026-01-01T00:00:00Z'), lastAccessed: undefined }];
  await assert.rejects(tracker.ages('https://off.example', { kind: 'org', name: 'acme' }, robots), (e: unknown) => e instanceof TokenAgesUnavailable && /FEATURE_AGGREGATED_LOG_COUNT_RETRIEVAL/.test(e.message));
  assert.equal(requests, 0);
  await tracker.ages('https://on.example', { kind: 'org', name: 'acme' }, robots);
  assert.ok(requests > 0, 'an instance that does not say reads the logs as before');
});

void test('a robot login on a ROBOTS_DISALLOW sandbox is refused with the message isRobotsDisallowedRefusal recognises; a wrong token is not', async () => {
  const sandbox = await startSandbox({ seed: 'demo', robotsDisallow: true });
  const client = new QuayClient({ baseUrl: sandbox.url, getToken: () => Promise.resolve(sandbox.tokens.admin), logger: memoryLogger().logger, retries: 0 });
  try {
    const token = sandbox.state.robot('acme+ci_pull')?.token ?? '';
    const refused = await client.registryLogin('acme+ci_pull', token);
    assert.equal(refused.kind, 'refused');
    assert.equal(refused.kind === 'refused' && isRobotsDisallowedRefusal(refused.message), true);
    sandbox.configure({ robotsDisallow: false });
    const wrong = await client.registryLogin('acme+ci_pull', 'X'.repeat(64));
    assert.equal(wrong.kind === 'refused' && isRobotsDisallowedRefusal(wrong.message), false);
  } finally {
    await client.close();
    await sandbox.close();
  }
});
