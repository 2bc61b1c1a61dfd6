import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFinding, isFromHygienePage, isHygienePageState, isToHygienePage } from '../../../src/webviews/protocol';
import { findingOf } from '../../../src/webviews/hygieneRuns';
import { FINDINGS } from './hygieneFixture';

void test('isFinding admits the findings the checks make, and round-trips through JSON (postMessage)', () => {
  for (const f of FINDINGS) {
    assert.equal(isFinding(f), true, f.check);
    assert.equal(isFinding(JSON.parse(JSON.stringify(f))), true, f.check);
  }
});

void test('isFinding refuses unknown checks, severities, fixes, roles and malformed evidence', () => {
  const f = FINDINGS[0];
  assert.equal(isFinding({ ...f, check: 'made-up' }), false);
  assert.equal(isFinding({ ...f, severity: 'fatal' }), false);
  assert.equal(isFinding({ ...f, fix: { kind: 'run-anything', label: 'x' } }), false);
  assert.equal(isFinding({ ...f, evidence: { repositories: [{ repository: 'a', role: 'owner' }] } }), false);
  assert.equal(isFinding({ ...f, evidence: { files: [{ path: '/a', line: -1, column: 1 }] } }), false);
  assert.equal(isFinding({ ...f, evidence: { logs: { from: 'a', to: 'b', counts: { push_repo: 'many' } } } }), false);
  assert.equal(isFinding({ ...f, robot: undefined }), false);
});

void test('host → page: a report carries its run number and findings; a report with a bad finding is dropped whole', () => {
  const report = { type: 'report', run: 3, org: 'acme', host: 'quay.example.com', when: 'now', findings: FINDINGS, notes: ['x'], roots: ['/work'] };
  assert.equal(isToHygienePage(report), true);
  assert.equal(isToHygienePage({ ...report, findings: [...FINDINGS, { check: 'nope' }] }), false);
  assert.equal(isToHygienePage({ ...report, run: 1.5 }), false);
  assert.equal(isToHygienePage({ type: 'progress', org: 'acme', message: 'Reading' }), true);
  assert.equal(isToHygienePage({ type: 'fixed', run: 1, index: -1 }), false);
});

void test('page → host: findings only by run and index — no robot, repository or path is accepted from the page', () => {
  assert.equal(isFromHygienePage({ type: 'fix', run: 1, index: 0 }), true);
  assert.equal(isFromHygienePage({ type: 'fix', run: 1, index: '0' }), false);
  assert.equal(isFromHygienePage({ type: 'fix', run: 1 }), false);
  assert.equal(isFromHygienePage({ type: 'fix', run: 1, index: 2.5 }), false);
  assert.equal(isFromHygienePage({ type: 'openFile', run: 1, index: 0, file: 0 }), true);
  assert.equal(isFromHygienePage({ type: 'openFile', run: 1, index: 0, path: '/etc/passwd' }), false);
  assert.equal(isFromHygienePage({ type: 'export', format: 'sarif' }), true);
  assert.equal(isFromHygienePage({ type: 'export', format: 'html' }), false);
  assert.equal(isFromHygienePage({ type: 'rerun' }), true);
  assert.equal(isFromHygienePage({ type: 'ready' }), true);
  // A message of another page's protocol (the matrix's review of cells typed by the page) is not one of ours.
  assert.equal(isFromHygienePage({ type: 'review', changes: [] }), false);
  assert.equal(isFromHygienePage({ type: 'grant', robot: 'acme+x', repository: 'backend' }), false);
});

void test('the page state keeps no server data', () => {
  assert.equal(isHygienePageState({ collapsed: ['least-privilege'], minSeverity: 'warning' }), true);
  assert.equal(isHygienePageState({ collapsed: [], minSeverity: 'fatal' }), false);
});

void test('the host acts only on a finding of its last run, by an index it sent', () => {
  const last = { run: 2, findings: FINDINGS };
  assert.equal(findingOf(last, 2, 0), FINDINGS[0]);
  assert.equal(findingOf(last, 2, FINDINGS.length - 1), FINDINGS[FINDINGS.length - 1]);
  assert.equal(findingOf(last, 1, 0), undefined, 'a page left open across a re-run');
  assert.equal(findingOf(last, 2, FINDINGS.length), undefined);
  assert.equal(findingOf(last, 2, -1), undefined);
  assert.equal(findingOf(last, 2, 0.5), undefined);
  assert.equal(findingOf(undefined, 1, 0), undefined, 'no review yet');
});
