/** Each hygiene check over hand-built inputs, with its negative cases (src/core/hygiene/checks.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { atOrAbove, isNonDescriptive, runChecks } from '../../../src/core/hygiene/checks';
import type { ClusterPullSecret, Grant, QuayInputs, RobotFacts, RobotUsage, WorkspaceCredential, WorkspaceInputs, WorkspacePullUsage } from '../../../src/core/hygiene/inputs';
import type { Prototype } from '../../../src/core/quay/types';
import type { TokenAge } from '../../../src/core/rotation/tokenAge';

const NOW = new Date('2026-11-15T12:00:00Z');
const DAY = 86_400_000;
const ago = (days: number): Date => new Date(NOW.getTime() - days * DAY);

function robot(short: string, o: { grants?: Grant[]; teams?: string[]; lastAccessedDaysAgo?: number | null; createdDaysAgo?: number; description?: string; fingerprint?: string } = {}): RobotFacts {
  return {
    name: `acme+${short}`,
    shortName: short,
    description: o.description ?? `Does ${short}`,
    created: ago(o.createdDaysAgo ?? 200),
    lastAccessed: o.lastAccessedDaysAgo === null ? undefined : ago(o.lastAccessedDaysAgo ?? 1),
    ...(o.fingerprint !== undefined ? { tokenFingerprint: o.fingerprint } : {}),
    teams: o.teams ?? [],
    grants: o.grants ?? [],
  };
}

function quay(robots: RobotFacts[], o: { usage?: [string, RobotUsage][]; prototypes?: Prototype[]; teams?: QuayInputs['teams']; ages?: [string, TokenAge][]; lastAccessedReported?: boolean } = {}): QuayInputs {
  return {
    host: 'quay.example.com',
    org: 'acme',
    now: NOW,
    window: { from: '2026-08-18', to: '2026-11-15', days: 90 },
    robots,
    teams: o.teams ?? [],
    prototypes: o.prototypes ?? [],
    usage: new Map(o.usage ?? []),
    tokenAges: new Map(o.ages ?? []),
    lastAccessedReported: o.lastAccessedReported ?? true,
    requests: 0,
    notes: [],
  };
}

function workspace(o: { pulls?: WorkspacePullUsage[]; credentials?: WorkspaceCredential[] } = {}): WorkspaceInputs {
  return { roots: ['.'], credentials: o.credentials ?? [], pullUsages: o.pulls ?? [], filesScanned: 1, notExamined: [] };
}

const pull = (robot: string, path: string, o: Partial<WorkspacePullUsage> = {}): WorkspacePullUsage => ({ robot, host: 'quay.example.com', path, line: 3, column: 5, kind: 'secret', secret: 's', ...o });
const cred = (robot: string, path: string, tracked: boolean | undefined, fingerprint = 'f00'): WorkspaceCredential => ({ robot, path, line: 1, column: 1, encoding: 'raw', fingerprint, tracked });
const secret = (robot: string, context: string, namespace: string, managedBy: string | null = null): ClusterPullSecret => ({ context, namespace, name: 'pull', robot, host: 'quay.example.com', managedBy });
const checks = (f: { check: string; robot: string }[]): string[] => f.map((x) => `${x.check} ${x.robot}`);
const usage = (pushes: number, extra: Partial<RobotUsage> = {}): RobotUsage => ({ from: '2026-08-18', to: '2026-11-15', counts: { push_repo: pushes }, basis: 'robot-logs', ...extra });

void test('pull-secret-can-write: a robot used for pulls that can push; a read-only robot used for pulls is not a finding', () => {
  const writer = robot('writer', { grants: [{ repository: 'app', role: 'write' }] });
  const reader = robot('reader', { grants: [{ repository: 'app', role: 'read' }] });
  const viaTeam = robot('teamed', { teams: ['deployers'], grants: [{ repository: 'web', role: 'admin', team: 'deployers' }] });
  const inputs = {
    quay: quay([writer, reader, viaTeam]),
    workspace: workspace({ pulls: [pull('acme+writer', 'k8s/a.yaml'), pull('acme+reader', 'k8s/b.yaml'), pull('acme+writer', 'k8s/a.yaml', { host: 'other.example.com' })] }),
    clusters: { contexts: ['prod'], secrets: [secret('acme+teamed', 'prod', 'apps')], problems: [] },
  };
  const found = runChecks(inputs).filter((f) => f.check === 'pull-secret-can-write');
  assert.deepEqual(checks(found), ['pull-secret-can-write acme+teamed', 'pull-secret-can-write acme+writer']);
  const w = found.find((f) => f.robot === 'acme+writer');
  assert.equal(w?.severity, 'error');
  assert.deepEqual(w?.evidence.repositories, [{ repository: 'app', role: 'write' }]);
  assert.equal(w?.evidence.files?.length, 1, 'the Secret for another registry is not this robot');
  assert.equal(w?.fix?.kind, 'downgrade-to-read');
  assert.equal(found.find((f) => f.robot === 'acme+teamed')?.fix?.kind, 'pull-only-successor', 'write only through a team: a successor, not a downgrade');
});

void test('write-never-pushed: no push in the window; a robot that pushed is not a finding; a partial reading says so', () => {
  const grants: Grant[] = [{ repository: 'app', role: 'write' }];
  const inputs = {
    quay: quay([robot('idle', { grants }), robot('pusher', { grants }), robot('partial', { grants }), robot('reader', { grants: [{ repository: 'app', role: 'read' }] })], {
      usage: [
        ['acme+idle', usage(0)],
        ['acme+pusher', usage(3)],
        ['acme+partial', usage(0, { notExamined: 'Not examined: 2026-08-18 to 2026-09-14 (request budget spent).' })],
      ],
    }),
  };
  const found = runChecks(inputs).filter((f) => f.check === 'write-never-pushed');
  assert.deepEqual(checks(found), ['write-never-pushed acme+idle', 'write-never-pushed acme+partial']);
  assert.equal(found[0]?.severity, 'warning');
  assert.deepEqual(found[0]?.evidence.logs, { from: '2026-08-18', to: '2026-11-15', counts: { push_repo: 0 } });
  assert.equal(found[1]?.severity, 'info');
  assert.match(found[1]?.evidence.logs?.notExamined ?? '', /request budget spent/);
  assert.match(found[1]?.message ?? '', /part of the window was not examined/);
});

void test('unused-robot: never used, or not since before the window; nothing when Quay reports no last access at all', () => {
  const robots = [
    robot('never', { lastAccessedDaysAgo: null, grants: [{ repository: 'app', role: 'read' }] }),
    robot('stale', { lastAccessedDaysAgo: 120 }),
    robot('recent', { lastAccessedDaysAgo: 3 }),
    robot('fresh', { lastAccessedDaysAgo: null, createdDaysAgo: 2 }),
  ];
  const found = runChecks({ quay: quay(robots) }).filter((f) => f.check === 'unused-robot');
  assert.deepEqual(checks(found), ['unused-robot acme+fresh', 'unused-robot acme+never', 'unused-robot acme+stale']);
  assert.equal(found.find((f) => f.robot === 'acme+fresh')?.severity, 'info');
  assert.deepEqual(found.find((f) => f.robot === 'acme+never')?.evidence.repositories, [{ repository: 'app', role: 'read' }]);
  assert.match(found.find((f) => f.robot === 'acme+stale')?.message ?? '', /last used 120 days ago/);
  assert.deepEqual(runChecks({ quay: quay(robots.map((r) => ({ ...r, lastAccessed: undefined })), { lastAccessedReported: false }) }).filter((f) => f.check === 'unused-robot'), []);
});

void test('org-wide-permission: default permissions to a robot (directly or through its team), admin and creator teams; member teams are not', () => {
  const inputs = {
    quay: quay([robot('ci', { teams: ['deployers'] }), robot('web', { teams: ['owners'] }), robot('dev', { teams: ['developers'] })], {
      teams: [
        { name: 'deployers', role: 'creator' },
        { name: 'owners', role: 'admin' },
        { name: 'developers', role: 'member' },
      ],
      prototypes: [
        { id: 'p1', role: 'write', delegate: { kind: 'robot', name: 'acme+ci' } },
        { id: 'p2', role: 'read', delegate: { kind: 'team', name: 'developers' }, activatingUser: { name: 'alice', isRobot: false } },
        { id: 'p3', role: 'read', delegate: { kind: 'user', name: 'alice' } },
      ],
    }),
  };
  const found = runChecks(inputs).filter((f) => f.check === 'org-wide-permission');
  assert.deepEqual(
    found.map((f) => [f.robot, f.severity, f.fix?.kind]),
    [
      ['acme+ci', 'error', 'delete-default-permission'],
      ['acme+ci', 'warning', 'remove-from-team'],
      ['acme+dev', 'warning', 'remove-from-team'],
      ['acme+web', 'error', 'remove-from-team'],
    ],
  );
  assert.match(found.find((f) => f.robot === 'acme+dev')?.message ?? '', /every repository alice creates in acme through team developers/);
});

void test('shared-across-environments: paths and namespaces of two environments, or two clusters; one environment is not', () => {
  const inputs = {
    quay: quay([robot('a'), robot('b'), robot('c'), robot('d')]),
    workspace: workspace({
      pulls: [pull('acme+a', 'deploy/prod/x.yaml'), pull('acme+a', 'deploy/dev/x.yaml'), pull('acme+b', 'k8s/x.yaml', { namespace: 'staging' }), pull('acme+b', 'k8s/y.yaml', { namespace: 'staging' })],
      credentials: [cred('acme+d', 'ci/test/.env', false)],
    }),
    clusters: { contexts: ['eu', 'us'], secrets: [secret('acme+c', 'eu', 'apps'), secret('acme+c', 'us', 'apps'), secret('acme+d', 'eu', 'production')], problems: [] },
  };
  const found = runChecks(inputs).filter((f) => f.check === 'shared-across-environments');
  assert.deepEqual(checks(found), ['shared-across-environments acme+a', 'shared-across-environments acme+c', 'shared-across-environments acme+d']);
  assert.deepEqual(found[0]?.evidence.environments, ['prod', 'dev']);
  assert.equal(found[0]?.severity, 'error');
  assert.match(found[1]?.message ?? '', /used in 2 clusters \(eu, us\)/);
  assert.deepEqual(found[2]?.evidence.environments?.slice().sort(), ['prod', 'test']);
});

void test('token-overdue: known and bounded ages over the limit; under it, or unknown, nothing', () => {
  const ages: [string, TokenAge][] = [
    ['acme+old', { kind: 'known', since: ago(120), source: 'regenerated' }],
    ['acme+young', { kind: 'known', since: ago(10), source: 'created' }],
    ['acme+bounded', { kind: 'bounded', notSince: ago(200) }],
    ['acme+unknown', { kind: 'bounded', notSince: ago(30) }],
  ];
  const found = runChecks({ quay: quay([robot('old'), robot('young'), robot('bounded'), robot('unknown')], { ages }) }).filter((f) => f.check === 'token-overdue');
  assert.deepEqual(checks(found), ['token-overdue acme+bounded', 'token-overdue acme+old']);
  assert.deepEqual(found[0]?.evidence, { tokenAgeDays: 200, tokenAgeBounded: true });
  assert.equal(found[1]?.message, "acme+old's token is 120 days old (regenerated on 2026-07-18), over the 90-day limit.");
  const stricter = runChecks({ quay: quay([robot('young')], { ages }) }, { lookbackDays: 90, maxTokenAgeDays: 7, environmentPatterns: { dev: [], test: [], staging: [], prod: [] } });
  assert.equal(stricter.filter((f) => f.check === 'token-overdue').length, 1);
});

void test('static-token-in-production: a static Secret for production (file or cluster); ESO-managed or non-production ones are not', () => {
  const inputs = {
    quay: quay([robot('p'), robot('q'), robot('r')]),
    workspace: workspace({ pulls: [pull('acme+p', 'deploy/production/secret.yaml'), pull('acme+p', 'deploy/production/app.yaml', { kind: 'imagePullSecrets' }), pull('acme+q', 'deploy/staging/s.yaml')] }),
    clusters: { contexts: ['c'], secrets: [secret('acme+r', 'c', 'prod', 'external-secrets'), secret('acme+q', 'c', 'prod')], problems: [] },
  };
  const found = runChecks(inputs).filter((f) => f.check === 'static-token-in-production');
  assert.deepEqual(checks(found), ['static-token-in-production acme+p', 'static-token-in-production acme+q']);
  assert.equal(found[0]?.evidence.files?.length, 1, 'the Secret, not the reference');
  assert.deepEqual(found[1]?.evidence.clusters, [{ context: 'c', namespace: 'prod', name: 'pull' }]);
  assert.equal(found[0]?.fix?.kind, 'keyless-external-secret');
});

void test('non-descriptive-name: generic names without a description', () => {
  for (const n of ['robot1', 'bot', 'test2', 'tmp', 'x1', 'ci']) assert.ok(isNonDescriptive(n), n);
  for (const n of ['k8s_prod_puller', 'ci_push', 'legacy_deployer', 'payments_reader']) assert.ok(!isNonDescriptive(n), n);
  const found = runChecks({ quay: quay([robot('robot1', { description: '' }), robot('bot', { description: 'Pulls the docs site' }), robot('payments_reader', { description: '' })]) });
  assert.deepEqual(checks(found.filter((f) => f.check === 'non-descriptive-name')), ['non-descriptive-name acme+robot1']);
});

void test('committed-token: tracked files only (a token in a git-ignored .env is not); current token an error, an older one a warning; offline any robot', () => {
  const inputs = {
    quay: quay([robot('cur', { fingerprint: 'aaa' }), robot('old', { fingerprint: 'bbb' })]),
    workspace: workspace({
      credentials: [cred('acme+cur', 'k8s/secret.yaml', true, 'aaa'), cred('acme+old', 'ci.yaml', true, 'zzz'), cred('acme+cur', '.env', false, 'aaa'), cred('acme+cur', 'outside/file', undefined, 'aaa'), cred('other+bot', 'x.yaml', true)],
    }),
  };
  const found = runChecks(inputs).filter((f) => f.check === 'committed-token');
  assert.deepEqual(
    found.map((f) => [f.robot, f.severity, f.evidence.files?.map((l) => l.path)]),
    [
      ['acme+cur', 'error', ['k8s/secret.yaml']],
      ['acme+old', 'warning', ['ci.yaml']],
    ],
  );
  assert.match(found[0]?.message ?? '', /current token is committed in k8s\/secret\.yaml; git history keeps it/);
  const offline = runChecks({ workspace: inputs.workspace });
  assert.deepEqual(checks(offline), ['committed-token acme+cur', 'committed-token acme+old', 'committed-token other+bot']);
  assert.ok(offline.every((f) => f.host === undefined && f.fix?.kind === 'rotate-and-dereference'));
});

void test('atOrAbove orders info < warning < error', () => {
  assert.ok(atOrAbove({ severity: 'error' }, 'warning'));
  assert.ok(atOrAbove({ severity: 'warning' }, 'warning'));
  assert.ok(!atOrAbove({ severity: 'info' }, 'warning'));
});
