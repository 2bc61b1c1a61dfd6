/**
 * Diagnostics, the image pulls and the file's pull Secrets read only the documents whose text may hold what they
 * look for (facts.ts `documentFacts(parsed, wanted)`); their answers must be the same as when every document is
 * read. Checked on every golden input, the corpus, the benchmark file (plain and with an anchor in every
 * document, which the quick reader cannot read) and edge cases that hide a host or a kind from a plain search.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { test } from 'node:test';
import { pullSecretManifest } from '../../../src/core/k8s/manifests';
import { diagnoseDocument } from '../../../src/core/yaml/diagnostics';
import { documentFacts, filePullSecrets } from '../../../src/core/yaml/facts';
import { parseManifests } from '../../../src/core/yaml/parse';
import type { ParsedManifests } from '../../../src/core/yaml/parse';
import { imagePulls } from '../../../src/core/yaml/pullCredentials';
import { generateManifests } from '../../bench/yaml';
import { CORPUS, loadCases, readText, yamlFilesUnder } from './helpers';

const HOST_SETS: readonly (readonly string[])[] = [['quay.io'], ['https://QUAY.example.com:8443/'], ['quay.io', 'registry.example.com'], ['docker.io']];

const EDGE_CASES: Record<string, string> = {
  'upper-case host': 'kind: Pod\nspec:\n  containers:\n  - name: a\n    image: QUAY.IO/acme/app:1\n',
  'escaped host': 'kind: Pod\nspec:\n  containers:\n  - name: a\n    image: "\\x71uay.io/acme/app:1"\n',
  'ServiceAccount in its own document': [
    'kind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      serviceAccountName: puller\n      containers:\n      - name: a\n        image: quay.io/acme/app',
    'kind: ServiceAccount\nmetadata:\n  name: puller\nimagePullSecrets:\n- name: other',
    pullSecretManifest({ host: 'registry.example.com', robot: 'acme+ci', token: 'T0KEN', scope: 'registry', name: 'other' }),
  ].join('\n---\n'),
  'escaped kinds': [
    'kind: Pod\nspec:\n  containers:\n  - name: a\n    image: quay.io/acme/app\n  imagePullSecrets:\n  - name: s',
    'kind: "Secr\\x65t"\nmetadata:\n  name: s\ntype: "kubernetes.io/docker\\x63onfigjson"\ndata:\n  .dockerconfigjson: e30=',
    'kind: "Service\\x41ccount"\nmetadata:\n  name: default\nimagePullSecrets:\n- name: s',
  ].join('\n---\n'),
  'Docker Hub image without a host': 'kind: Pod\nspec:\n  containers:\n  - name: a\n    image: nginx\n',
};

function inputs(): { name: string; text: string }[] {
  return [
    ...loadCases().map((c) => ({ name: `golden ${c.name}`, text: c.input })),
    ...(existsSync(CORPUS) ? yamlFilesUnder(CORPUS).map((f) => ({ name: relative(CORPUS, f), text: readText(f) })) : []),
    { name: 'benchmark file', text: generateManifests() },
    { name: 'benchmark file, anchored', text: generateManifests({ anchors: true }) },
    ...Object.entries(EDGE_CASES).map(([name, text]) => ({ name, text })),
  ];
}

function answers(parsed: ParsedManifests, quayHosts: readonly string[]): unknown {
  return { pulls: imagePulls(parsed, quayHosts), secrets: filePullSecrets(parsed), diagnostics: diagnoseDocument(parsed, { quayHosts }) };
}

function parsedCount(parsed: ParsedManifests): number {
  let n = 0;
  for (let i = 0; i < parsed.documentCount; i++) if (parsed.unparsedSpan(i) === undefined) n++;
  return n;
}

void test('diagnostics, image pulls and pull Secrets read only the documents that may matter, with the same answers', () => {
  for (const { name, text } of inputs()) {
    for (const hosts of HOST_SETS) {
      const selective = parseManifests(text);
      const everything = parseManifests(text);
      documentFacts(everything);
      assert.deepEqual(answers(selective, hosts), answers(everything, hosts), `${name} with ${hosts.join(', ')}`);
    }
  }
});

void test('on the anchored benchmark file, diagnostics parse only the documents with an image on the host, ServiceAccounts and pull Secrets', () => {
  const text = generateManifests({ anchors: true });
  const selective = parseManifests(text);
  const found = diagnoseDocument(selective, { quayHosts: ['quay.io'] });
  const everything = parseManifests(text);
  documentFacts(everything);
  assert.ok(found.length > 0);
  assert.equal(parsedCount(everything), everything.documentCount);
  // Services and ConfigMaps (2 in 8, less the pull Secrets among them) are skipped.
  const skipped = everything.documents.filter((d) => d.kind === 'Service' || d.kind === 'ConfigMap').length;
  assert.equal(parsedCount(selective), everything.documentCount - skipped);
});
