import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportFindings } from '../../../src/commands/hygiene/engine';
import { recogniseCredentials } from '../../../src/core/hygiene/credentials';
import type { Finding } from '../../../src/core/hygiene/types';

const finding: Finding = {
  check: 'committed-token',
  severity: 'error',
  host: 'quay.example.com',
  namespace: 'acme',
  robot: 'acme+ci',
  message: 'A token of acme+ci is committed.',
  evidence: { files: [{ path: '/home/me/app/deploy/.env', line: 3, column: 12, encoding: 'raw' }, { path: '/elsewhere/x.env', line: 1, column: 1 }] },
  fix: { kind: 'rotate-and-dereference', label: 'Rotate.' },
};
const meta = { org: 'acme', host: 'quay.example.com', at: new Date('2026-12-07T05:00:00Z'), notes: ['Token ages beyond the budget.'], root: '/home/me/app' };

void test('exports name workspace files relative to the workspace folder, others as they are', () => {
  const json = exportFindings('json', [finding], meta).trim().split('\n').map((l) => JSON.parse(l) as { evidence: { files: { path: string }[] } });
  assert.deepEqual(json[0]?.evidence.files.map((f) => f.path), ['deploy/.env', '/elsewhere/x.env']);
  const sarif = JSON.parse(exportFindings('sarif', [finding], meta)) as {
    runs: { originalUriBaseIds: { SRCROOT: { uri: string } }; results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[] }[];
  };
  assert.equal(sarif.runs[0]?.originalUriBaseIds.SRCROOT.uri, 'file:///home/me/app/');
  assert.deepEqual(sarif.runs[0]?.results[0]?.locations.map((l) => l.physicalLocation.artifactLocation), [{ uri: 'deploy/.env', uriBaseId: 'SRCROOT' }, { uri: 'file:///elsewhere/x.env' }]);
  const md = exportFindings('markdown', [finding], meta);
  assert.match(md, /^# Robot hygiene review of acme/);
  assert.match(md, /deploy\/\.env:3:12/);
  assert.match(md, /Token ages beyond the budget/);
  // The finding given is not changed (the panel keeps absolute paths for its links).
  assert.equal(finding.evidence.files?.[0]?.path, '/home/me/app/deploy/.env');
});

void test('the offline recogniser gives the diagnostic its place and length, never the token', () => {
  const token = 'A1B2C3D4E5F6G7H8I9J0K1L2M3N4O5P6Q7R8S9T0U1V2W3X4Y5Z6A7B8C9D0E1F2';
  const text = `# settings\nQUAY_USER=acme+ci\nQUAY_TOKEN=${token}\n`;
  const found = recogniseCredentials(text);
  assert.deepEqual(found, [{ robot: 'acme+ci', line: 3, column: 12, length: 64, encoding: 'raw' }]);
  assert.ok(!JSON.stringify(found).includes(token));
  assert.deepEqual(recogniseCredentials(`DIGEST=${'0123456789ABCDEF'.repeat(4)}\n`), []);
});
