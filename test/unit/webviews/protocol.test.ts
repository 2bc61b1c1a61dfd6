import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isArrayOf, isBoolean, isLiteral, isMessage, isNullable, isNumber, isObject, isOptional, isRobotPageMessage, isString } from '../../../src/webviews/protocol';

void test('scalar guards admit their type only', () => {
  assert.equal(isString('x'), true);
  assert.equal(isString(1), false);
  assert.equal(isString('x'.repeat((1 << 20) + 1)), false, 'an over-long string is not a message of ours');
  assert.equal(isNumber(3), true);
  assert.equal(isNumber(Number.NaN), false);
  assert.equal(isNumber('3'), false);
  assert.equal(isBoolean(false), true);
  assert.equal(isBoolean(0), false);
  assert.equal(isLiteral('read', 'write')('write'), true);
  assert.equal(isLiteral('read', 'write')('admin'), false);
  assert.equal(isOptional(isString)(undefined), true);
  assert.equal(isOptional(isString)(null), false);
  assert.equal(isNullable(isNumber)(null), true);
  assert.equal(isArrayOf(isNumber)([1, 2]), true);
  assert.equal(isArrayOf(isNumber)([1, '2']), false);
  assert.equal(isArrayOf(isNumber)({ length: 0 }), false);
});

void test('isObject checks every field, tolerates extra ones, refuses arrays and null', () => {
  const guard = isObject({ name: isString, age: isOptional(isNumber) });
  assert.equal(guard({ name: 'a' }), true);
  assert.equal(guard({ name: 'a', age: 3, extra: true }), true);
  assert.equal(guard({ name: 'a', age: '3' }), false);
  assert.equal(guard({}), false);
  assert.equal(guard(null), false);
  assert.equal(guard([]), false);
});

void test('isMessage tells messages apart by type and checks that type’s fields', () => {
  const guard = isMessage({ ready: {}, setRole: { repository: isString, role: isLiteral('read', 'write', 'admin') } });
  assert.equal(guard({ type: 'ready' }), true);
  assert.equal(guard({ type: 'setRole', repository: 'org/app', role: 'admin' }), true);
  assert.equal(guard({ type: 'setRole', repository: 'org/app', role: 'owner' }), false);
  assert.equal(guard({ type: 'setRole', role: 'read' }), false);
  assert.equal(guard({ type: 'unknown' }), false);
  assert.equal(guard({ type: 'toString' }), false, 'no inherited property counts as a type');
  assert.equal(guard({}), false);
  assert.equal(guard('ready'), false);
  assert.equal(guard(undefined), false);
});

void test('the robot page\'s federation rows carry the audiences Quay returned, as strings only', () => {
  const row = { issuer: 'https://idp.example.com', subject: 'system:serviceaccount:dev:app' };
  assert.equal(isRobotPageMessage({ type: 'federation', rows: [row] }), true);
  assert.equal(isRobotPageMessage({ type: 'federation', rows: [{ ...row, audiences: ['quay', 'sts'] }] }), true);
  assert.equal(isRobotPageMessage({ type: 'federation', rows: [{ ...row, audiences: [1] }] }), false);
  assert.equal(isRobotPageMessage({ type: 'federation', rows: [{ ...row, audiences: 'quay' }] }), false);
});
