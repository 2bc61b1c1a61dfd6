import { test } from 'node:test';
import assert from 'node:assert/strict';
import { githubActionsEntries, githubRepositoryProblem, serviceAccountOf, gitlabCiEntry, keycloakEntry, kubernetesEntry, parseGitRemote, spiffeEntry, GITHUB_ACTIONS_ISSUER, KUBERNETES_ISSUER_HINTS } from '../../../src/core/federation/presets';

void test('parseGitRemote: https and ssh forms, credentials dropped, subgroups kept', () => {
  const cases: [string, { host: string; owner: string; repo: string } | undefined][] = [
    ['https://github.com/acme/app.git', { host: 'github.com', owner: 'acme', repo: 'app' }],
    ['https://github.com/acme/app', { host: 'github.com', owner: 'acme', repo: 'app' }],
    ['https://github.com/acme/app/', { host: 'github.com', owner: 'acme', repo: 'app' }],
    ['https://x-access-token:ghs_secret@GitHub.com/acme/app.git', { host: 'github.com', owner: 'acme', repo: 'app' }],
    ['git@github.com:acme/app.git', { host: 'github.com', owner: 'acme', repo: 'app' }],
    ['github.com:acme/app', { host: 'github.com', owner: 'acme', repo: 'app' }],
    ['ssh://git@github.com/acme/app.git', { host: 'github.com', owner: 'acme', repo: 'app' }],
    ['ssh://git@gitlab.example.com:2222/group/sub/project.git', { host: 'gitlab.example.com', owner: 'group/sub', repo: 'project' }],
    ['git://example.org/acme/app', { host: 'example.org', owner: 'acme', repo: 'app' }],
    ['https://gitlab.com/group/sub/project', { host: 'gitlab.com', owner: 'group/sub', repo: 'project' }],
    ['/home/me/repos/app', undefined],
    ['file:///srv/git/app.git', undefined],
    ['https://github.com/app', undefined],
    ['', undefined],
  ];
  for (const [remote, expected] of cases) {
    const parsed = parseGitRemote(remote);
    assert.deepEqual(parsed === undefined ? undefined : { host: parsed.host, owner: parsed.owner, repo: parsed.repo }, expected, remote);
    if (parsed) assert.equal(parsed.path, `${parsed.owner}/${parsed.repo}`);
  }
});

void test('GitHub Actions: every subject form from a git remote, with an explanation; branches and tags with slashes', () => {
  const forms = githubActionsEntries('git@github.com:acme/app.git', { branch: 'feature/login-v2', environment: 'production', tag: 'v1.2.3' });
  assert.deepEqual(
    forms.map((f) => [f.label, f.entry.issuer, f.entry.subject]),
    [
      ['Branch', GITHUB_ACTIONS_ISSUER, 'repo:acme/app:ref:refs/heads/feature/login-v2'],
      ['Environment', GITHUB_ACTIONS_ISSUER, 'repo:acme/app:environment:production'],
      ['Pull request', GITHUB_ACTIONS_ISSUER, 'repo:acme/app:pull_request'],
      ['Tag', GITHUB_ACTIONS_ISSUER, 'repo:acme/app:ref:refs/tags/v1.2.3'],
    ],
  );
  for (const f of forms) assert.ok(f.explanation.length > 20, f.label);
  // https remotes, full refs and a plain owner/repo give the same subjects; without a branch only the pull-request form.
  assert.equal(githubActionsEntries('https://github.com/acme/app.git', { branch: 'refs/heads/release/2025.1' })[0]?.entry.subject, 'repo:acme/app:ref:refs/heads/release/2025.1');
  assert.equal(githubActionsEntries('acme/app', { tag: 'refs/tags/v1' }).at(-1)?.entry.subject, 'repo:acme/app:ref:refs/tags/v1');
  assert.deepEqual(githubActionsEntries(parseGitRemote('ssh://git@github.com/acme/app') ?? 'x').map((f) => f.entry.subject), ['repo:acme/app:pull_request']);
});

void test('GitLab CI: gitlab.com or the self-hosted host as issuer; project path with subgroups; branch with slashes', () => {
  const com = gitlabCiEntry('git@gitlab.com:group/sub/project.git', { branch: 'feature/a/b' });
  assert.deepEqual(com.entry, { issuer: 'https://gitlab.com', subject: 'project_path:group/sub/project:ref_type:branch:ref:feature/a/b' });
  const own = gitlabCiEntry('https://gitlab.example.com/platform/app.git', { tag: 'refs/tags/v2.0' });
  assert.deepEqual(own.entry, { issuer: 'https://gitlab.example.com', subject: 'project_path:platform/app:ref_type:tag:ref:v2.0' });
  assert.equal(gitlabCiEntry('platform/app', { branch: 'main' }).entry.issuer, 'https://gitlab.com');
});

void test('Kubernetes, Keycloak and SPIFFE entries', () => {
  assert.deepEqual(kubernetesEntry('https://oidc.eks.eu-west-1.amazonaws.com/id/ABC', ' prod ', 'app').entry, {
    issuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC',
    subject: 'system:serviceaccount:prod:app',
  });
  assert.deepEqual(
    KUBERNETES_ISSUER_HINTS.map((h) => h.label.split(' ')[0]),
    ['Amazon', 'Google', 'Azure', 'OpenShift', 'OpenShift'],
  );
  const kc = keycloakEntry('sso.example.com/', 'ci', '6f1c9c0e-8a4b-4f6e-9d2a-3b5c7e9f1a2b');
  assert.deepEqual(kc.entry, { issuer: 'https://sso.example.com/realms/ci', subject: '6f1c9c0e-8a4b-4f6e-9d2a-3b5c7e9f1a2b' });
  assert.equal(kc.warning, undefined);
  assert.match(keycloakEntry('https://sso.example.com', 'ci', 'quay-pusher').warning ?? '', /not a UUID/);
  assert.deepEqual(spiffeEntry('https://oidc.spire.example.com', 'example.org', 'prod', 'app').entry, {
    issuer: 'https://oidc.spire.example.com',
    subject: 'spiffe://example.org/ns/prod/sa/app',
  });
});

void test('serviceAccountOf matches neither across whitespace nor with control characters (security review finding 1)', () => {
  assert.deepEqual(serviceAccountOf('system:serviceaccount:prod:puller'), { namespace: 'prod', name: 'puller' });
  for (const subject of [
    'system:serviceaccount:prod:puller\ntouch ~/PWNED #',
    'system:serviceaccount:prod\nx:puller',
    'system:serviceaccount:prod:pul ler',
    'system:serviceaccount:prod:puller\t',
    'system:serviceaccount:prod:puller\u0000',
    'system:serviceaccount:prod:puller\u202e',
    'system:serviceaccount:prod:puller\u0085',
  ]) {
    assert.equal(serviceAccountOf(subject), undefined, JSON.stringify(subject));
  }
});

void test('githubRepositoryProblem accepts owner/repo or a git remote URL, and names the expected form otherwise', () => {
  for (const ok of ['acme/app', ' acme/app ', 'https://github.com/acme/app.git', 'git@github.com:acme/app.git']) assert.equal(githubRepositoryProblem(ok), undefined, ok);
  for (const bad of ['acme', 'acme/app/x', 'acme /app', '/app', 'acme/']) assert.equal(githubRepositoryProblem(bad), 'owner/repo, or the repository URL', bad);
});
