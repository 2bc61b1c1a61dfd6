/**
 * Property test over the golden inputs and the real-manifest corpus (see invariants.ts for the properties):
 * whole-file plans, and a plan per document targeted by a cursor on its first image.
 */
import { test } from 'node:test';
import { parseManifests } from '../../../src/core/yaml/parse';
import { findWorkloads } from '../../../src/core/yaml/workloads';
import { corpusFiles, loadCases } from './helpers';
import { checkAddPlan } from './invariants';

const SECRETS = ['quay-pull', 'acme-ci-pull-secret'];

void test('property: golden inputs (whole file and per cursor)', () => {
  let plans = 0;
  let changed = 0;
  for (const c of loadCases()) {
    if ((c.spec.op ?? 'add') !== 'add') continue;
    for (const secret of SECRETS) {
      const r = checkAddPlan(c.input, secret, { include: c.spec.include });
      plans++;
      if (r.status === 'changed') changed++;
      for (const w of findWorkloads(parseManifests(c.input))) {
        const at = w.images[0]?.range.start ?? w.objectRange.start;
        checkAddPlan(c.input, secret, { target: { offset: at } });
        plans++;
      }
    }
  }
  console.log(`golden property: ${plans} plans checked, ${changed} whole-file plans changed text`);
});

void test('property: corpus (whole file and per cursor)', (t) => {
  const corpus = corpusFiles(t);
  if (corpus === undefined) return;
  let files = 0;
  let plans = 0;
  let changed = 0;
  let semanticDocs = 0;
  for (const { name, text: input } of corpus) {
    files++;
    try {
      const r = checkAddPlan(input, 'quay-pull');
      plans++;
      if (r.status === 'changed') changed++;
      semanticDocs += r.semanticDocs;
      for (const w of findWorkloads(parseManifests(input))) {
        const at = w.images[0]?.range.start ?? w.objectRange.start;
        const c = checkAddPlan(input, 'quay-pull', { target: { offset: at } });
        plans++;
        semanticDocs += c.semanticDocs;
      }
    } catch (e) {
      throw new Error(`${name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
  console.log(`corpus property: ${files} files, ${plans} plans checked, ${changed} whole-file plans changed text, ${semanticDocs} documents compared with toJS()`);
});
