/**
 * The command line's places (src/core/rotation/filePlaces.ts): files rewritten atomically with their own mode, a
 * file changed since the plan scanned again, a deleted one left with why.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { filePlaces } from '../../../src/core/rotation/filePlaces';
import { findTokenUsages } from '../../../src/core/rotation/finder';
import { NEW_TOKEN, ROBOT, TOKEN } from './helpers';

const r = { oldUser: ROBOT, oldToken: TOKEN, newUser: ROBOT, newToken: NEW_TOKEN };

void test('each file keeps its mode; a changed file is edited on its current text; a deleted one is left with why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fileplaces-'));
  try {
    writeFileSync(join(dir, 'a.env'), `TOKEN=${TOKEN}\n`);
    chmodSync(join(dir, 'a.env'), 0o640);
    writeFileSync(join(dir, 'run.sh'), `#!/bin/sh\ndocker login -p ${TOKEN} -u ${ROBOT}\n`);
    chmodSync(join(dir, 'run.sh'), 0o755);
    writeFileSync(join(dir, 'moved.env'), `TOKEN=${TOKEN}\n`);
    writeFileSync(join(dir, 'gone.env'), `TOKEN=${TOKEN}\n`);
    const found = await findTokenUsages({ robot: ROBOT, token: TOKEN, roots: [dir] });
    const places = found.files.flatMap((f) => f.usages.map((usage) => ({ file: f.file, usage, inWorkspace: true })));
    assert.equal(places.length, 4);
    // Between the plan and the edit: two lines above the token, and one file removed.
    writeFileSync(join(dir, 'moved.env'), `# one\n# two\nTOKEN=${TOKEN}\n`);
    rmSync(join(dir, 'gone.env'));
    const done = await filePlaces(new Map(found.files.map((f) => [f.file, f]))).apply(places, r);

    assert.equal(readFileSync(join(dir, 'a.env'), 'utf8'), `TOKEN=${NEW_TOKEN}\n`);
    assert.equal(statSync(join(dir, 'a.env')).mode & 0o7777, 0o640);
    assert.equal(readFileSync(join(dir, 'run.sh'), 'utf8'), `#!/bin/sh\ndocker login -p ${NEW_TOKEN} -u ${ROBOT}\n`);
    assert.equal(statSync(join(dir, 'run.sh')).mode & 0o7777, 0o755);
    assert.equal(readFileSync(join(dir, 'moved.env'), 'utf8'), `# one\n# two\nTOKEN=${NEW_TOKEN}\n`);
    assert.deepEqual(done.rescanned, [join(dir, 'moved.env')]);
    assert.deepEqual(done.failed, [{ file: join(dir, 'gone.env'), reason: 'the file no longer exists' }]);
    assert.deepEqual(done.updated.map((p) => p.file).sort(), [join(dir, 'a.env'), join(dir, 'moved.env'), join(dir, 'run.sh')]);
    assert.deepEqual(readdirSync(dir).sort(), ['a.env', 'moved.env', 'run.sh'], 'no temporary file left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
