import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_UI, forgetToken, initialModel, update, withUi } from '../../../webview-ui/src/robot/model';
import { isRobotPageState } from '../../../src/webviews/protocol';

const header = {
  fullName: 'acme+ci',
  shortName: 'ci',
  namespace: 'acme',
  isOrg: true,
  description: 'CI',
  created: '2026-01-01',
  lastUsed: 'never',
  overdue: false,
  keyless: false,
  registryHost: 'quay.example.com',
};
const row = (n: number) => ({ when: `2026-11-0${n} 10:00 UTC`, kind: 'pull_repo', details: `repo=r${n}` });

void test('activity: a first page replaces, "Load more" appends, an error replaces', () => {
  let m = update(initialModel(undefined), { type: 'activity', rows: [row(1), row(2)], append: false, more: true });
  m = update(m, { type: 'activity', rows: [row(3)], append: true, more: false });
  assert.deepEqual(m.activity.rows?.map((r) => r.details), ['repo=r1', 'repo=r2', 'repo=r3']);
  assert.equal(m.activity.more, false);
  m = update(m, { type: 'activity', rows: [row(4)], append: false, more: false });
  assert.deepEqual(m.activity.rows?.map((r) => r.details), ['repo=r4'], 'a reload starts again');
  m = update(m, { type: 'activity', error: 'denied', append: true, more: true });
  assert.deepEqual(m.activity, { error: 'denied', more: false });
});

void test('sections: loading until rows or an error arrive; an empty list is not loading', () => {
  const m = initialModel(undefined);
  assert.equal(m.repositories.rows, undefined);
  assert.deepEqual(update(m, { type: 'repositories', rows: [] }).repositories, { rows: [] });
  assert.deepEqual(update(m, { type: 'teams', error: 'Forbidden' }).teams, { error: 'Forbidden' });
});

void test('the token lives in the model only until hidden, and never in the saved state', () => {
  let m = update(initialModel(undefined), { type: 'token', token: 'SECRET' });
  m = update(m, { type: 'credentials', scope: 'org', namespace: '', secretYaml: 'yaml SECRET', dockerConfig: '{}' });
  assert.equal(m.token, 'SECRET');
  assert.ok(!JSON.stringify(m.ui).includes('SECRET'));
  assert.ok(isRobotPageState(m.ui));
  const hidden = forgetToken(m);
  assert.equal(hidden.token, undefined);
  assert.equal(hidden.credentials, undefined);
  assert.ok(!JSON.stringify(hidden).includes('SECRET'));
});

void test('credential texts for a scope or namespace since changed are dropped as stale', () => {
  const { model, askCredentials } = withUi(initialModel(undefined), { namespace: 'web' });
  assert.equal(askCredentials, true);
  assert.equal(withUi(model, { tab: 'activity' }).askCredentials, false);
  const stale = update(model, { type: 'credentials', scope: 'org', namespace: '', secretYaml: 'old', dockerConfig: '{}' });
  assert.equal(stale.credentials, undefined);
  const fresh = update(model, { type: 'credentials', scope: 'org', namespace: 'web', secretYaml: 'new', dockerConfig: '{}' });
  assert.equal(fresh.credentials?.secretYaml, 'new');
});

void test('a user robot gets the registry scope; a restored state is kept', () => {
  const m = update(initialModel({ ...DEFAULT_UI, tab: 'activity' }), { type: 'header', robot: { ...header, isOrg: false } });
  assert.equal(m.ui.scope, 'registry');
  assert.equal(m.ui.tab, 'activity');
});
