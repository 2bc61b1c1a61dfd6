import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AccessMatrix, NO_FILTER, nextRole } from '../../../src/core/matrix/accessMatrix';
import type { MatrixData } from '../../../src/core/matrix/model';

const data: MatrixData = {
  org: 'acme',
  repositories: ['api', 'db', 'web'],
  rows: [
    { kind: 'robot', name: 'acme+ci', grants: [['api', 'write'], ['web', 'read']] },
    { kind: 'robot', name: 'acme+idle', grants: [] },
    { kind: 'team', name: 'owners', grants: [['db', 'admin']] },
  ],
};

void test('a click cycles none → read → write → admin → none', () => {
  assert.deepEqual([undefined, 'read', 'write', 'admin'].map((r) => nextRole(r as never)), ['read', 'write', 'admin', undefined]);
  const m = new AccessMatrix(data);
  assert.equal(m.cycle('acme+idle', 'api'), 'read');
  assert.equal(m.cycle('acme+idle', 'api'), 'write');
  assert.equal(m.cycle('acme+idle', 'api'), 'admin');
  assert.equal(m.isChanged('acme+idle', 'api'), true);
  assert.equal(m.changeCount, 1);
  assert.equal(m.cycle('acme+idle', 'api'), undefined);
  // Back at Quay's role: no longer a change.
  assert.equal(m.isChanged('acme+idle', 'api'), false);
  assert.equal(m.changeCount, 0);
  assert.equal(m.cycle('acme+ci', 'api'), 'admin');
  assert.equal(m.current('acme+ci', 'api'), 'write');
  assert.equal(m.role('acme+ci', 'api'), 'admin');
});

void test('a range gets one role; cells already holding it are not changes', () => {
  const m = new AccessMatrix(data);
  m.setRange(['acme+ci', 'acme+idle'], ['api', 'db', 'web'], 'read');
  assert.equal(m.changeCount, 5, 'acme+ci web is already read');
  assert.equal(m.isChanged('acme+ci', 'web'), false);
  m.setRange(['acme+ci', 'acme+idle'], ['api', 'db', 'web'], undefined);
  assert.equal(m.changeCount, 2, 'revoking ci api and web; idle holds nothing');
  m.setRange(['nobody'], ['api'], 'admin');
  assert.equal(m.changeCount, 2, 'unknown rows are ignored');
});

void test('changes become bulk plan entries by row and repository', () => {
  const m = new AccessMatrix(data);
  m.set('owners', 'db', undefined);
  m.set('acme+ci', 'web', 'write');
  m.set('acme+ci', 'api', 'read');
  m.set('acme+idle', 'db', 'read');
  assert.deepEqual(m.changes(), [
    { kind: 'robot', principal: 'acme+ci', repository: 'api', from: 'write', to: 'read', action: 'downgrade' },
    { kind: 'robot', principal: 'acme+ci', repository: 'web', from: 'read', to: 'write', action: 'upgrade' },
    { kind: 'robot', principal: 'acme+idle', repository: 'db', from: undefined, to: 'read', action: 'add' },
    { kind: 'team', principal: 'owners', repository: 'db', from: 'admin', to: undefined, action: 'remove' },
  ]);
  m.discard();
  assert.deepEqual(m.changes(), []);
});

void test('pending changes survive a round trip through setState', () => {
  const m = new AccessMatrix(data);
  m.set('acme+idle', 'db', 'read');
  m.set('owners', 'db', undefined);
  const saved = JSON.parse(JSON.stringify(m.pendingEntries())) as ReturnType<AccessMatrix['pendingEntries']>;
  const again = new AccessMatrix(data);
  again.restorePending(saved);
  assert.deepEqual(again.changes(), m.changes());
});

void test('reloaded rows drop the changes Quay now holds and keep the ones that failed', () => {
  const m = new AccessMatrix(data);
  m.set('acme+idle', 'db', 'read');
  m.set('acme+idle', 'web', 'admin');
  m.set('acme+ci', 'api', undefined);
  m.replaceRows([{ kind: 'robot', name: 'acme+idle', grants: [['db', 'read']] }]);
  assert.equal(m.current('acme+idle', 'db'), 'read');
  assert.equal(m.isChanged('acme+idle', 'db'), false);
  assert.equal(m.isChanged('acme+idle', 'web'), true, 'not applied: still pending');
  assert.equal(m.isChanged('acme+ci', 'api'), true, 'a row not reloaded keeps its changes');
  assert.equal(m.changeCount, 2);
});

void test('filters: names, accessed repositories, rows without access, teams', () => {
  const m = new AccessMatrix(data);
  const names = (f: Partial<typeof NO_FILTER>): { rows: string[]; columns: string[] } => {
    const r = m.filter({ ...NO_FILTER, ...f });
    return { rows: r.rows.map((i) => m.rows[i]?.name ?? '?'), columns: r.columns.map((i) => m.repositories[i] ?? '?') };
  };
  assert.deepEqual(names({}), { rows: ['acme+ci', 'acme+idle', 'owners'], columns: ['api', 'db', 'web'] });
  assert.deepEqual(names({ row: ' CI ', repository: 'W' }), { rows: ['acme+ci'], columns: ['web'] });
  // db is only the team's: not a repository "some robot can access".
  assert.deepEqual(names({ onlyAccessedRepositories: true }).columns, ['api', 'web']);
  assert.deepEqual(names({ onlyRowsWithoutAccess: true }).rows, ['acme+idle']);
  assert.deepEqual(names({ teams: false }).rows, ['acme+ci', 'acme+idle']);
  // Filters read Quay's roles: a pending grant does not hide the row being edited.
  m.set('acme+idle', 'db', 'read');
  assert.deepEqual(names({ onlyRowsWithoutAccess: true }).rows, ['acme+idle']);
  m.replaceRows([{ kind: 'robot', name: 'acme+idle', grants: [['db', 'read']] }]);
  assert.deepEqual(names({ onlyRowsWithoutAccess: true }).rows, []);
  assert.deepEqual(names({ onlyAccessedRepositories: true }).columns, ['api', 'db', 'web']);
});
