import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addEntry, audiencesNotStored, federationGap, federationToCopy, federationGapFor, federationUnsupported, removeEntry, replaceEntry, updateTrust, validateTrust, type TrustApi } from '../../../src/core/federation/trust';
import { QuayClient } from '../../../src/core/quay/client';
import { QuayApiError } from '../../../src/core/quay/errors';
import type { FederationEntry, Namespace } from '../../../src/core/quay/types';
import { startSandbox, type Sandbox } from '../../sandbox/server';
import { localServer, memoryLogger } from '../quay/helpers';

const acme: Namespace = { kind: 'org', name: 'acme' };
const GH = 'https://token.actions.githubusercontent.com';
let sb: Sandbox;
let client: QuayClient;
let other: QuayClient;

before(async () => {
  sb = await startSandbox({ seed: 'demo' });
  const make = (): QuayClient => new QuayClient({ baseUrl: sb.url, getToken: () => Promise.resolve(sb.tokens.admin), logger: memoryLogger().logger });
  client = make();
  other = make();
});
after(async () => {
  await client.close();
  await other.close();
  await sb.close();
});

const robot = { namespace: acme, name: 'unused_bot' };
const e1: FederationEntry = { issuer: GH, subject: 'repo:acme/app:ref:refs/heads/main' };
const e2: FederationEntry = { issuer: GH, subject: 'repo:acme/app:environment:production' };

void test('validateTrust gives Quay\'s own message for each rule, as the sandbox (Quay) does', async () => {
  const lists: FederationEntry[][] = [
    [{ issuer: '', subject: 'x' }],
    [{ issuer: GH, subject: '' }],
    [{ issuer: 'token.actions.githubusercontent.com', subject: 'x' }],
    [e1, e2, e1],
  ];
  for (const list of lists) {
    const local = validateTrust(list)[0]?.message;
    let quay: string | undefined;
    try {
      await client.setFederation(acme, 'unused_bot', list);
    } catch (error) {
      quay = QuayApiError.is(error) ? error.serverMessage : String(error);
    }
    assert.ok(local !== undefined, JSON.stringify(list));
    assert.equal(local, quay, JSON.stringify(list));
  }
  assert.deepEqual(validateTrust([e1, e2, e1]), [{ index: 2, message: 'Duplicate federation config entry' }]);
  assert.deepEqual(validateTrust([e1, { issuer: 'http://idp.local', subject: 'x' }]), [], 'Quay stores http:// issuers (checkIssuer warns about them)');
});

void test('updateTrust: read, change, read again, write; unchanged and invalid changes write nothing', async () => {
  await client.deleteFederation(acme, 'unused_bot');
  const added = await updateTrust(client, robot, addEntry(e1));
  assert.deepEqual(added, { kind: 'saved', before: [], after: [e1], audiencesNotStored: [] });
  assert.deepEqual(sb.state.robot('acme+unused_bot')?.federation, [e1]);
  const replaced = await updateTrust(client, robot, replaceEntry(e1, e2));
  assert.deepEqual(replaced, { kind: 'saved', before: [e1], after: [e2], audiencesNotStored: [] });
  assert.deepEqual(await updateTrust(client, robot, removeEntry(e1)), { kind: 'unchanged', entries: [e2] });
  const logs = sb.state.logs('acme').length;
  const invalid = await updateTrust(client, robot, addEntry(e2));
  assert.deepEqual(invalid, { kind: 'invalid', proposed: [e2, e2], problems: [{ index: 1, message: 'Duplicate federation config entry' }] });
  assert.equal(sb.state.logs('acme').length, logs, 'nothing was written');
  assert.deepEqual(await updateTrust(client, robot, removeEntry(e2)), { kind: 'saved', before: [e2], after: [], audiencesNotStored: [] });
});

void test('updateTrust: a list changed by someone else since it was read comes back as a conflict with both versions', async () => {
  await client.setFederation(acme, 'unused_bot', [e1]);
  const shown = await client.getFederation(acme, 'unused_bot');
  // Someone else adds an entry while the user is deciding.
  await other.setFederation(acme, 'unused_bot', [e1, e2]);
  const mine: FederationEntry = { issuer: sb.issuer.url, subject: 'system:serviceaccount:prod:app' };
  const result = await updateTrust(client, robot, addEntry(mine), { basis: shown });
  assert.deepEqual(result, { kind: 'conflict', basis: [e1], current: [e1, e2], proposed: [e1, mine], rebased: [e1, e2, mine] });
  assert.deepEqual(sb.state.robot('acme+unused_bot')?.federation, [e1, e2], 'the other change is kept');
  // Asked and confirmed: apply on the current list.
  if (result.kind !== 'conflict') return;
  assert.deepEqual(await updateTrust(client, robot, addEntry(mine), { basis: result.current }), { kind: 'saved', before: [e1, e2], after: [e1, e2, mine], audiencesNotStored: [] });
});

void test('updateTrust: Quay\'s refusal is thrown with its message; a 404 on the federation path means Quay older than 3.13', async () => {
  const ghost = { namespace: acme, name: 'ghost' };
  await assert.rejects(updateTrust(client, ghost, addEntry(e1), { basis: [] }), (e: unknown) => QuayApiError.is(e) && e.serverMessage === 'Could not find robot with specified username');

  const old = await localServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>404 Not Found</title>');
  });
  const oldClient = new QuayClient({ baseUrl: old.url, getToken: () => Promise.resolve('t'), logger: memoryLogger().logger });
  try {
    assert.deepEqual(await updateTrust(oldClient, robot, addEntry(e1)), { kind: 'unsupported', message: federationGapFor('org').message, gap: federationGapFor('org') });
    await assert.rejects(oldClient.getFederation(acme, 'unused_bot'), (e: unknown) => federationUnsupported(e));
    await assert.rejects(oldClient.getRobot(acme, 'unused_bot'), (e: unknown) => QuayApiError.is(e, 'notFound') && !federationUnsupported(e));
  } finally {
    await oldClient.close();
    await old.close();
  }
});

void test('updateTrust reads just before writing (a fake API records the order)', async () => {
  const calls: string[] = [];
  let stored: readonly FederationEntry[] = [e1];
  const api: TrustApi = {
    getFederation: () => {
      calls.push('get');
      return Promise.resolve(stored);
    },
    setFederation: (_ns, _name, entries) => {
      calls.push('set');
      stored = entries;
      return Promise.resolve(entries);
    },
  };
  await updateTrust(api, robot, addEntry(e2));
  assert.deepEqual(calls, ['get', 'get', 'set']);
  calls.length = 0;
  await updateTrust(api, robot, removeEntry(e2), { basis: [e1, e2] });
  assert.deepEqual(calls, ['get', 'set']);
});

void test('the sandbox emulating a Quay before 3.13 answers the federation paths with Flask\'s HTML 404, which the client reads as "no federation"', async () => {
  sb.emulateBefore313(true);
  try {
    const res = await fetch(`${sb.url}/api/v1/organization/acme/robots/keyless/federation`, { headers: { Authorization: `Bearer ${sb.tokens.admin}` } });
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    const gap = federationGapFor('org');
    assert.deepEqual(await updateTrust(client, { namespace: acme, name: 'keyless' }, addEntry(e1)), { kind: 'unsupported', message: gap.message, gap });
    assert.match(gap.message, /^Needs Quay 3\.13: this Quay answered 404 on \/api\/v1\/organization\/\{org\}\/robots\/\{robot\}\/federation/);
    assert.equal((await client.listRobots(acme, { permissions: false, token: false })).length > 0, true, 'the rest of the API answers');
  } finally {
    sb.emulateBefore313(false);
  }
  assert.equal((await client.getFederation(acme, 'keyless')).length, 2);
});

// ----- Quay 3.18 -------------------------------------------------------------------------------------

const alice: Namespace = { kind: 'user', name: 'alice' };

void test('before 3.18: a 404 on the user-namespace route is "needs Quay 3.18", while organization robots keep working', async () => {
  sb.emulateBefore318(true);
  try {
    const userGap = federationGapFor('user');
    assert.deepEqual(await updateTrust(client, { namespace: alice, name: 'alice+laptop' }, addEntry(e1)), { kind: 'unsupported', message: userGap.message, gap: userGap });
    assert.equal(userGap.minVersion, '3.18');
    assert.match(userGap.message, /^Needs Quay 3\.18 \(3\.17\.2 on the 3\.17 line\): this Quay answered 404 on \/api\/v1\/user\/robots\/\{robot\}\/federation/);
    await assert.rejects(client.getFederation(alice, 'laptop'), (e: unknown) => federationGap(e)?.scope === 'user');
    assert.equal((await client.getFederation(acme, 'keyless')).length, 2, 'organization robots keep their federation');
  } finally {
    sb.emulateBefore318(false);
  }
  sb.emulateBefore313(true);
  try {
    await assert.rejects(client.getFederation(acme, 'keyless'), (e: unknown) => federationGap(e)?.minVersion === '3.13');
    await assert.rejects(client.getFederation(alice, 'laptop'), (e: unknown) => federationGap(e)?.minVersion === '3.18');
  } finally {
    sb.emulateBefore313(false);
  }
  assert.equal(federationGap(new Error('x')), undefined);
});

void test('audiences: sent as given, dropped by Quay 3.18, read back and reported; never claimed as stored', async () => {
  const laptop = { namespace: alice, name: 'alice+laptop' };
  await client.deleteFederation(alice, 'laptop');
  const wanted: FederationEntry = { issuer: sb.issuer.url, subject: 'laptop', audiences: ['quay'] };
  const sent: unknown[] = [];
  const spy: TrustApi = {
    getFederation: (ns, name, o) => client.getFederation(ns, name, o),
    setFederation: (ns, name, entries, o) => {
      sent.push(entries);
      return client.setFederation(ns, name, entries, o);
    },
  };
  const result = await updateTrust(spy, laptop, addEntry(wanted));
  assert.deepEqual(sent, [[wanted]], 'the audiences were sent');
  assert.deepEqual(result, { kind: 'saved', before: [], after: [{ issuer: sb.issuer.url, subject: 'laptop' }], audiencesNotStored: [wanted] });
  assert.deepEqual(sb.state.robot('alice+laptop')?.federation, [{ issuer: sb.issuer.url, subject: 'laptop' }]);

  // Audiences Quay returns (stored in its database) are read, kept through a change, and a drop is reported.
  sb.state.setFederationInDatabase('alice+laptop', [wanted]);
  assert.deepEqual(await client.getFederation(alice, 'laptop'), [wanted]);
  const again = await updateTrust(client, laptop, addEntry(e1));
  assert.equal(again.kind, 'saved');
  if (again.kind === 'saved') {
    assert.deepEqual(again.before, [wanted]);
    assert.deepEqual(again.audiencesNotStored, [wanted], 'Quay 3.18 dropped the audiences the entry had');
    assert.deepEqual(again.after, [{ issuer: sb.issuer.url, subject: 'laptop' }, e1]);
  }
  await client.deleteFederation(alice, 'laptop');
});

void test('audiences: a change of audiences alone is a change; a Quay that stores them reports nothing dropped', async () => {
  const a: FederationEntry = { issuer: GH, subject: 's', audiences: ['x'] };
  const b: FederationEntry = { issuer: GH, subject: 's', audiences: ['y'] };
  let stored: readonly FederationEntry[] = [a];
  const storing: TrustApi = {
    getFederation: () => Promise.resolve(stored),
    setFederation: (_ns, _name, entries) => {
      stored = entries;
      return Promise.resolve(entries);
    },
  };
  const r = await updateTrust(storing, robot, replaceEntry(a, b));
  assert.deepEqual(r, { kind: 'saved', before: [a], after: [b], audiencesNotStored: [] });
  assert.deepEqual(await updateTrust(storing, robot, replaceEntry(b, b)), { kind: 'unchanged', entries: [b] });
  assert.deepEqual(audiencesNotStored([a], [{ issuer: GH, subject: 's', audiences: ['x', 'x'] }]), [], 'order and repeats do not matter');
  assert.deepEqual(audiencesNotStored([a], [{ issuer: GH, subject: 's', audiences: ['z'] }]), [a]);
  assert.deepEqual(audiencesNotStored([{ issuer: GH, subject: 's' }], []), [], 'nothing asked, nothing to report');
});

void test('federationToCopy (the successor plan): a failed read is "could not be read" with Quay\'s text, never "0 entries"; only a Quay without federation has none', async () => {
  await client.setFederation(acme, 'unused_bot', [e1]);
  assert.deepEqual(await federationToCopy(client.getFederation(acme, 'unused_bot')), { kind: 'read', entries: [e1] });
  const refusing = await localServer((_req, res) => {
    res.writeHead(403, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ detail: 'Unauthorized', error_message: 'Unauthorized', error_type: 'insufficient_scope', status: 403 }));
  });
  const old = await localServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>404 Not Found</title>');
  });
  const make = (url: string): QuayClient => new QuayClient({ baseUrl: url, getToken: () => Promise.resolve('t'), logger: memoryLogger().logger });
  const refusingClient = make(refusing.url);
  const oldClient = make(old.url);
  try {
    const refused = await federationToCopy(refusingClient.getFederation(acme, 'unused_bot'));
    assert.equal(refused.kind, 'unreadable');
    assert.match(refused.kind === 'unreadable' ? refused.message : '', /Unauthorized/);
    assert.deepEqual(await federationToCopy(oldClient.getFederation(acme, 'unused_bot')), { kind: 'read', entries: [] });
    assert.deepEqual(await federationToCopy(Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1'))), { kind: 'unreadable', message: 'connect ECONNREFUSED 127.0.0.1:1' });
  } finally {
    await client.setFederation(acme, 'unused_bot', []);
    await refusingClient.close();
    await oldClient.close();
    await refusing.close();
    await old.close();
  }
});
