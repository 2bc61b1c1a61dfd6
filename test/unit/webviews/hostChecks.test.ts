import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MatrixData } from '../../../src/core/matrix/model';
import { matrixChangesFromPage, robotRequestProblem } from '../../../src/webviews/hostChecks';
import { isFromMatrixPage, isRobotHostMessage, type FromMatrixPage, type RobotHostMessage } from '../../../src/webviews/protocol';

/**
 * Security review 2026-12, finding 9: a page may name only what its host sent it. The shape guards admit any
 * principal, repository and role; these checks hold the page to the host's own data.
 */

const data: MatrixData = {
  org: 'acme',
  repositories: ['app', 'db'],
  rows: [
    { kind: 'robot', name: 'acme+ci', grants: [['app', 'read']] },
    { kind: 'team', name: 'owners', grants: [['db', 'admin']] },
  ],
};

/** A review message as the page sends it, through the shape guard the host applies first. */
function review(changes: readonly Record<string, unknown>[]): Extract<FromMatrixPage, { type: 'review' }>['changes'] {
  const m: unknown = { type: 'review', changes };
  assert.ok(isFromMatrixPage(m), 'the shape guard admits it');
  return (m as Extract<FromMatrixPage, { type: 'review' }>).changes;
}

void test('matrix: a principal that is not a row (or a row of the other kind) or a repository that is not a column refuses the whole review', () => {
  const good = { kind: 'robot', principal: 'acme+ci', repository: 'app', from: 'read', to: 'write' };
  for (const [bad, problem] of [
    [{ ...good, principal: 'mallory' }, /robot "mallory" is not a row of the matrix/],
    [{ ...good, kind: 'robot', principal: 'owners' }, /robot "owners" is not a row/],
    [{ ...good, kind: 'team', principal: 'acme+ci' }, /team "acme\+ci" is not a row/],
    [{ ...good, repository: 'secret-repo' }, /repository "secret-repo" is not a column/],
    [{ ...good, repository: '__proto__' }, /repository "__proto__" is not a column/],
  ] as const) {
    const checked = matrixChangesFromPage(data, review([good, bad]));
    assert.equal(checked.ok, false, JSON.stringify(bad));
    assert.match(checked.ok ? '' : checked.problem, problem);
  }
  assert.deepEqual(matrixChangesFromPage(undefined, review([good])), { ok: false, problem: 'the matrix is not loaded' });
});

void test("matrix: the current role is the host's, not the page's: a made-up from cannot label an upgrade to admin as a downgrade", () => {
  const checked = matrixChangesFromPage(
    data,
    review([
      { kind: 'robot', principal: 'acme+ci', repository: 'app', from: 'admin', to: 'admin' },
      { kind: 'robot', principal: 'acme+ci', repository: 'db', from: 'write', to: null },
      { kind: 'team', principal: 'owners', repository: 'db', from: null, to: 'read' },
    ]),
  );
  assert.ok(checked.ok);
  assert.deepEqual(checked.value, [
    { kind: 'robot', principal: 'acme+ci', repository: 'app', from: 'read', to: 'admin', action: 'upgrade' },
    { kind: 'robot', principal: 'acme+ci', repository: 'db', from: undefined, to: undefined, action: 'unchanged' },
    { kind: 'team', principal: 'owners', repository: 'db', from: 'admin', to: 'read', action: 'downgrade' },
  ]);
});

const robotMessage = (m: Record<string, unknown>): RobotHostMessage => {
  assert.ok(isRobotHostMessage(m), JSON.stringify(m));
  return m;
};

void test('robot page: a role change or revocation only on a loaded repository; team and trust removal only of loaded ones', () => {
  const loaded = { repositories: ['acme/app'], teams: ['builders'], federation: [{ issuer: 'https://idp.example.com', subject: 'ci' }] };
  assert.equal(robotRequestProblem(loaded, robotMessage({ type: 'revoke', repository: 'acme/app' })), undefined);
  assert.equal(robotRequestProblem(loaded, robotMessage({ type: 'setRole', repository: 'acme/app', role: 'admin' })), undefined);
  assert.match(robotRequestProblem(loaded, robotMessage({ type: 'revoke', repository: 'acme/other' })) ?? '', /repository "acme\/other" is not among the robot's loaded permissions/);
  assert.match(robotRequestProblem(loaded, robotMessage({ type: 'setRole', repository: 'platform/secrets', role: 'admin' })) ?? '', /not among the robot's loaded permissions/);
  assert.equal(robotRequestProblem(loaded, robotMessage({ type: 'removeFromTeam', team: 'builders' })), undefined);
  assert.match(robotRequestProblem(loaded, robotMessage({ type: 'removeFromTeam', team: 'owners' })) ?? '', /team "owners" is not among/);
  assert.equal(robotRequestProblem(loaded, robotMessage({ type: 'removeFederation', issuer: 'https://idp.example.com', subject: 'ci' })), undefined);
  assert.match(robotRequestProblem(loaded, robotMessage({ type: 'removeFederation', issuer: 'https://idp.example.com', subject: 'other' })) ?? '', /not among the robot's loaded entries/);
  // While a section is loading (or after it failed) nothing of it can be acted on; requests naming nothing pass.
  assert.match(robotRequestProblem({}, robotMessage({ type: 'revoke', repository: 'acme/app' })) ?? '', /not among/);
  for (const type of ['ready', 'grant', 'addToTeam', 'rotate', 'delete', 'refresh']) assert.equal(robotRequestProblem({}, robotMessage({ type })), undefined, type);
});
