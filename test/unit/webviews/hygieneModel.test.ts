import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PRACTICES } from '../../../src/core/hygiene/types';
import { DEFAULT_UI, displayPath, evidenceLines, groups, initialModel, summary, toggleCollapsed, update, type Report } from '../../../webview-ui/src/hygiene/model';
import { FINDINGS } from './hygieneFixture';

const report: Report = { run: 1, org: 'acme', host: 'quay.example.com', when: '2026-12-07 05:00 UTC', findings: FINDINGS, notes: [], roots: ['/work'], requests: 9, robots: 6 };

void test('the eight practices in the guide’s order, each with its count, also those that passed', () => {
  const g = groups(report, DEFAULT_UI);
  assert.deepEqual(g.map((x) => x.practice), [...PRACTICES]);
  const counts = Object.fromEntries(g.map((x) => [x.practice, x.total]));
  assert.deepEqual(counts, {
    'one-robot-per-environment': 0,
    'least-privilege': 2,
    'rotate-quarterly': 1,
    'no-org-wide-permissions': 0,
    'eso-for-production': 0,
    'audit-regularly': 1,
    'descriptive-names': 1,
    'never-commit-tokens': 0,
  });
  // Most severe first; the index is the finding's position in the report (what the page sends back).
  const least = g.find((x) => x.practice === 'least-privilege')!;
  assert.deepEqual(least.findings.map((f) => [f.index, f.finding.severity]), [[0, 'error'], [1, 'warning']]);
  assert.equal(g.find((x) => x.practice === 'descriptive-names')!.findings[0].index, 3);
});

void test('the severity filter hides findings below it but keeps the practice’s total; collapsing is per practice', () => {
  const g = groups(report, { collapsed: [], minSeverity: 'warning' });
  const names = g.find((x) => x.practice === 'descriptive-names')!;
  assert.equal(names.findings.length, 0);
  assert.equal(names.total, 1);
  const ui = toggleCollapsed(DEFAULT_UI, 'least-privilege');
  assert.deepEqual(ui.collapsed, ['least-privilege']);
  assert.equal(groups(report, ui).find((x) => x.practice === 'least-privilege')!.collapsed, true);
  assert.deepEqual(toggleCollapsed(ui, 'least-privilege').collapsed, []);
});

void test('evidence: repositories with roles, files as links by index, log figures with their window, what was not examined', () => {
  assert.deepEqual(evidenceLines(FINDINGS[0]), [
    { kind: 'text', label: 'Repositories', text: 'acme/backend (write), acme/frontend (admin)' },
    { kind: 'file', label: 'File', text: '/work/k8s/deploy.yaml:12:9 (imagePullSecrets)', file: 0 },
  ]);
  assert.equal(evidenceLines(FINDINGS[0], report.roots)[1]?.text, 'k8s/deploy.yaml:12:9 (imagePullSecrets)');
  assert.deepEqual(evidenceLines(FINDINGS[1]).slice(1), [
    { kind: 'text', label: 'Usage logs', text: '2026-09-08 to 2026-12-06: pull_repo 4, push_repo 0' },
    { kind: 'missing', label: 'Not examined', text: 'Days before 2026-09-08 are beyond Quay’s range.' },
  ]);
  assert.deepEqual(evidenceLines(FINDINGS[4]), [{ kind: 'text', label: 'Token age', text: 'at least 120 days (not rotated since)' }]);
  assert.deepEqual(evidenceLines(FINDINGS[2]), []);
});

void test('summary counts findings by severity and robots', () => {
  assert.equal(summary(report), '5 findings (1 error, 3 warnings, 1 info) about 4 robots');
  assert.equal(summary({ ...report, findings: [] }), 'No findings: every check passed.');
});

void test('messages: progress keeps the last report, a report replaces it and clears the fix marks, a mark of another run is ignored', () => {
  let m = initialModel(undefined);
  assert.equal(m.report, undefined);
  m = update(m, { type: 'report', ...report });
  assert.equal(m.progress, undefined);
  m = update(m, { type: 'fixed', run: 1, index: 2 });
  assert.deepEqual([...m.fixed], [2]);
  m = update(m, { type: 'fixed', run: 7, index: 3 });
  assert.deepEqual([...m.fixed], [2], 'a mark for another run');
  m = update(m, { type: 'progress', org: 'acme', message: 'Reading usage logs (3/9)' });
  assert.equal(m.report?.run, 1, 'the previous report stays while a review runs');
  assert.equal(m.progress, 'Reading usage logs (3/9)');
  m = update(m, { type: 'failed', message: 'The review was cancelled.' });
  assert.equal(m.progress, undefined);
  assert.equal(m.error, 'The review was cancelled.');
  m = update(m, { type: 'report', ...report, run: 2, findings: FINDINGS.slice(1) });
  assert.equal(m.error, undefined);
  assert.equal(m.fixed.size, 0);
  assert.equal(m.report?.findings.length, 4);
  m = update(m, { type: 'busy', busy: true });
  assert.equal(m.busy, true);
});

void test('file paths are shown relative to the workspace folder holding them', () => {
  assert.equal(displayPath('/work/app/k8s/a.yaml', ['/work/app']), 'k8s/a.yaml');
  assert.equal(displayPath('/work/app/k8s/a.yaml', ['/work/app/']), 'k8s/a.yaml');
  assert.equal(displayPath('/work/application/a.yaml', ['/work/app']), '/work/application/a.yaml', 'a sibling folder sharing the prefix');
  assert.equal(displayPath('/work/app/a.yaml', ['/work/other', '/work/app']), 'app/a.yaml', 'several folders: with the folder name');
  assert.equal(displayPath('C:\\src\\app\\.env', ['C:\\src\\app']), '.env');
  assert.equal(displayPath('/elsewhere/x', ['/work/app']), '/elsewhere/x');
});
