import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Prototype, Robot } from '../../src/core/quay/types';
import { KeylessEntryRef, MembershipRef, PrototypeRef, RobotRef, refInstanceUrl, refNamespace } from '../../src/refs';

const url = 'https://quay.example.com';
const robot: Robot = { fullName: 'acme+ci', namespace: 'acme', shortName: 'ci', description: '', created: undefined, lastAccessed: undefined };
const rule: Prototype = { id: 'p1', role: 'read', delegate: { kind: 'robot', name: 'acme+ci' } };
const robotRef = new RobotRef(url, { kind: 'org', name: 'acme' }, robot);

void test('every ref names its instance and namespace, so pickers never ask for them', () => {
  const refs = [robotRef, new MembershipRef(url, 'acme', 'builders', 'acme+ci'), new PrototypeRef(url, 'acme', rule), new KeylessEntryRef(robotRef, { issuer: 'https://issuer', subject: 'sub' })];
  assert.deepEqual(refs.map(refInstanceUrl), [url, url, url, url]);
  assert.deepEqual(refs.map(refNamespace), refs.map(() => ({ kind: 'org', name: 'acme' })));
});

void test('a user-namespace robot keeps its user namespace', () => {
  assert.deepEqual(refNamespace(new RobotRef(url, { kind: 'user', name: 'me' }, robot)), { kind: 'user', name: 'me' });
});

void test('objects that merely carry an instanceUrl are not refs', () => {
  assert.equal(refInstanceUrl({ instanceUrl: url }), undefined);
  assert.equal(refNamespace({ namespace: { kind: 'org', name: 'acme' } }), undefined);
  assert.equal(refInstanceUrl(undefined), undefined);
});
