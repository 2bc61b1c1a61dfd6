import { test } from 'node:test';
import assert from 'node:assert/strict';
import { robotNameProblem, splitRobotName, userNameProblem } from '../../src/core/robotName';

void test('robot names follow Quay rule: lowercase words joined by single . _ -, 2-255 chars', () => {
  for (const ok of ['ci', 'k8s_prod_puller', 'a.b-c_d', 'x'.repeat(255), 'r2d2']) assert.equal(robotNameProblem(ok), undefined, ok);
  for (const bad of ['a', 'CI', 'ci__pull', '_ci', 'ci-', 'ci pull', 'ci+x', 'x'.repeat(256), 'é']) assert.ok(robotNameProblem(bad) !== undefined, bad);
});

void test('typed user names follow the same rule (or a robot full name); ".", ".." and paths never pass', () => {
  for (const ok of ['alice', 'bob.smith', 'acme+ci', 'acme+k8s_prod_puller', 'r2']) assert.equal(userNameProblem(ok), undefined, ok);
  for (const bad of ['', '.', '..', 'a', 'alice/..', '../admin', 'al ice', 'Alice', 'acme+', '+ci', 'a+b+c', 'acme+..', 'x'.repeat(256)]) {
    assert.ok(userNameProblem(bad) !== undefined, bad);
  }
});

void test('splitRobotName splits at the first "+"; a name without "+" is a short name', () => {
  assert.deepEqual(splitRobotName('acme+deployer'), { namespace: 'acme', shortName: 'deployer' });
  assert.deepEqual(splitRobotName('deployer'), { namespace: '', shortName: 'deployer' });
  assert.deepEqual(splitRobotName('+x'), { namespace: '', shortName: 'x' });
});
