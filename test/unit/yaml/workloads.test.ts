import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseManifests } from '../../../src/core/yaml/parse';
import { findWorkloads } from '../../../src/core/yaml/workloads';
import { FIXTURES } from './helpers';

const FILE = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
  namespace: jobs
spec:
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: reporter
          imagePullSecrets: [{name: a}, {name: "b"}]
          initContainers:
            - name: init
              image: "quay.io/acme/init:1"
          containers:
            - name: main
              image: quay.io/acme/report:2
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Service
    metadata: {name: svc}
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: reporter, namespace: jobs}
    imagePullSecrets:
      - name: c
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: broken}
    spec: {replicas: 1}
---
apiVersion: template.openshift.io/v1
kind: Template
objects:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: templated
    spec:
      containers: [{name: x, image: quay.io/acme/x}]
`;

void test('findWorkloads: kinds, paths, names, images with ranges, existing secrets, List and Template items', () => {
  const parsed = parseManifests(FILE);
  const ws = findWorkloads(parsed);
  assert.deepEqual(
    ws.map((w) => [w.documentIndex, w.itemIndex, w.kind, w.name]),
    [
      [0, undefined, 'CronJob', 'report'],
      [1, 1, 'ServiceAccount', 'reporter'],
      [1, 2, 'Deployment', 'broken'],
      [2, 0, 'Pod', 'templated'],
    ],
  );
  const [cron, sa, broken, pod] = ws;
  assert.ok(cron && sa && broken && pod);
  assert.equal(cron.namespace, 'jobs');
  assert.equal(cron.serviceAccountName, 'reporter');
  assert.deepEqual(cron.podSpecPath, ['spec', 'jobTemplate', 'spec', 'template', 'spec']);
  assert.deepEqual(cron.imagePullSecrets.map((s) => s.name), ['a', 'b']);
  assert.deepEqual(
    cron.images.map((i) => [i.field, i.container, i.image, FILE.slice(i.range.start, i.range.end)]),
    [
      ['initContainers', 'init', 'quay.io/acme/init:1', '"quay.io/acme/init:1"'],
      ['containers', 'main', 'quay.io/acme/report:2', 'quay.io/acme/report:2'],
    ],
  );
  assert.ok(cron.podSpecRange && FILE.slice(cron.podSpecRange.start).startsWith('serviceAccountName'));
  assert.deepEqual(sa.imagePullSecrets.map((s) => s.name), ['c']);
  assert.equal(sa.namespace, 'jobs');
  assert.equal(broken.podSpecNode, undefined);
  assert.match(broken.problem ?? '', /no spec\.template/);
  assert.deepEqual(pod.images.map((i) => i.image), ['quay.io/acme/x']);
  // Memoised: the same array for every caller of this parse.
  assert.equal(findWorkloads(parsed), ws);
});

void test('positions and documents of a parse', () => {
  const parsed = parseManifests('a: 1\r\n---\r\nb: 2\r\n');
  assert.equal(parsed.eol, '\r\n');
  assert.equal(parsed.documents.length, 2);
  assert.deepEqual(parsed.positionAt(parsed.text.indexOf('b')), { line: 2, character: 0 });
  assert.equal(parsed.documentAt(parsed.text.indexOf('b'))?.index, 1);
  assert.equal(parsed.documentAt(0)?.index, 0);
  const bom = parseManifests('\ufeffkind: Pod\n');
  assert.ok(bom.hasBom);
  assert.equal(bom.documents[0]?.kind, 'Pod');
  assert.equal(parseManifests('').documents.length, 0);
});

void test('pod specs embedded in custom resources: found by shape under a spec key, with their path and images', () => {
  const read = (name: string): string => readFileSync(join(FIXTURES, name, 'input.yaml'), 'utf8');
  const summary = (text: string): { kind: string; path: string; images: string[]; secrets: string[] }[] =>
    findWorkloads(parseManifests(text)).map((w) => ({ kind: w.kind, path: w.podSpecPath.join('.'), images: w.images.map((i) => `${i.field}:${i.image}`), secrets: w.imagePullSecrets.map((s) => s.name) }));
  assert.deepEqual(summary(read('crd-rayservice')), [
    { kind: 'RayService', path: 'spec.rayClusterConfig.headGroupSpec.template.spec', images: ['containers:quay.io/acme/ray:2.9.0'], secrets: [] },
    { kind: 'RayService', path: 'spec.rayClusterConfig.workerGroupSpecs.0.template.spec', images: ['containers:quay.io/acme/ray:2.9.0'], secrets: [] },
  ]);
  assert.deepEqual(summary(read('crd-jobset')), [
    { kind: 'JobSet', path: 'spec.replicatedJobs.0.template.spec.template.spec', images: ['containers:quay.io/acme/pytorch-mnist:v1'], secrets: [] },
  ]);
  assert.deepEqual(summary(read('crd-leaderworkerset')).length, 2);
  assert.deepEqual(summary(read('crd-argo-workflow')), [{ kind: 'Workflow', path: 'spec', images: ['containers:quay.io/acme/whalesay:latest'], secrets: [] }]);
  // ConfigMap text, a CRD-like object without images: nothing.
  assert.deepEqual(
    summary(read('crd-mpijob-and-configmap')).map((w) => w.kind),
    ['MPIJob', 'MPIJob'],
  );
  // Argo's kinds only under argoproj.io; a Workflow of another group is searched by shape (none here).
  assert.deepEqual(summary('apiVersion: example.com/v1\nkind: Workflow\nspec:\n  templates:\n    - container:\n        image: x\n'), []);
  // Inside a List, too.
  assert.deepEqual(
    summary('apiVersion: v1\nkind: List\nitems:\n  - apiVersion: ray.io/v1\n    kind: RayJob\n    spec:\n      rayClusterSpec:\n        headGroupSpec:\n          template:\n            spec:\n              containers: [{name: h, image: quay.io/a/b}]\n'),
    [{ kind: 'RayJob', path: 'spec.rayClusterSpec.headGroupSpec.template.spec', images: ['containers:quay.io/a/b'], secrets: [] }],
  );
});
