import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFromMatrixPage, isMatrixPageState, isToMatrixPage } from '../../../src/webviews/protocol';

/** The access matrix's messages (src/webviews/matrixPanel.ts ↔ webview-ui/src/pages/matrix.ts), checked on arrival on both sides. */

void test('host → page: the matrix, reloaded rows, progress; a bad role or grant shape is refused', () => {
  const row = { kind: 'robot', name: 'acme+ci', grants: [['app', 'write']] };
  assert.equal(isToMatrixPage({ type: 'data', org: 'acme', repositories: ['app'], rows: [row, { kind: 'team', name: 'owners', grants: [] }] }), true);
  assert.equal(isToMatrixPage({ type: 'rows', rows: [row] }), true);
  assert.equal(isToMatrixPage({ type: 'reviewing', busy: false }), true);
  assert.equal(isToMatrixPage({ type: 'loading', org: 'acme' }), true);
  assert.equal(isToMatrixPage({ type: 'failed', message: 'Forbidden' }), true);
  assert.equal(isToMatrixPage({ type: 'rows', rows: [{ ...row, grants: [['app', 'owner']] }] }), false);
  assert.equal(isToMatrixPage({ type: 'rows', rows: [{ ...row, grants: [['app']] }] }), false);
  assert.equal(isToMatrixPage({ type: 'rows', rows: [{ ...row, kind: 'user' }] }), false);
  assert.equal(isToMatrixPage({ type: 'data', org: 'acme', repositories: [1], rows: [] }), false);
});

void test('page → host: review with none as null, reload, ready; anything else is dropped', () => {
  const change = { kind: 'robot', principal: 'acme+ci', repository: 'app', from: 'write', to: null };
  assert.equal(isFromMatrixPage({ type: 'review', changes: [change, { ...change, from: null, to: 'read' }] }), true);
  assert.equal(isFromMatrixPage({ type: 'reload' }), true);
  assert.equal(isFromMatrixPage({ type: 'ready' }), true);
  assert.equal(isFromMatrixPage({ type: 'review', changes: [{ ...change, to: undefined }] }), false, 'none is null, never a missing field');
  assert.equal(isFromMatrixPage({ type: 'review', changes: [{ ...change, to: 'owner' }] }), false);
  assert.equal(isFromMatrixPage({ type: 'data', org: 'acme', repositories: [], rows: [] }), false, 'a host message is not a page message');
});

void test('saved page state: filters, pending cells, scroll and focus only', () => {
  const state = {
    org: 'acme',
    filter: { row: 'ci', repository: '', onlyAccessedRepositories: false, onlyRowsWithoutAccess: true, teams: false },
    pending: [['acme+ci', 'app', null], ['owners', 'db', 'admin']],
    scrollTop: 0,
    scrollLeft: 152,
    focus: { row: 1, column: 2 },
  };
  assert.equal(isMatrixPageState(state), true);
  assert.equal(isMatrixPageState({ ...state, pending: [['acme+ci', 'app', 'owner']] }), false);
  assert.equal(isMatrixPageState({ ...state, filter: { row: 'ci' } }), false);
  assert.equal(isMatrixPageState(undefined), false);
});
