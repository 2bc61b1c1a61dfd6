/**
 * The quick reader (scan.ts) must read exactly what the parse reads, wherever it does not give up: the facts of
 * every document (readable or not, pod specs with images and ranges, pull secret names, ServiceAccount, pull
 * Secrets) from a fresh parse (quick reader first) equal those from the finders on a full parse. Checked on
 * every golden input, the corpus, the benchmark file, hand-written edge cases, and seeded random mutations of
 * all of those (lines re-indented, duplicated, quoted, commented, broken…). `SCAN_SEED=n SCAN_ROUNDS=n` run other
 * or more mutations (six rounds by default, of the goldens and edge cases and of the corpus).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { documentFacts } from '../../../src/core/yaml/facts';
import type { DocumentFacts } from '../../../src/core/yaml/facts';
import { parseManifests } from '../../../src/core/yaml/parse';
import { scanDocument } from '../../../src/core/yaml/scan';
import { generateManifests } from '../../bench/yaml';
import { corpusFiles, goldenInputs, type NamedText } from './helpers';
import { seededRandom } from '../../sandbox/util';

function plain(facts: readonly DocumentFacts[]): unknown {
  return facts.map((f) => ({
    readable: f.readable,
    workloads: f.workloads.map((w) => ({
      documentIndex: w.documentIndex,
      itemIndex: w.itemIndex,
      kind: w.kind,
      name: w.name,
      namespace: w.namespace,
      serviceAccountName: w.serviceAccountName,
      images: w.images,
      imagePullSecrets: w.imagePullSecrets,
    })),
    pullSecrets: f.pullSecrets,
  }));
}

/** Documents the quick reader accepted, and all documents; fails when its facts differ from the parse's. */
function compare(name: string, text: string): { scanned: number; documents: number } {
  const quick = parseManifests(text);
  let scanned = 0;
  for (let i = 0; i < quick.documentCount; i++) {
    const span = quick.unparsedSpan(i);
    if (span !== undefined && scanDocument(text, span.start, span.end) !== undefined) scanned++;
  }
  const full = parseManifests(text);
  const documents = full.documents.length;
  assert.deepEqual(plain(documentFacts(quick)), plain(documentFacts(full)), `${name}: quick reader and parse differ`);
  return { scanned, documents };
}

/** Ways to change one line, each keeping or breaking YAML in a way the reader must notice. */
const MUTATIONS: readonly ((line: string) => string)[] = [
  (l) => ` ${l}`,
  (l) => l.replace(/^ /, ''),
  (l) => `${l}\n${l}`,
  (l) => `${l} # note`,
  (l) => `${l}#note`,
  (l) => l.replace(/: (\S.*)$/, ': "$1"'),
  (l) => l.replace(/: (\S.*)$/, ": '$1'"),
  (l) => l.replace(/: (\S.*)$/, ': $1: x'),
  (l) => l.replace(/: (\S.*)$/, ':$1'),
  (l) => l.replace(/: (\S.*)$/, ': [$1]'),
  (l) => l.replace(/: (\S.*)$/, ': {a: $1, a: 2}'),
  (l) => l.replace(/: (\S.*)$/, ': &a $1'),
  (l) => l.replace(/: (\S.*)$/, ': |\n  $1'),
  (l) => l.replace(/: (\S.*)$/, ': >-\n      $1'),
  (l) => l.replace(/: (\S.*)$/, ': 12'),
  (l) => l.replace(/: (\S.*)$/, ': null'),
  (l) => l.replace(/: (\S.*)$/, ':'),
  (l) => l.replace(/: (\S.*)$/, ': "$1\\t"'),
  (l) => l.replace(/: (\S.*)$/, ": 'it''s $1'"),
  (l) => l.replace(/^(\s*)- /, '$1-   '),
  (l) => l.replace(/^(\s*)- /, '$1- - '),
  (l) => l.replace(/^(\s*)(\S)/, '$1- $2'),
  (l) => l.replace(/^(\s*)/, '$1\t'),
  (l) => `${l}\n  continued`,
  (l) => `${l}\n`,
  (l) => l.replace(/(\w+):/, '"$1":'),
  (l) => l.replace(/(\w+):/, '$1 :'),
  (l) => l.replace(/(\w+):/, '? $1\n:'),
  (l) => l.replace(/: (\S.*)$/, ': {{ .Values.x }}'),
  (l) => l.replace(/: (\S.*)$/, ': "$1'),
  (l) => l.replace(/: (\S.*)$/, ': -$1'),
  (l) => l.replace(/: (\S.*)$/, ': @$1'),
  (l) => l.replace(/^(\s*)/, '$1<<: *x\n$1'),
  (l) => `---\n${l}`,
  (l) => `...\n${l}`,
];

function mutate(text: string, r: () => number): string {
  const lines = text.split('\n');
  const count = 1 + Math.floor(r() * 3);
  for (let k = 0; k < count && lines.length > 0; k++) {
    const i = Math.floor(r() * lines.length);
    const m = MUTATIONS[Math.floor(r() * MUTATIONS.length)];
    if (m !== undefined) lines[i] = m(lines[i] ?? '');
  }
  return lines.join('\n');
}

/** Shapes the reader has its own code for. */
const EDGE_CASES: readonly string[] = [
  'kind: Pod\nspec:\n  containers:\n  - name: a\n    image: quay.io/a/b:1  # pinned\n  imagePullSecrets:\n  - name: s\n  - plain\n',
  'kind: Pod\nspec:\n  containers:\n    -   name: a\n        image: "quay.io/a/b"\n',
  "kind: 'Pod'\nmetadata: {name: p, namespace: n}\nspec:\n  containers:\n  - image: 'quay.io/a/b:1'\n",
  'kind: Pod\nmetadata:\n  name: p\n  labels: {app: a, tier: b}\nspec:\n  containers:\n  - name: a\n    image: quay.io/a/b\n    args: ["--x", -y, z:1]\n',
  'kind: Pod\nspec:\n  containers:\n  - name: a\n    image: quay.io/a/b\n    command:\n    - |\n      echo hi\n\n      echo there\n    - x\n  serviceAccountName: sa\n',
  'kind: Pod\nspec:\n  containers:\n  - name: a\n    image: quay.io/a/b\n    env:\n    - name: A\n      value: >\n        folded\n        text\n  restartPolicy: Never\n',
  'kind: Pod\nspec:\n  containers:\n  -\n    name: a\n    image: quay.io/a/b\n',
  'kind: Pod\nspec:\n  containers:\n  - name: a\n    image:\n  - name: b\n    image: 1.5\n  - name: c\n    image: ~\n',
  'kind: Pod\nspec:\n  containers:\n  - name: a\n    image: quay.io/a/b\n    image: quay.io/a/c\n',
  'kind: Pod\nkind: Deployment\nspec:\n  containers: []\n',
  '  kind: Pod\n  spec:\n    containers:\n    - image: quay.io/x/y\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/x/y\n   name: misaligned\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/x/y\n multi: line\n',
  'kind: Pod\nspec: 5\n',
  'kind: Pod\nspec:\n',
  'kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          initContainers:\n          - image: quay.io/a/init\n          containers:\n          - image: quay.io/a/main\n          ephemeralContainers:\n          - image: quay.io/a/debug\n',
  'kind: ServiceAccount\nmetadata:\n  name: default\nimagePullSecrets:\n- name: s1\n- {name: s2}\n',
  'kind: Secret\ntype: kubernetes.io/dockerconfigjson\nmetadata: {name: s}\ndata:\n  .dockerconfigjson: e30=\n',
  'kind: Secret\ntype: Opaque\ndata:\n  a: b\n',
  'kind: List\nitems:\n- kind: Pod\n  spec:\n    containers:\n    - image: quay.io/a/b\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n...\n# after\n',
  '%YAML 1.2\n---\nkind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n',
  '--- # first\nkind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n--- !tag\nkind: Pod\n',
  '\ufeffkind: Pod\r\nspec:\r\n  containers:\r\n  - image: quay.io/a/b  \r\n',
  '- kind: Pod\n- b\n',
  'plain scalar document\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n    ports: [{containerPort: 80}]\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n    resources: {limits: {cpu: 1}}\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n    x: [a, b,]\n    y: [a,,b]\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n    x: {a: 1, b}\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n    x: {a: 1}#c\n',
  'kind: Pod\nspec:\n  containers:\n  - image: "quay.io/a/b"#c\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n    x: |2\n      indented\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n    x: |\n\n        deep blank\n      then\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n    x: |\n        deep\n      shallower\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n    "quoted key": 1\n    \'single\': 2\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n    1: one\n    01: two\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n    url: http://example.com:8080/x\n    k: a:b\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n  - image: quay.io/a/c\n  volumes:\n  - name: v\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n - image: quay.io/a/c\n',
  'kind: Pod\nspec:\n  containers:\n  - image: quay.io/a/b\n  x:\n  - a\n  - b\n  y: z\n',
];

/** Compares every input; most documents must be read without a parse. */
function compareAll(what: string, inputs: readonly NamedText[]): void {
  let scanned = 0;
  let documents = 0;
  for (const { name, text } of inputs) {
    const r = compare(name, text);
    scanned += r.scanned;
    documents += r.documents;
  }
  console.log(`quick reader (${what}): ${inputs.length} files, ${documents} documents, ${scanned} read without a parse, all equal to the parse`);
  assert.ok(scanned > documents / 2, 'the quick reader should read most documents');
}

/** Seeded random mutations of the inputs (under 20,000 characters), `SCAN_ROUNDS` rounds. */
function compareMutants(what: string, inputs: readonly NamedText[]): void {
  const bases = inputs.map((i) => i.text).filter((t) => t.length < 20_000);
  const r = seededRandom(Number(process.env.SCAN_SEED ?? 20261201));
  let mutants = 0;
  let scanned = 0;
  let documents = 0;
  for (let round = 0; round < Number(process.env.SCAN_ROUNDS ?? 6); round++) {
    for (const [i, base] of bases.entries()) {
      const text = mutate(base, r);
      const c = compare(`mutant ${round}/${i}:\n${text}`, text);
      mutants++;
      scanned += c.scanned;
      documents += c.documents;
    }
  }
  console.log(`quick reader (${what}): ${mutants} mutated files, ${documents} documents, ${scanned} read without a parse, all equal to the parse`);
}

const edgeCases = (): NamedText[] => EDGE_CASES.map((text, i) => ({ name: `edge case ${i + 1}`, text }));

void test('the quick reader reads what the parse reads (goldens, benchmark file, edge cases)', () => {
  compareAll('goldens, benchmark file, edge cases', [...goldenInputs(), { name: 'benchmark file', text: generateManifests() }, ...edgeCases()]);
});

void test('the quick reader reads what the parse reads (corpus)', (t) => {
  const corpus = corpusFiles(t);
  if (corpus !== undefined) compareAll('corpus', corpus);
});

void test('the quick reader reads what the parse reads (seeded random mutations of goldens and edge cases)', () => {
  compareMutants('goldens, edge cases', [...goldenInputs(), ...edgeCases()]);
});

void test('the quick reader reads what the parse reads (seeded random mutations of the corpus)', (t) => {
  const corpus = corpusFiles(t);
  if (corpus !== undefined) compareMutants('corpus', corpus);
});
