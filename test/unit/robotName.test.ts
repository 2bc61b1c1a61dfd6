import { test } from 'node:test';
import assert from 'node:assert/strict';
import { robotNameProblem } from '../../src/core/robotName';

void test('robot names follow Quay rule: lowercase words joined by single . _ -, 2-255 chars', () => {
  for (const ok of ['ci', 'k8s_prod_puller', 'a.b-c_d', 'x'.repeat(255), 'r2d2']) assert.equal(robotNameProblem(ok), undefined, ok);
  for (const bad of ['a', 'CI', 'ci__pull', '_ci', 'ci-', 'ci pull', 'ci+x', 'x'.repeat(256), 'é']) assert.ok(robotNameProblem(bad) !== undefined, bad);
});
