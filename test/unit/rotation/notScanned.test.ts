import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { findTokenUsages, MAX_FILE_BYTES } from '../../../src/core/rotation/finder';
import { notScannedFiles, notScannedSection, scanFigure } from '../../../src/core/rotation/notScanned';
import { ROBOT, TOKEN } from './helpers';

void test('the rotation report lists what the scan dropped (too large, unreadable, skipped), as find-token does', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rotnotscanned-'));
  try {
    writeFileSync(join(root, 'small.env'), `TOKEN=${TOKEN}\n`);
    // Over 5 MiB, holding the token at its end: the finder does not read it.
    writeFileSync(join(root, 'big.log'), 'x'.repeat(MAX_FILE_BYTES) + `\n${ROBOT}:${TOKEN}\n`);
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const result = await findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [root] });
    assert.equal(result.files.length, 1);
    const shown = (file: string): string => relative(root, file);
    assert.equal(scanFigure(result.filesScanned, result), `${result.filesScanned} files scanned, 2 not scanned (listed under "Not scanned")`);
    assert.deepEqual(notScannedSection(result, shown), [
      '## Not scanned (2)',
      '',
      'These may hold the token: check them by hand.',
      '',
      '- `big.log` over 5 MiB, not searched',
      '- `pipe` not a regular file (FIFO, socket or device), not read',
      '',
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

void test('unreadable files and folders come first, as the CLI prints them; nothing dropped means no section and the plain figure', () => {
  const r = { unreadable: ['/w/secret'], tooLarge: ['/w/big'], skipped: [{ path: '/w/key.der', reason: 'binary' as const }] };
  assert.deepEqual(
    notScannedFiles(r).map((f) => `${f.path}: ${f.why}`),
    ['/w/secret: not readable, not searched', '/w/big: over 5 MiB, not searched', '/w/key.der: binary file holding the token, not searched as text'],
  );
  const none = { unreadable: [], tooLarge: [], skipped: [] };
  assert.equal(scanFigure(12, none), '12 files scanned');
  assert.deepEqual(notScannedSection(none, (f) => f), []);
});
