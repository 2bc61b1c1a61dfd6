import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keylessLoginSnippet } from '../../../src/core/federation/loginCommands';
import { parse } from 'yaml';

const quay = { origin: 'https://quay.example.com', robot: 'acme+keyless' };

void test('a Kubernetes entry: kubectl create token for that service account, exchanged through curl reading stdin, podman --password-stdin', () => {
  const s = keylessLoginSnippet(quay, { issuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC', subject: 'system:serviceaccount:prod:app' });
  assert.equal(s.kind, 'shell');
  assert.deepEqual(s.text.split('\n').filter((l) => !l.startsWith('#')), [
    'OIDC_TOKEN=$(kubectl create token app -n prod --audience quay.example.com)',
    `QUAY_TOKEN=$(printf 'user = "%s:%s"\\n' 'acme+keyless' "$OIDC_TOKEN" | curl -fsS -K - https://quay.example.com/oauth2/federation/robot/token | jq -r .token)`,
    `printf '%s' "$QUAY_TOKEN" | podman login --username 'acme+keyless' --password-stdin quay.example.com`,
    '',
  ]);
});

void test('other issuers read the token from a file or a CI variable; names that need quoting are quoted; http instances skip TLS verification', () => {
  const gitlab = keylessLoginSnippet(quay, { issuer: 'https://gitlab.com', subject: 'project_path:g/p:ref_type:branch:ref:main' });
  assert.match(gitlab.text, /^OIDC_TOKEN="\$QUAY_ID_TOKEN"$/m);
  const spiffe = keylessLoginSnippet(quay, { issuer: 'https://spire.example.org', subject: 'spiffe://example.org/ns/a/sa/b' });
  assert.match(spiffe.text, /^OIDC_TOKEN=\$\(cat "\$JWT_SVID_FILE"\)$/m);
  const odd = keylessLoginSnippet({ origin: 'http://127.0.0.1:8080', robot: "me+it's" }, { issuer: 'https://kc.example/realms/r', subject: '0f0e' });
  assert.match(odd.text, /^OIDC_TOKEN=\$\(cat "\$OIDC_TOKEN_FILE"\)$/m);
  assert.match(odd.text, /podman login --tls-verify=false --username 'me\+it'\\''s' --password-stdin 127\.0\.0\.1:8080/);
});

void test('GitHub Actions: a job fragment that parses as YAML, with id-token: write, masked tokens and docker --password-stdin', () => {
  const s = keylessLoginSnippet(quay, { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/app:ref:refs/heads/main' });
  assert.equal(s.kind, 'githubWorkflow');
  const job = parse(s.text) as { permissions: Record<string, string>; steps: { name: string; env: Record<string, string>; run: string }[] };
  assert.deepEqual(job.permissions, { 'id-token': 'write', contents: 'read' });
  assert.equal(job.steps.length, 1);
  const [step] = job.steps;
  assert.deepEqual(step?.env, { QUAY_ROBOT: 'acme+keyless' });
  const run = step?.run.split('\n') ?? [];
  assert.match(run[0] ?? '', /ACTIONS_ID_TOKEN_REQUEST_URL&audience=quay\.example\.com/);
  assert.equal(run[1], 'echo "::add-mask::$OIDC_TOKEN"');
  assert.equal(run[3], 'echo "::add-mask::$QUAY_TOKEN"');
  assert.equal(run[4], `printf '%s' "$QUAY_TOKEN" | docker login --username "$QUAY_ROBOT" --password-stdin quay.example.com`);
});

void test('an entry with audiences (where Quay returns them): the token is requested for its first audience; an unsafe one falls back to the host', () => {
  const entry = { issuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC', subject: 'system:serviceaccount:prod:app', audiences: ['sts.amazonaws.com', 'quay'] };
  assert.ok(keylessLoginSnippet(quay, entry).text.includes('kubectl create token app -n prod --audience sts.amazonaws.com)'));
  const gh = keylessLoginSnippet(quay, { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/app:ref:refs/heads/main', audiences: ['quay'] });
  assert.match(gh.text, /ACTIONS_ID_TOKEN_REQUEST_URL&audience=quay"/);
  const hostile = keylessLoginSnippet(quay, { ...entry, audiences: ['x"; touch ~/PWNED; "', 'a\nb'] });
  assert.ok(hostile.text.includes('--audience quay.example.com)'), hostile.text);
  assert.ok(!hostile.text.includes('PWNED'));
});
