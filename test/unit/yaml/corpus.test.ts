/**
 * Every planner and finder over the real manifests in ../shared/corpus/kubernetes-examples (248 files from
 * kubernetes/examples, Apache-2.0; read in place, not copied). Nothing may be corrupted, and a whole-file
 * plan may refuse only for invalid YAML or template directives (or find nothing to edit). Prints the tallies.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseImageReference } from '../../../src/core/k8s/imageReference';
import { diagnoseDocument } from '../../../src/core/yaml/diagnostics';
import { applyEdits } from '../../../src/core/yaml/edits';
import { planInsertDocument } from '../../../src/core/yaml/insertDocument';
import { parseManifests } from '../../../src/core/yaml/parse';
import { findPullSecrets } from '../../../src/core/yaml/pullSecrets';
import { planServiceAccountPatch } from '../../../src/core/yaml/serviceAccount';
import { findWorkloads } from '../../../src/core/yaml/workloads';
import { corpusFiles } from './helpers';
import { checkAddPlan, checkBytes } from './invariants';

void test('corpus: planners, finders and diagnostics over real manifests', (t) => {
  const files = corpusFiles(t);
  if (files === undefined) return;
  assert.ok(files.length > 200, `${files.length} files`);
  const tally = { files: 0, documents: 0, workloads: 0, serviceAccounts: 0, images: 0, edited: 0, unchanged: 0, noTarget: 0, pullSecrets: 0, diagnostics: 0, inserts: 0, saPatches: 0 };
  const refused = new Map<string, string[]>();
  const kinds = new Map<string, number>();
  for (const { name, text: input } of files) {
    const parsed = parseManifests(input);
    tally.files++;
    tally.documents += parsed.documents.length;
    const workloads = findWorkloads(parsed);
    for (const w of workloads) {
      kinds.set(w.kind, (kinds.get(w.kind) ?? 0) + 1);
      if (w.kind === 'ServiceAccount') tally.serviceAccounts++;
      else tally.workloads++;
      tally.images += w.images.length;
      for (const image of w.images) assert.equal(input.slice(image.range.start, image.range.end).includes(image.image) || /^["']/.test(input.slice(image.range.start)), true, `${name}: image range`);
    }
    let outcome;
    try {
      outcome = checkAddPlan(input, 'quay-pull');
    } catch (e) {
      throw new Error(`${name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    if (outcome.status === 'changed') tally.edited++;
    else if (outcome.status === 'unchanged') tally.unchanged++;
    else if (outcome.code === 'no-target') {
      tally.noTarget++;
      assert.equal(workloads.length, 0, `${name}: refused for no target although it has workloads`);
    } else {
      const list = refused.get(outcome.code ?? '') ?? [];
      list.push(name);
      refused.set(outcome.code ?? '', list);
      assert.ok(outcome.code === 'yaml-error' || outcome.code === 'template', `${name}: refused with ${outcome.code ?? ''}`);
    }

    tally.pullSecrets += findPullSecrets(parsed).length;
    const hosts = new Set<string>();
    for (const w of workloads) for (const i of w.images) hosts.add(parseImageReference(i.image)?.host ?? '');
    // Treat every registry the file uses as a Quay host, to exercise the diagnostics on real layouts.
    const diagnostics = diagnoseDocument(parsed, { quayHosts: [...hosts].filter((h) => h !== '') });
    for (const d of diagnostics) assert.ok(d.range.start < d.range.end && d.range.end <= input.length, `${name}: diagnostic range`);
    tally.diagnostics += diagnostics.length;

    // Appending a document keeps every existing one and adds exactly one.
    if (parsed.documents.length > 0 && parsed.documents.every((d) => d.errors.length === 0)) {
      const edits = planInsertDocument(parsed, parsed.documents.length - 1, 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: inserted');
      const out = applyEdits(input, edits);
      checkBytes(input, out, edits, parsed.eol);
      const after = parseManifests(out);
      assert.equal(after.documents.length, parsed.documents.length + 1, `${name}: one document inserted`);
      assert.ok(after.documents.every((d) => d.errors.length === 0), `${name}: insertion keeps the file valid`);
      assert.equal(after.documents[after.documents.length - 1]?.kind, 'ServiceAccount');
      tally.inserts++;
      const sa = planServiceAccountPatch(parsed, 'default', 'quay-pull');
      if (sa.status === 'changed') {
        const patched = parseManifests(applyEdits(input, sa.edits));
        assert.ok(patched.documents.every((d) => d.errors.length === 0), `${name}: ServiceAccount patch keeps the file valid`);
        tally.saPatches++;
      }
    }
  }
  const refusals = [...refused].map(([code, names]) => `${code} ${names.length}`).join(', ');
  console.log(
    `corpus: ${tally.files} files, ${tally.documents} documents; ${tally.workloads} pod specs + ${tally.serviceAccounts} ServiceAccounts (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}), ${tally.images} images; ` +
      `whole-file plan: ${tally.edited} edited, ${tally.unchanged} already present, ${tally.noTarget} with no workload, refused: ${refusals || 'none'}; ` +
      `${tally.pullSecrets} pull secrets, ${tally.diagnostics} diagnostics, ${tally.inserts} document inserts, ${tally.saPatches} ServiceAccount patches checked`,
  );
  for (const [code, names] of refused) console.log(`  refused (${code}): ${names.join(', ')}`);
});
