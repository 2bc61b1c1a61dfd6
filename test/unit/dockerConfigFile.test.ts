import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultDockerConfigPath, makePrivate, mergeDockerAuths, readOptionalFile, writePrivateFile } from '../../src/core/dockerConfigFile';
import { dockerAuths, dockerConfigJson } from '../../src/core/k8s/credentials';

const creds = { host: 'quay.example.com', robot: 'acme+ci', token: 'TOKEN1', scope: 'org' as const };
const entry = dockerAuths(creds);

void test('defaultDockerConfigPath: $DOCKER_CONFIG, else ~/.docker', () => {
  assert.equal(defaultDockerConfigPath({ DOCKER_CONFIG: '/etc/dc' }, '/home/u'), join('/etc/dc', 'config.json'));
  assert.equal(defaultDockerConfigPath({ DOCKER_CONFIG: '' }, '/home/u'), join('/home/u', '.docker', 'config.json'));
  assert.equal(defaultDockerConfigPath({}, '/home/u'), join('/home/u', '.docker', 'config.json'));
});

void test('mergeDockerAuths: a new file is the Quay UI format', () => {
  const m = mergeDockerAuths(undefined, entry);
  assert.equal(m.text, `${dockerConfigJson(creds)}\n`);
  assert.deepEqual([m.added, m.changed, m.kept, m.helpers], [['quay.example.com/acme'], [], [], []]);
  assert.equal(mergeDockerAuths(' \n', entry).text, m.text);
});

void test('mergeDockerAuths keeps other entries, keys and the indentation; names what it adds and replaces', () => {
  const existing = '{\n\t"auths": {\n\t\t"ghcr.io": {\n\t\t\t"auth": "Z2g="\n\t\t},\n\t\t"quay.example.com/acme": {\n\t\t\t"auth": "b2xk",\n\t\t\t"email": ""\n\t\t}\n\t},\n\t"credsStore": "desktop",\n\t"credHelpers": {\n\t\t"quay.example.com": "secretservice"\n\t},\n\t"psFormat": "table {{.ID}}"\n}';
  const more = { ...entry, ...dockerAuths({ ...creds, scope: 'registry' }) };
  const m = mergeDockerAuths(existing, more);
  assert.deepEqual(m.added, ['quay.example.com']);
  assert.deepEqual(m.changed, ['quay.example.com/acme']);
  assert.deepEqual(m.kept, ['ghcr.io']);
  // credHelpers (by host) wins over credsStore.
  assert.deepEqual(m.helpers, [
    { key: 'quay.example.com/acme', helper: 'secretservice' },
    { key: 'quay.example.com', helper: 'secretservice' },
  ]);
  const out = JSON.parse(m.text) as Record<string, unknown>;
  assert.deepEqual(out, {
    auths: { 'ghcr.io': { auth: 'Z2g=' }, ...more },
    credsStore: 'desktop',
    credHelpers: { 'quay.example.com': 'secretservice' },
    psFormat: 'table {{.ID}}',
  });
  assert.ok(m.text.startsWith('{\n\t"auths": {\n\t\t"ghcr.io"'), 'tab indentation kept, key order kept');
  // Run again: nothing to add or change.
  const again = mergeDockerAuths(m.text, more);
  assert.deepEqual([again.added, again.changed], [[], []]);
  assert.deepEqual(mergeDockerAuths('{"credsStore": "desktop"}', entry).helpers, [{ key: 'quay.example.com/acme', helper: 'desktop' }]);
});

void test('mergeDockerAuths refuses, naming the file, what is not a JSON object with an object auths', () => {
  assert.throws(() => mergeDockerAuths('{"auths": {', entry, '/home/u/.docker/config.json'), /\/home\/u\/\.docker\/config\.json is not valid JSON .*left as it is/);
  assert.throws(() => mergeDockerAuths('// comment\n{}', entry), /not valid JSON/);
  assert.throws(() => mergeDockerAuths('[]', entry), /not a Docker configuration/);
  assert.throws(() => mergeDockerAuths('{"auths": []}', entry), /"auths" of config\.json is not an object/);
});

void test('writePrivateFile: mode 0600 whatever the umask, atomic (no temporary file left), folder created, symlink followed', async (t) => {
  if (process.platform === 'win32') {
    t.skip('POSIX modes');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'quay-dc-'));
  const umask = process.umask(0o000);
  try {
    const path = join(dir, 'new', '.docker', 'config.json');
    await writePrivateFile(path, 'one');
    assert.equal(readFileSync(path, 'utf8'), 'one');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, 'new', '.docker')).mode & 0o777, 0o700);
    // An existing world-readable file gets the new text and mode 0600.
    chmodSync(path, 0o644);
    await writePrivateFile(path, 'two');
    assert.equal(readFileSync(path, 'utf8'), 'two');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(join(dir, 'new', '.docker')), ['config.json']);
    // A linked config stays linked; the file it points to is replaced.
    const link = join(dir, 'link.json');
    symlinkSync(path, link);
    await writePrivateFile(link, 'three');
    assert.equal(readFileSync(path, 'utf8'), 'three');
    assert.ok(lstatSync(link).isSymbolicLink());
    // makePrivate fixes the mode alone.
    writeFileSync(join(dir, 'loose.json'), '{}', { mode: 0o666 });
    await makePrivate(join(dir, 'loose.json'));
    assert.equal(statSync(join(dir, 'loose.json')).mode & 0o777, 0o600);
    assert.equal(await readOptionalFile(join(dir, 'absent.json')), undefined);
    assert.equal(await readOptionalFile(path), 'three');
  } finally {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
  }
});
