/** The review's exports (src/core/hygiene/export.ts): JSON lines, Markdown grouped by practice, SARIF 2.1.0's required shape. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toJsonLines, toMarkdown, toSarif } from '../../../src/core/hygiene/export';
import type { Finding } from '../../../src/core/hygiene/types';
import { CHECK_IDS } from '../../../src/core/hygiene/types';

const FINDINGS: Finding[] = [
  {
    check: 'committed-token',
    severity: 'error',
    host: 'quay.example.com',
    namespace: 'acme',
    robot: 'acme+ci_push',
    message: "acme+ci_push's current token is committed in k8s/secret.yaml; git history keeps it even after the file changes.",
    evidence: { files: [{ path: 'k8s/my secret.yaml', line: 6, column: 98, encoding: 'dockerconfigjson' }, { path: '/abs/ci.env', line: 2, column: 7, encoding: 'raw' }] },
    fix: { kind: 'rotate-and-dereference', label: 'Rotate.' },
  },
  {
    check: 'write-never-pushed',
    severity: 'warning',
    namespace: 'acme',
    robot: 'acme+legacy',
    message: 'acme+legacy pushed nothing.',
    evidence: { repositories: [{ repository: 'payments', role: 'write' }], logs: { from: '2026-08-18', to: '2026-11-15', counts: { push_repo: 0 } } },
    fix: { kind: 'downgrade-to-read', label: 'Downgrade.' },
  },
  { check: 'non-descriptive-name', severity: 'info', namespace: 'acme', robot: 'acme+robot1', message: 'Generic.', evidence: {} },
];

void test('JSON lines: one object per finding with check, severity, namespace, robot, message, evidence, fix', () => {
  const lines = toJsonLines(FINDINGS).split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 3);
  const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
  assert.deepEqual(Object.keys(first), ['check', 'severity', 'host', 'namespace', 'robot', 'message', 'evidence', 'fix']);
  assert.equal((JSON.parse(lines[2] ?? '') as Record<string, unknown>).fix, null);
});

void test('Markdown: a count per practice, sections in the guide order, evidence and fixes, notes', () => {
  const md = toMarkdown(FINDINGS, { subtitle: 'quay.example.com / acme', notes: ['token ages beyond 2026-01-01'] });
  assert.match(md, /^# Robot hygiene review\n/);
  assert.match(md, /3 findings: 1 error, 1 warning, 1 info\./);
  assert.match(md, /\| Least privilege \| 1 \|/);
  assert.match(md, /\| Rotate quarterly \| 0 \|/);
  const sections = [...md.matchAll(/^## (.+) \(\d+\)$/gm)].map((m) => m[1]);
  assert.deepEqual(sections, [
    'One robot per environment',
    'Least privilege',
    'Rotate quarterly',
    'Avoid organization-wide permissions',
    'External Secrets Operator for production',
    'Audit regularly in the usage logs',
    'Descriptive names',
    'Never commit tokens',
  ]);
  assert.match(md, /- \[ \] \*\*warning\*\* ` write-never-pushed ` ` acme\+legacy `: acme\\\+legacy pushed nothing\\\./);
  assert.match(md, /logs 2026-08-18 to 2026-11-15: push_repo 0/);
  assert.match(md, /files: ` k8s\/my secret\.yaml:6:98 ` \(dockerconfigjson\)/);
  assert.match(md, /## Not examined\n\n- token ages beyond 2026\\-01\\-01/);
});

interface SarifLog {
  $schema?: string;
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string } }[] } };
    originalUriBaseIds?: Record<string, { uri: string }>;
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations?: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn: number } } }[];
    }[];
  }[];
}

/** SARIF 2.1.0's required properties (sarif-schema-2.1.0.json: sarifLog, run, tool, toolComponent, result, message, rule ids). */
function assertSarifShape(log: SarifLog): void {
  assert.equal(log.version, '2.1.0');
  assert.ok(Array.isArray(log.runs) && log.runs.length === 1);
  for (const run of log.runs) {
    assert.equal(typeof run.tool.driver.name, 'string');
    const ids = run.tool.driver.rules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
    for (const r of run.tool.driver.rules) assert.ok(r.shortDescription.text.length > 0);
    for (const res of run.results) {
      assert.equal(typeof res.message.text, 'string');
      assert.ok(['none', 'note', 'warning', 'error'].includes(res.level));
      assert.equal(ids[res.ruleIndex], res.ruleId, 'ruleIndex points at its rule');
      for (const l of res.locations ?? []) {
        assert.ok(Number.isInteger(l.physicalLocation.region.startLine) && l.physicalLocation.region.startLine >= 1);
        assert.ok(Number.isInteger(l.physicalLocation.region.startColumn) && l.physicalLocation.region.startColumn >= 1);
        assert.ok(l.physicalLocation.artifactLocation.uri.length > 0);
        if (l.physicalLocation.artifactLocation.uriBaseId !== undefined) assert.ok(run.originalUriBaseIds?.[l.physicalLocation.artifactLocation.uriBaseId]);
        assert.doesNotThrow(() => new URL(l.physicalLocation.artifactLocation.uri, 'file:///base/'));
      }
    }
  }
}

void test('SARIF 2.1.0: required fields, one rule per check id, locations for file findings, levels by severity', () => {
  const log = toSarif(FINDINGS, { srcRoot: 'file:///work/repo/', toolVersion: '0.1.0' }) as SarifLog;
  assertSarifShape(log);
  const run = log.runs[0];
  assert.deepEqual(run?.tool.driver.rules.map((r) => r.id), [...CHECK_IDS]);
  assert.deepEqual(run?.results.map((r) => [r.ruleId, r.level]), [
    ['committed-token', 'error'],
    ['write-never-pushed', 'warning'],
    ['non-descriptive-name', 'note'],
  ]);
  const locations = run?.results[0]?.locations ?? [];
  assert.deepEqual(locations[0]?.physicalLocation, { artifactLocation: { uri: 'k8s/my%20secret.yaml', uriBaseId: 'SRCROOT' }, region: { startLine: 6, startColumn: 98 } });
  assert.equal(locations[1]?.physicalLocation.artifactLocation.uri, 'file:///abs/ci.env');
  assert.equal(run?.results[1]?.locations, undefined, 'no file, no location');
  // An empty review is still a valid log.
  assertSarifShape(toSarif([]) as SarifLog);
});
