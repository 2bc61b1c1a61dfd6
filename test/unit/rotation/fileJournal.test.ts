/**
 * The command line's journal of unfinished rotations (src/core/rotation/fileJournal.ts): where it lives, one private
 * file per rotation with a safe name, list and remove, and an unreadable record listed rather than dropped.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileJournal, journalFileName, rotationsDir } from '../../../src/core/rotation/fileJournal';
import type { PendingRotation } from '../../../src/core/rotation/journal';
import { ROBOT, TOKEN } from './helpers';

const pending = (over: Partial<PendingRotation> = {}): PendingRotation => ({
  v: 1,
  instanceUrl: 'https://quay.example.com',
  namespace: { kind: 'org', name: 'acme' },
  oldUser: ROBOT,
  oldToken: TOKEN,
  newUser: ROBOT,
  startedAt: '2026-12-07T12:00:00.000Z',
  ...over,
});

void test('the state folder: QUAY_ROBOTS_STATE_DIR, else an absolute XDG_STATE_HOME, else ~/.local/state', () => {
  assert.equal(rotationsDir({ QUAY_ROBOTS_STATE_DIR: '/t/s', XDG_STATE_HOME: '/x' }, '/home/u'), '/t/s/rotations');
  assert.equal(rotationsDir({ XDG_STATE_HOME: '/x' }, '/home/u'), '/x/quay-robots/rotations');
  assert.equal(rotationsDir({ XDG_STATE_HOME: 'relative' }, '/home/u'), '/home/u/.local/state/quay-robots/rotations');
  assert.equal(rotationsDir({}, '/home/u'), '/home/u/.local/state/quay-robots/rotations');
});

void test('file names are safe and distinct for every instance and robot', () => {
  const a = journalFileName({ instanceUrl: 'https://quay.example.com:8443', oldUser: 'acme+ci' });
  assert.match(a, /^quay\.example\.com_8443_acme_ci-[0-9a-f]{16}\.json$/);
  const evil = journalFileName({ instanceUrl: 'https://../..', oldUser: '../../etc/passwd' });
  assert.doesNotMatch(evil, /\//);
  assert.doesNotMatch(evil, /^\./);
  // The same readable part, another key: another file.
  assert.notEqual(journalFileName({ instanceUrl: 'https://q', oldUser: 'a+b' }), journalFileName({ instanceUrl: 'https://q', oldUser: 'a_b' }));
});

void test('save writes one 0600 file in a 0700 folder; list reads it back; remove deletes it; a bad record is listed as unreadable', async () => {
  const root = mkdtempSync(join(tmpdir(), 'journal-'));
  try {
    const journal = new FileJournal(rotationsDir({ QUAY_ROBOTS_STATE_DIR: join(root, 'state') }));
    assert.deepEqual(await journal.list(), { pending: [], unreadable: [] }, 'no folder yet: nothing pending');
    const p = pending();
    await journal.save(p);
    await journal.save(pending({ instanceUrl: 'https://other.example.com' }));
    assert.equal(statSync(journal.dir).mode & 0o777, 0o700);
    assert.equal(statSync(journal.fileOf(p)).mode & 0o777, 0o600);
    assert.equal(readdirSync(journal.dir).length, 2, 'one file per rotation, no temporary file left');
    const listed = await journal.list();
    assert.deepEqual(listed.pending.find((q) => q.instanceUrl === p.instanceUrl), p);
    assert.equal(listed.pending.length, 2);
    writeFileSync(join(journal.dir, 'broken.json'), '{"v":2}');
    const withBroken = await journal.list();
    assert.deepEqual(withBroken.unreadable, [{ where: join(journal.dir, 'broken.json'), reason: 'The unfinished-rotation record has version 2; this version reads version 1 only.' }]);
    await journal.remove(p);
    await journal.remove(p);
    assert.deepEqual((await journal.list()).pending.map((q) => q.instanceUrl), ['https://other.example.com']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
