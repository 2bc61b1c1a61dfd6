import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { jobsExchangingWithoutIdToken, planGithubKeylessLogin, planIdTokenPermission, workflowBranch, workflowJobs } from '../../../src/core/yaml/githubLogin';
import { applyEdits } from '../../../src/core/yaml/edits';
import { parseManifests } from '../../../src/core/yaml/parse';
import { loadCases } from './helpers';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Workflow {
  permissions?: Record<string, string>;
  jobs: Record<string, { permissions?: Record<string, string> | string; steps: Step[] }>;
}

const loginSteps = (steps: readonly Step[]): Step[] => steps.filter((s) => s.run?.includes('/oauth2/federation/robot/token') === true);

void test('generated workflows parse, and their permissions and steps are right', () => {
  const cases = loadCases().filter((c) => c.spec.op === 'githubLogin' && c.spec.expect === 'changed');
  assert.ok(cases.length >= 4);
  for (const c of cases) {
    const before = parse(c.input) as Workflow;
    const after = parse(c.expected ?? '') as Workflow;
    const changed = Object.keys(after.jobs).filter((id) => JSON.stringify(after.jobs[id]) !== JSON.stringify(before.jobs[id]));
    assert.equal(changed.length, 1, `${c.name}: one job changed`);
    const id = changed[0] ?? '';
    const job = after.jobs[id];
    const old = before.jobs[id];
    assert.ok(job !== undefined && old !== undefined);
    // Permissions: the job's own, else the workflow's, else contents: read — all kept, plus id-token: write.
    const kept = typeof old.permissions === 'object' ? old.permissions : (before.permissions ?? { contents: 'read' });
    assert.deepEqual(job.permissions, { ...kept, 'id-token': 'write' }, c.name);
    // The step: OIDC token requested with an audience, masked, exchanged, then login with --password-stdin.
    const [step] = loginSteps(job.steps);
    assert.ok(step?.run !== undefined, `${c.name}: login step`);
    assert.deepEqual(step.env, { QUAY_HOST: 'quay.example.com', QUAY_ROBOT: 'acme+keyless', QUAY_AUDIENCE: 'quay.example.com' });
    for (const needle of ['$ACTIONS_ID_TOKEN_REQUEST_URL', 'audience=$QUAY_AUDIENCE', '::add-mask::$oidc', '::add-mask::$token', '--password-stdin', 'https://$QUAY_HOST/oauth2/federation/robot/token']) {
      assert.ok(step.run.includes(needle), `${c.name}: ${needle}`);
    }
    // The tokens are never arguments of a command: they go through standard input.
    assert.doesNotMatch(step.run, /-u "|-p "|--password "/);
    // Other steps kept in order; the login comes before the first registry use.
    assert.deepEqual(job.steps.filter((s) => s !== step), old.steps);
    const firstPush = job.steps.findIndex((s) => /docker|podman/.test(s.run ?? '') && s !== step);
    if (firstPush >= 0) assert.ok(job.steps.indexOf(step) < firstPush, `${c.name}: login before push`);
    // The diagnostic no longer fires.
    assert.deepEqual(jobsExchangingWithoutIdToken(parseManifests(c.expected ?? '')), []);
  }
});

void test('the trust entry branch comes from on.push.branches (literal names), else main', () => {
  assert.equal(workflowBranch(parseManifests('on:\n  push:\n    branches: [release]\njobs: {}\n')), 'release');
  assert.equal(workflowBranch(parseManifests("on:\n  push:\n    branches:\n      - 'feature/*'\n      - main\n")), 'main');
  assert.equal(workflowBranch(parseManifests('on: push\n')), 'main');
});

void test('the missing id-token diagnostic and its fix', () => {
  const text = 'on: push\njobs:\n  a:\n    runs-on: x\n    permissions:\n      contents: read\n    steps:\n      - run: curl https://q/oauth2/federation/robot/token\n  b:\n    runs-on: x\n    steps:\n      - run: echo\n';
  const parsed = parseManifests(text);
  const jobs = jobsExchangingWithoutIdToken(parsed);
  assert.deepEqual(jobs.map((j) => j.id), ['a']);
  const job = jobs[0];
  assert.ok(job !== undefined);
  const fix = planIdTokenPermission(parsed, job);
  assert.ok(!('status' in fix));
  const fixed = applyEdits(text, fix.edits);
  assert.deepEqual((parse(fixed) as Workflow).jobs.a?.permissions, { contents: 'read', 'id-token': 'write' });
  assert.deepEqual(jobsExchangingWithoutIdToken(parseManifests(fixed)), []);
  // write-all already grants it; read-all is spelled out with id-token: write.
  assert.deepEqual(jobsExchangingWithoutIdToken(parseManifests(text.replace('permissions:\n      contents: read', 'permissions: write-all'))), []);
  const readAll = text.replace('permissions:\n      contents: read', 'permissions: read-all');
  const p2 = parseManifests(readAll);
  const j2 = workflowJobs(p2)[0];
  assert.ok(j2 !== undefined);
  const fix2 = planIdTokenPermission(p2, j2);
  assert.ok(!('status' in fix2));
  const perms = (parse(applyEdits(readAll, fix2.edits)) as Workflow).jobs.a?.permissions as Record<string, string>;
  assert.equal(perms['id-token'], 'write');
  assert.equal(perms.contents, 'read');
  assert.equal(perms.packages, 'read');
});

void test('refusals: no job with steps, invalid robot', () => {
  const none = planGithubKeylessLogin(parseManifests('on: push\njobs: {}\n'), { host: 'quay.io', robot: 'a+b' });
  assert.equal(none.status, 'refused');
  const bad = planGithubKeylessLogin(parseManifests('on: push\njobs:\n  a:\n    steps:\n      - run: x\n'), { host: 'quay.io', robot: 'nobot' });
  assert.equal(bad.status === 'refused' ? bad.code : bad.status, 'invalid-name');
});
