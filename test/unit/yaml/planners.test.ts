/** Planner behaviours beyond the golden files: targets, refusals, edits, document insertion, ServiceAccounts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planAddImagePullSecret } from '../../../src/core/yaml/addImagePullSecret';
import { applyEdits, normalizeEdits } from '../../../src/core/yaml/edits';
import { findTemplateDirective } from '../../../src/core/yaml/guards';
import { planInsertDocument } from '../../../src/core/yaml/insertDocument';
import { columnOf, lineStart } from '../../../src/core/yaml/nodes';
import { parseManifests } from '../../../src/core/yaml/parse';
import { planPullSecretRollout, planServiceAccountPatch } from '../../../src/core/yaml/serviceAccount';
import { findWorkloads } from '../../../src/core/yaml/workloads';
import { checkAddPlan } from './invariants';

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: quay.io/acme/c\n';

void test('applyEdits / normalizeEdits: any order, same-offset insertions keep their order, overlaps throw', () => {
  assert.equal(applyEdits('abc', [{ offset: 3, length: 0, text: '!' }, { offset: 0, length: 1, text: 'A' }]), 'Abc!');
  assert.equal(applyEdits('ab', [{ offset: 1, length: 0, text: 'x' }, { offset: 1, length: 0, text: 'y' }]), 'axyb');
  assert.deepEqual(normalizeEdits([{ offset: 1, length: 0, text: 'x' }, { offset: 1, length: 0, text: 'y' }]), [{ offset: 1, length: 0, text: 'xy' }]);
  assert.throws(() => normalizeEdits([{ offset: 0, length: 2, text: '' }, { offset: 1, length: 1, text: '' }]), /Overlapping/);
  assert.throws(() => applyEdits('a', [{ offset: 5, length: 0, text: 'x' }]), /out of range/);
});

void test('a target offset outside any document, or a document without workloads, is refused with no-target', () => {
  const parsed = parseManifests(`${POD}---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n`);
  const r = planAddImagePullSecret(parsed, 'quay-pull', { target: { offset: parsed.text.indexOf('kind: Service') } });
  assert.equal(r.status, 'refused');
  assert.equal(r.status === 'refused' ? r.code : '', 'no-target');
  const ok = planAddImagePullSecret(parsed, 'quay-pull', { target: { offset: 0 } });
  assert.equal(ok.status, 'changed');
  assert.deepEqual(ok.status === 'changed' ? ok.targets.map((t) => [t.kind, t.name, t.outcome]) : [], [['Pod', 'p', 'added']]);
});

void test('refusals carry a reason with the line, and a range', () => {
  const r = planAddImagePullSecret(parseManifests(`${POD}---\nkind: Pod\nspec:\n\tcontainers: []\n`), 'quay-pull');
  assert.equal(r.status, 'refused');
  if (r.status !== 'refused') return;
  assert.equal(r.code, 'tabs');
  assert.equal(r.documentIndex, 1);
  assert.match(r.reason, /line 12/);
  assert.ok(r.range);
});

void test('template detection ignores {{ in quoted strings, block scalars and comments', () => {
  const text = `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    summary: "{{ $labels.instance }} is down"
    other: '{{x}}'
    # {{ not a directive }}
    rule: |
      {{ range . }}
spec:
  containers:
    - name: c
      image: quay.io/acme/c
`;
  const parsed = parseManifests(text);
  const d = parsed.documents[0];
  assert.ok(d);
  assert.equal(findTemplateDirective(parsed, d), -1);
  assert.equal(planAddImagePullSecret(parsed, 'quay-pull').status, 'changed');
});

void test('template directives refuse where they shape the structure, not inside a scalar value', () => {
  const outcome = (text: string): string => {
    const r = planAddImagePullSecret(parseManifests(text), 'quay-pull');
    return r.status === 'refused' ? r.code : r.status;
  };
  // Content: in a plain scalar value, alone or among other text.
  assert.equal(outcome(POD.replace('quay.io/acme/c', 'quay.io/acme/c:{{ .Values.tag }}')), 'changed');
  assert.equal(outcome(`${POD}      args:\n        - --format={{.Name}}\n        - \${{ matrix.os }}\n`), 'changed');
  // Structure: a flow collection, a key, a line of a plain scalar that starts with one, a value that does not parse.
  assert.equal(outcome(POD.replace('name: p', 'name: {{ .Values.name }}')), 'template');
  assert.equal(outcome(POD.replace('name: p', 'name: p\n  {{ .Values.key }}: x')), 'template');
  assert.equal(outcome(POD.replace('name: p', 'name: p\n  labels:\n    app-{{ .Values.x }}: y')), 'template');
  assert.equal(outcome(POD.replace('name: p', 'name: p\n    {{ .Values.suffix }}')), 'template');
  assert.equal(outcome(POD.replace('quay.io/acme/c', '{{ .Values.repo }}:{{ .Values.tag }}')), 'template');
  assert.equal(outcome(POD.replace('quay.io/acme/c', 'quay.io/acme/c:{{ .Values.tag }}\n     oops: [')), 'template');
});

void test('planInsertDocument: empty text, comments only, BOM, before the first document, several manifests', () => {
  const m = 'kind: Secret\nmetadata:\n  name: s\n';
  assert.equal(applyEdits('', planInsertDocument('', 0, m)), 'kind: Secret\nmetadata:\n  name: s\n');
  assert.equal(applyEdits('# only\n', planInsertDocument('# only\n', 0, m)), '# only\n---\nkind: Secret\nmetadata:\n  name: s\n');
  assert.equal(applyEdits('\ufeffa: 1\n', planInsertDocument('\ufeffa: 1\n', 0, m)), '\ufeffa: 1\n---\nkind: Secret\nmetadata:\n  name: s\n');
  assert.equal(applyEdits('a: 1\n', planInsertDocument('a: 1\n', -1, m)), 'kind: Secret\nmetadata:\n  name: s\n---\na: 1\n');
  assert.equal(applyEdits('# head\n---\na: 1\n', planInsertDocument('# head\n---\na: 1\n', -1, m)), '# head\n---\nkind: Secret\nmetadata:\n  name: s\n---\na: 1\n');
  assert.equal(applyEdits('a: 1\n', planInsertDocument('a: 1\n', 5, ['x: 1', 'y: 2'])), 'a: 1\n---\nx: 1\n---\ny: 2\n');
  const crlf = 'a: 1\r\n---\r\nb: 2\r\n';
  const out = applyEdits(crlf, planInsertDocument(crlf, 0, m));
  assert.equal(out, 'a: 1\r\n---\r\nkind: Secret\r\nmetadata:\r\n  name: s\r\n---\r\nb: 2\r\n');
  for (const text of ['', '# only\n', 'a: 1\n...\n', '%YAML 1.2\n---\na: 1\n...\n%YAML 1.2\n---\nb: 1\n', 'a: 1']) {
    for (const after of [-1, 0, 1]) {
      const result = applyEdits(text, planInsertDocument(text, after, m));
      const parsed = parseManifests(result);
      assert.ok(parsed.documents.every((d) => d.errors.length === 0), `${JSON.stringify(text)} after ${after}: ${JSON.stringify(result)}`);
      assert.equal(parsed.documents.filter((d) => d.kind === 'Secret').length, 1, `${JSON.stringify(text)} after ${after}`);
    }
  }
});

void test('planServiceAccountPatch: matching namespace, names checked, targets reported', () => {
  const text = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: prod\n';
  const parsed = parseManifests(text);
  const same = planServiceAccountPatch(parsed, 'default', 'quay-pull', 'prod');
  assert.equal(same.status, 'changed');
  assert.deepEqual(same.status === 'changed' ? same.targets.map((t) => [t.kind, t.documentIndex, t.outcome]) : [], [['ServiceAccount', 0, 'added']]);
  const other = planServiceAccountPatch(parsed, 'default', 'quay-pull', 'dev');
  assert.equal(other.status === 'changed' ? other.targets[0]?.documentIndex : -1, 1);
  assert.match(applyEdits(text, other.status === 'changed' ? other.edits : []), /---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n {2}name: default\n {2}namespace: dev\nimagePullSecrets:\n {2}- name: quay-pull\n$/);
  const bad = planServiceAccountPatch(parsed, 'default', 'quay-pull', 'Not_A_Namespace');
  assert.equal(bad.status === 'refused' ? bad.code : bad.status, 'invalid-name');
  const present = planServiceAccountPatch(parseManifests(applyEdits(text, same.status === 'changed' ? same.edits : [])), 'default', 'quay-pull', 'prod');
  assert.equal(present.status, 'unchanged');
});

void test('planPullSecretRollout: secrets already in the file are kept; re-running changes nothing', () => {
  const options = { namespaces: ['dev', 'prod', 'dev'], secret: { host: 'quay.io', robot: 'acme+deployer', token: 'T', scope: 'org' as const } };
  const first = planPullSecretRollout(parseManifests(''), options);
  assert.equal(first.status, 'changed');
  const out = applyEdits('', first.status === 'changed' ? first.edits : []);
  const parsed = parseManifests(out);
  assert.deepEqual(parsed.documents.map((d) => [d.kind, d.namespace]), [
    ['Secret', 'dev'],
    ['ServiceAccount', 'dev'],
    ['Secret', 'prod'],
    ['ServiceAccount', 'prod'],
  ]);
  assert.equal(planPullSecretRollout(parsed, options).status, 'unchanged');
});

void test('planPullSecretRollout: a Secret without a namespace stands in for one namespace only', () => {
  const text = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: acme-deployer-pull-secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: e30=\n';
  const plan = planPullSecretRollout(parseManifests(text), { namespaces: ['dev', 'prod'], secret: { host: 'quay.io', robot: 'acme+deployer', token: 'T', scope: 'org' as const } });
  assert.equal(plan.status, 'changed');
  const out = parseManifests(applyEdits(text, plan.status === 'changed' ? plan.edits : []));
  assert.deepEqual(out.documents.map((d) => [d.kind, d.namespace]), [
    ['Secret', undefined],
    ['ServiceAccount', 'dev'],
    ['Secret', 'prod'],
    ['ServiceAccount', 'prod'],
  ]);
});

void test('lineStart / columnOf: a leading BOM is not a column of line 1', () => {
  const text = '\ufeffa: 1\nb: 2\n';
  assert.equal(lineStart(text, 1), 1);
  assert.equal(columnOf(text, 1), 0);
  assert.equal(columnOf(text, 4), 3);
  assert.equal(lineStart(text, 0), 0);
  assert.equal(columnOf(text, 6), 0);
  assert.equal(lineStart('a: 1\n', 2), 0);
});

void test('BOM: top-level keys are added at column 0 and the result parses (LF and CRLF)', () => {
  for (const eol of ['\n', '\r\n']) {
    const input = ['\ufeffapiVersion: v1', 'kind: ServiceAccount', 'metadata:', '  name: sa', ''].join(eol);
    const outcome = checkAddPlan(input, 'quay-pull');
    assert.equal(outcome.status, 'changed');
    const plan = planAddImagePullSecret(parseManifests(input), 'quay-pull');
    const out = applyEdits(input, plan.status === 'changed' ? plan.edits : []);
    assert.ok(out.endsWith(`${eol}imagePullSecrets:${eol}  - name: quay-pull${eol}`), JSON.stringify(out));
    assert.equal(parseManifests(out).documents[0]?.errors.length, 0);
  }
  const pod = '\ufeffspec:\n  containers: [{name: web, image: quay.io/acme/web:1.0}]\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n';
  assert.equal(checkAddPlan(pod, 'quay-pull').status, 'changed');
});

void test('planPullSecretRollout: a namespace-less ServiceAccount is patched once; other namespaces get their own account', () => {
  const options = { namespaces: ['a', 'b', 'c'], secret: { host: 'quay.io', robot: 'acme+deployer', token: 'T', scope: 'org' as const } };
  const inputs = [
    'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n',
    'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ServiceAccount\n  metadata:\n    name: default\n',
  ];
  for (const input of inputs) {
    const plan = planPullSecretRollout(parseManifests(input), options);
    assert.equal(plan.status, 'changed');
    const out = applyEdits(input, plan.status === 'changed' ? plan.edits : []);
    assert.equal(out.match(/imagePullSecrets:/g)?.length, 3, out);
    const parsed = parseManifests(out);
    for (const d of parsed.documents) assert.equal(d.errors.length, 0, `${d.errors[0]?.message ?? ''}\n${out}`);
    const accounts = findWorkloads(parsed).filter((w) => w.kind === 'ServiceAccount');
    assert.deepEqual(accounts.map((w) => w.namespace), [undefined, 'b', 'c']);
    for (const w of accounts) assert.deepEqual(w.imagePullSecrets.map((s) => s.name), ['acme-deployer-pull-secret']);
    const patched = plan.status === 'changed' ? plan.targets.filter((t) => t.kind === 'ServiceAccount' && t.documentIndex === 0) : [];
    assert.equal(patched.length, 1, 'the existing account is a target once');
    assert.equal(planPullSecretRollout(parsed, options).status, 'unchanged');
  }
});
