import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { blockYaml, yamlScalar } from '../../../src/core/k8s/blockYaml';
import { hasControlChars } from '../../../src/core/serverText';
import { basicAuth, dockerConfigJson } from '../../../src/core/k8s/credentials';
import { keylessManifests, vaultExternalSecret } from '../../../src/core/k8s/externalSecrets';
import { chooseExternalSecretsVersion, externalSecretVersionsIn } from '../../../src/core/yaml/externalSecretsPlan';
import { loadCases } from '../yaml/helpers';
import { esoProblems } from './esoSchema';

const TOKEN = 'R0B0TT0KENABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOP';

interface K8sObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: Record<string, unknown>;
}

function objects(text: string): K8sObject[] {
  return parseAllDocuments(text).map((d) => {
    if (!('toJS' in d)) throw new Error('not a document');
    assert.deepEqual(d.errors, []);
    return d.toJS() as K8sObject;
  });
}

const isEso = (o: K8sObject): boolean => o.apiVersion?.includes('external-secrets.io/') === true;

/**
 * The part of ESO's template engine (Go text/template + sprig) these templates use: `{{ .key }}` and
 * `{{ printf "%s:%s" "<robot>" .key | b64enc }}`. Anything else fails the test.
 */
function render(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
    const get = (k: string): string => {
      const v = values[k];
      if (v === undefined) throw new Error(`no value ${k}`);
      return v;
    };
    const field = /^\.(\w+)$/.exec(expr);
    if (field) return get(field[1] ?? '');
    const printf = /^printf "%s:%s" "([^"]*)" \.(\w+) \| b64enc$/.exec(expr);
    if (printf) return Buffer.from(`${printf[1] ?? ''}:${get(printf[2] ?? '')}`).toString('base64');
    throw new Error(`unsupported template expression ${expr}`);
  });
}

function dockerconfigTemplate(es: K8sObject): string {
  const target = es.spec?.target as { template: { type: string; data: Record<string, string> } };
  assert.equal(target.template.type, 'kubernetes.io/dockerconfigjson');
  const t = target.template.data['.dockerconfigjson'];
  assert.ok(t !== undefined);
  return t;
}

void test('keyless: ServiceAccount, QuayAccessToken and ExternalSecret as in seed 003', () => {
  const m = keylessManifests({ host: 'https://quay.example.com/', robot: 'acme+keyless', namespace: 'prod', serviceAccount: 'quay-token', audiences: ['quay.example.com'] });
  const [sa, gen, es] = [m.serviceAccount, m.generator, m.externalSecret].map((t) => objects(t)[0] ?? {});
  assert.deepEqual(sa, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'quay-token', namespace: 'prod' } });
  assert.deepEqual(gen?.spec, { url: 'quay.example.com', robotAccount: 'acme+keyless', serviceAccountRef: { name: 'quay-token', audiences: ['quay.example.com'] } });
  assert.equal(es?.apiVersion, 'external-secrets.io/v1');
  assert.equal(es?.spec?.refreshInterval, '55m');
  assert.deepEqual(es?.spec?.dataFrom, [{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'QuayAccessToken', name: 'acme-keyless-quay-token' } } }]);
  assert.equal((es?.spec?.target as { creationPolicy: string; name: string }).creationPolicy, 'Owner');
  assert.equal((es?.spec?.target as { name: string }).name, 'acme-keyless-pull-secret');
  // No audiences: no key at all.
  assert.equal(objects(keylessManifests({ host: 'quay.io', robot: 'a+b', serviceAccount: 's' }).generator)[0]?.spec?.serviceAccountRef !== undefined, true);
  assert.deepEqual(objects(keylessManifests({ host: 'quay.io', robot: 'a+b', serviceAccount: 's' }).generator)[0]?.spec?.serviceAccountRef, { name: 's' });
});

void test('keyless and vault builders refuse invalid input with a reason', () => {
  assert.throws(() => keylessManifests({ host: 'quay.io', robot: 'nobot', serviceAccount: 's' }), /not a full robot name/);
  assert.throws(() => keylessManifests({ host: 'quay.io/path', robot: 'a+b', serviceAccount: 's' }), /not a registry host/);
  assert.throws(() => keylessManifests({ host: 'quay.io', robot: 'a+b', serviceAccount: 'Bad_SA' }), /not a valid Kubernetes object name/);
  assert.throws(() => keylessManifests({ host: 'quay.io', robot: 'a+b', serviceAccount: 's', namespace: 'a.b' }), /not a valid namespace/);
  assert.throws(() => vaultExternalSecret({ host: 'quay.io', robot: 'a+b', scope: 'org', store: { kind: 'SecretStore', name: 'v' }, remoteKey: ' ' }), /remote key is empty/);
  assert.throws(() => vaultExternalSecret({ host: 'quay.io', robot: 'a+"b', scope: 'org', store: { kind: 'SecretStore', name: 'v' }, remoteKey: 'k' }), /not a robot name/);
});

void test('the keyless template renders, with the generator values, to the static pull secret structure', () => {
  const host = 'quay.example.com:8443';
  const robot = 'acme+keyless';
  const es = objects(keylessManifests({ host, robot, serviceAccount: 'sa' }).externalSecret)[0] ?? {};
  // The generator's three output keys (ESO generators/v1/quay): registry, auth (base64 robot:token), expiry.
  const rendered = render(dockerconfigTemplate(es), { registry: host, auth: basicAuth(robot, TOKEN), expiry: '1750003600' });
  assert.deepEqual(JSON.parse(rendered), JSON.parse(dockerConfigJson({ host, robot, token: TOKEN, scope: 'registry' })));
});

void test('the vault template renders, with the stored token, to the static pull secret (both scopes)', () => {
  for (const scope of ['org', 'registry'] as const) {
    const { manifest } = vaultExternalSecret({ host: 'quay.io', robot: 'acme+ci_bot', scope, store: { kind: 'ClusterSecretStore', name: 'vault' }, remoteKey: 'quay/ci' });
    const es = objects(manifest)[0] ?? {};
    assert.deepEqual(es.spec?.data, [{ secretKey: 'token', remoteRef: { key: 'quay/ci' } }]);
    assert.ok(!manifest.includes(TOKEN));
    const rendered = render(dockerconfigTemplate(es), { token: TOKEN });
    assert.deepEqual(JSON.parse(rendered), JSON.parse(dockerConfigJson({ host: 'quay.io', robot: 'acme+ci_bot', token: TOKEN, scope })));
  }
});

void test('every generated ESO object validates against the operator schema; v1 is served, v1beta1 is not', () => {
  const builds = [
    ...(['v1', 'v1beta1'] as const).flatMap((apiVersion) => {
      const k = keylessManifests({ host: 'quay.io', robot: 'a+b', serviceAccount: 's', namespace: 'n', audiences: ['x', 'https://y'], apiVersion });
      const v = vaultExternalSecret({ host: 'quay.io', robot: 'a+b', scope: 'org', store: { kind: 'SecretStore', name: 'v' }, remoteKey: 'k', property: 'p', apiVersion });
      return [k.generator, k.externalSecret, v.manifest];
    }),
  ];
  let checked = 0;
  for (const text of builds) {
    for (const o of objects(text)) {
      const { served, errors } = esoProblems(o);
      assert.deepEqual(errors, [], `${o.apiVersion ?? ''} ${o.kind ?? ''}`);
      assert.equal(served, o.apiVersion !== 'external-secrets.io/v1beta1', `${o.apiVersion ?? ''} served`);
      checked++;
    }
  }
  assert.equal(checked, 6);
});

void test('the schema check can fail: a misspelt field or a wrong type is reported', () => {
  const es = objects(keylessManifests({ host: 'quay.io', robot: 'a+b', serviceAccount: 's' }).externalSecret)[0] ?? {};
  const broken = { ...es, spec: { ...es.spec, refreshInterval: 55, target: { name: 'x', creationPolicy: 'Sometimes' } } };
  assert.ok(esoProblems(broken).errors.length >= 2, esoProblems(broken).errors.join('; '));
});

void test('every ESO object in the keyless and vault golden outputs validates against the operator schema', () => {
  let checked = 0;
  for (const c of loadCases()) {
    if ((c.spec.op !== 'keyless' && c.spec.op !== 'vault') || c.expected === undefined || c.spec.expect !== 'changed') continue;
    for (const o of objects(c.expected).filter(isEso)) {
      if (o.kind === 'SecretStore' || o.kind === 'ClusterSecretStore') continue;
      assert.deepEqual(esoProblems(o).errors, [], `${c.name}: ${o.kind ?? ''} ${o.metadata?.name ?? ''}`);
      checked++;
    }
  }
  assert.ok(checked >= 20, `${checked} objects`);
});

void test('ExternalSecret version: v1 unless the setting or a v1beta1-only workspace says otherwise', () => {
  assert.deepEqual(chooseExternalSecretsVersion('auto', new Set()), { version: 'v1', warn: false });
  assert.deepEqual(chooseExternalSecretsVersion(undefined, new Set(['v1beta1'])), { version: 'v1beta1', warn: true });
  assert.deepEqual(chooseExternalSecretsVersion('auto', new Set(['v1beta1', 'v1'])), { version: 'v1', warn: false });
  assert.deepEqual(chooseExternalSecretsVersion('v1beta1', new Set()), { version: 'v1beta1', warn: true });
  assert.deepEqual(chooseExternalSecretsVersion('v1', new Set(['v1beta1'])), { version: 'v1', warn: false });
  assert.deepEqual([...externalSecretVersionsIn('apiVersion: external-secrets.io/v1beta1\nkind: SecretStore\n---\napiVersion: "external-secrets.io/v1"\n')], ['v1beta1', 'v1']);
});

void test('yamlScalar quotes what YAML would read as another type or structure', () => {
  for (const s of ['quay.io', 'acme+bot', 'https://x.example/a', 'quay.example.com:8443', '55m', '.dockerconfigjson']) assert.equal(yamlScalar(s), s);
  for (const s of ['true', 'null', '123', '1.5', 'a: b', '#x', '', 'a b', '*x', 'on', '0x1f']) {
    assert.equal(yamlScalar(s), JSON.stringify(s));
    assert.equal(objects(`k: ${yamlScalar(s)}`)[0] !== undefined, true);
  }
});

void test('blockYaml and yamlScalar keep server text with control characters one value: escaped, read back the same', () => {
  for (const value of ['a\r\nevil: 1', 'a\nb\u0085c', 'x\u0000y', 'line\u2028sep', 'rtl\u202eabc', 'bel\u0007\nnext: 2', 'nel\u0085evil: 1']) {
    const text = blockYaml({ metadata: { name: value, other: 'kept' } });
    assert.deepEqual(parse(text), { metadata: { name: value, other: 'kept' } }, text);
    assert.equal(hasControlChars(text.replace(/\n/g, '')), false, JSON.stringify(text));
  }
  // A plain multi-line text (a script, a description) stays a readable block scalar.
  assert.equal(blockYaml({ run: 'echo a\n\techo b\n' }), 'run: |\n  echo a\n  \techo b');
});

void test('keyless for a robot of a user namespace (Quay 3.18): serviceAccountRef.audiences is kept, so the tokens can carry the audience Quay will require', () => {
  const m = keylessManifests({ host: 'quay.example.com', robot: 'alice+laptop', namespace: 'dev', serviceAccount: 'quay-token', audiences: ['quay.example.com', ' sts ', ''] });
  const generator = parseAllDocuments(m.generator)[0]?.toJS() as { metadata: { name: string }; spec: unknown };
  assert.equal(generator.metadata.name, 'alice-laptop-quay-token');
  assert.deepEqual(generator.spec, { url: 'quay.example.com', robotAccount: 'alice+laptop', serviceAccountRef: { name: 'quay-token', audiences: ['quay.example.com', 'sts'] } });
  assert.equal(m.secretName, 'alice-laptop-pull-secret');
  const none = parseAllDocuments(keylessManifests({ host: 'quay.example.com', robot: 'alice+laptop', serviceAccount: 'quay-token' }).generator)[0]?.toJS() as { spec: { serviceAccountRef: unknown } };
  assert.deepEqual(none.spec.serviceAccountRef, { name: 'quay-token' }, 'no audiences key when none is given');
});
