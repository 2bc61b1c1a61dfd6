/** The workspace gatherer (src/core/hygiene/workspace.ts): pull Secrets and their references across files, git tracking. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tokenFingerprint } from '../../../src/core/hygiene/credentials';
import { gatherWorkspace } from '../../../src/core/hygiene/workspace';
import { git } from './helpers';

const TOKEN = 'D7M1LLFHSAUZ37DKH39VAEGFVQFTCBMO66AKB7ITI0RGYGNPMOGTI9YIF25ALMTZ';
const b64 = (s: string): string => Buffer.from(s).toString('base64');

void test('a Secret in one file, the imagePullSecrets naming it in another; tracked, ignored and untracked credentials; known tokens named', async () => {
  const root = mkdtempSync(join(tmpdir(), 'hyg-ws-'));
  try {
    mkdirSync(join(root, 'k8s'));
    const cfg = JSON.stringify({ auths: { 'quay.example.com': { auth: b64(`acme+puller:${TOKEN}`) } } });
    writeFileSync(join(root, 'k8s', 'secret.yaml'), `apiVersion: v1\nkind: Secret\nmetadata:\n  name: quay-pull\n  namespace: shop\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${b64(cfg)}\n`);
    writeFileSync(
      join(root, 'k8s', 'deploy.yaml'),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  template:\n    spec:\n      imagePullSecrets:\n        - name: quay-pull\n      containers:\n        - name: web\n          image: quay.example.com/acme/web:1\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: other\n  namespace: elsewhere\nspec:\n  imagePullSecrets:\n    - name: quay-pull\n  containers:\n    - name: x\n      image: quay.example.com/acme/x:1\n`,
    );
    writeFileSync(join(root, '.gitignore'), '.env\n');
    writeFileSync(join(root, '.env'), `QUAY_ROBOT=acme+puller\nQUAY_TOKEN=${TOKEN}\n`);
    writeFileSync(join(root, 'notes.txt'), `token: ${TOKEN}\n`); // no name near it: only a known token names it
    git(root, ['init', '-q']);
    git(root, ['add', 'k8s', '.gitignore']);
    const ws = await gatherWorkspace({ roots: [root], relativeTo: root });
    assert.equal(ws.filesScanned, 5);
    assert.deepEqual(
      ws.pullUsages.map((u) => [u.path, u.kind, u.robot, u.host, u.secret, u.namespace, u.line]),
      [
        ['k8s/deploy.yaml', 'imagePullSecrets', 'acme+puller', 'quay.example.com', 'quay-pull', 'shop', 10],
        ['k8s/secret.yaml', 'secret', 'acme+puller', 'quay.example.com', 'quay-pull', 'shop', 8],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      'the Pod in another namespace does not use the Secret of namespace shop',
    );
    assert.deepEqual(
      ws.credentials.map((c) => [c.path, c.encoding, c.tracked]).sort(),
      [
        ['.env', 'raw', false],
        ['k8s/secret.yaml', 'dockerconfigjson', true],
      ],
    );
    const known = await gatherWorkspace({ roots: [root], relativeTo: root, knownTokens: new Map([[tokenFingerprint(TOKEN), 'acme+puller']]) });
    assert.deepEqual(known.credentials.find((c) => c.path === 'notes.txt')?.tracked, false);
    const untrusted = await gatherWorkspace({ roots: [root], relativeTo: root, runGit: false });
    assert.ok(untrusted.credentials.every((c) => c.tracked === undefined), 'git is not run: tracking unknown');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
