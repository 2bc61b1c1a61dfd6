import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { StorageKeys } from '../../../src/constants';
import { PendingRotationStore } from '../../../src/host/pendingRotations';
import type { PendingRotation } from '../../../src/core/rotation/journal';
import { ROBOT, TOKEN } from './helpers';

/** SecretStorage and Memento in memory: only what the store calls. */
function fakes(): { secrets: Map<string, string>; state: Map<string, unknown>; store: PendingRotationStore } {
  const secrets = new Map<string, string>();
  const state = new Map<string, unknown>();
  const secretStorage = {
    get: (k: string) => Promise.resolve(secrets.get(k)),
    store: (k: string, v: string) => Promise.resolve(void secrets.set(k, v)),
    delete: (k: string) => Promise.resolve(void secrets.delete(k)),
  } as unknown as vscode.SecretStorage;
  const memento = {
    get: <T>(k: string, d: T) => (state.has(k) ? (state.get(k) as T) : d),
    update: (k: string, v: unknown) => Promise.resolve(void state.set(k, v)),
  } as unknown as vscode.Memento;
  return { secrets, state, store: new PendingRotationStore(secretStorage, memento) };
}

const record: PendingRotation = { v: 1, instanceUrl: 'https://quay.example', namespace: { kind: 'org', name: 'acme' }, oldUser: ROBOT, oldToken: TOKEN, newUser: ROBOT, startedAt: '2026-12-07T12:00:00.000Z' };
/** The keychain key as earlier versions wrote it: a record left by one must still be found. */
const keyOf = (oldUser: string): string => `quay.rotation:${record.instanceUrl}:${oldUser}`;
const key = keyOf(ROBOT);

void test('the record is kept in the keychain under its key, indexed in globalState without the token, and removed', async () => {
  const f = fakes();
  await f.store.save(record);
  await f.store.save(record);
  assert.deepEqual(f.state.get(StorageKeys.pendingRotations), [key]);
  assert.ok(!JSON.stringify([...f.state.values()]).includes(TOKEN));
  assert.deepEqual(JSON.parse(f.secrets.get(key) ?? ''), record);
  assert.deepEqual(await f.store.list(), { pending: [record], unreadable: [] });
  await f.store.remove(record);
  assert.deepEqual(await f.store.list(), { pending: [], unreadable: [] });
  assert.equal(f.secrets.size, 0);
});

void test('a record written before the version field is read; one this version cannot read is reported with its key, not dropped', async () => {
  const f = fakes();
  const { v: _v, ...unversioned } = record;
  const other = keyOf('acme+other');
  f.secrets.set(key, JSON.stringify(unversioned));
  f.secrets.set(other, JSON.stringify({ ...record, oldUser: 'acme+other', v: 2 }));
  f.state.set(StorageKeys.pendingRotations, [key, other]);
  assert.deepEqual(await f.store.list(), { pending: [record], unreadable: [{ where: other, reason: 'The unfinished-rotation record has version 2; this version reads version 1 only.' }] });
  assert.ok(f.secrets.has(other), 'kept until the user forgets it');
  await f.store.forget(other);
  assert.deepEqual(f.state.get(StorageKeys.pendingRotations), [key]);
  assert.ok(!f.secrets.has(other));
});
