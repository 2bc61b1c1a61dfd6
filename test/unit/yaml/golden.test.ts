/**
 * Golden before/after files: test/fixtures/yaml/<case>/{input.yaml, expected.yaml, case.json}.
 * `UPDATE_GOLDEN=1 node --test out/test/unit/yaml/golden.test.js` rewrites expected.yaml from the planners;
 * read every rewritten file by eye before committing it.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { planAddImagePullSecret } from '../../../src/core/yaml/addImagePullSecret';
import { parseManifests } from '../../../src/core/yaml/parse';
import { runCase } from './golden';
import { loadCases } from './helpers';

const update = process.env.UPDATE_GOLDEN === '1';
const cases = loadCases();

void test('there are at least 40 golden cases', () => {
  assert.ok(cases.length >= 40, `${cases.length} cases`);
});

for (const c of cases) {
  void test(`golden: ${c.name} — ${c.spec.description}`, () => {
    const { result, output } = runCase(c.spec, c.input);
    if (update) writeFileSync(join(c.dir, 'expected.yaml'), output, 'utf8');
    assert.equal(result.status, c.spec.expect, result.status === 'refused' ? result.reason : undefined);
    if (result.status === 'refused') assert.equal(result.code, c.spec.refusal);
    if (result.status !== 'changed') assert.equal(output, c.input, 'no change means byte-identical output');
    if (!update) {
      assert.notEqual(c.expected, undefined, 'expected.yaml is missing (run with UPDATE_GOLDEN=1)');
      assert.equal(output, c.expected);
    }
    // Planning again on the result adds nothing: the entry is now present.
    if (result.status === 'changed' && (c.spec.op ?? 'add') === 'add') {
      const again = planAddImagePullSecret(parseManifests(output), c.spec.secret ?? 'quay-pull', {
        include: c.spec.include,
        target: c.spec.target !== undefined && 'documentIndex' in c.spec.target ? c.spec.target : undefined,
      });
      if (c.spec.target === undefined || 'documentIndex' in c.spec.target) assert.equal(again.status, 'unchanged');
    }
    // External Secrets objects already in the file are not added again, nor is the pod spec's entry.
    if (result.status === 'changed' && (c.spec.op === 'keyless' || c.spec.op === 'vault' || c.spec.op === 'githubLogin')) {
      const spec = c.spec.target !== undefined && 'cursor' in c.spec.target ? c.spec : { ...c.spec, target: undefined };
      assert.equal(runCase(spec, output).result.status, 'unchanged');
    }
  });
}
