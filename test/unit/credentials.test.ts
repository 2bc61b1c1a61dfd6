/**
 * The commands put on the clipboard, run for real in sh (dash) and bash with fake `docker`, `podman`, `kubectl`
 * and `printf` executables on the PATH that record their arguments and standard input: the token must reach the
 * tool on standard input and appear in no process's arguments (what `ps` shows).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dockerConfigJson, loginCommand, loginCommandWithToken } from '../../src/core/k8s/credentials';
import { kubectlApplySecretCommand, kubectlPatchServiceAccountCommand } from '../../src/core/k8s/manifests';
import { namespaceList } from '../../src/core/k8s/names';
import { shellQuote, shellQuoteAlways } from '../../src/core/shell';

/** Every character a shell could trip on; checkToken allows any of them. */
const TOKEN = `T0K'E"N$HOME\`id\`\\%s%%-${'x'.repeat(40)}`;
const SHELLS = ['/bin/sh', '/bin/bash'].filter((s) => existsSync(s));

interface Call {
  readonly tool: string;
  readonly args: string[];
  readonly stdin: string;
}

/** Runs `command` in `shell` with QUAY_TOKEN set and fake tools first on the PATH; returns their calls, by tool and arguments. */
function run(shell: string, command: string): Call[] {
  const dir = mkdtempSync(join(tmpdir(), 'quay-cmd-'));
  try {
    const bin = join(dir, 'bin');
    execFileSync('mkdir', [bin]);
    for (const tool of ['docker', 'podman', 'kubectl', 'printf']) {
      // Each call (pipeline stages run at once): a folder with the arguments (NUL-separated) and standard input;
      // `kubectl create` echoes its input as the real one prints the Secret.
      const calls = shellQuote(join(dir, 'calls'));
      const script = `#!/bin/sh\nmkdir -p ${calls}\nd=$(mktemp -d ${calls}/c.XXXXXX)\necho ${tool} > "$d/tool"\nfor a in "$@"; do /usr/bin/printf '%s\\0' "$a"; done > "$d/args"\ncat > "$d/stdin"\n[ "$1" = create ] && cat "$d/stdin"\nexit 0\n`;
      writeFileSync(join(bin, tool), script);
      chmodSync(join(bin, tool), 0o755);
    }
    execFileSync(shell, ['-c', command], { env: { PATH: `${bin}:/usr/bin:/bin`, QUAY_TOKEN: TOKEN }, stdio: ['ignore', 'ignore', 'inherit'] });
    const calls = join(dir, 'calls');
    if (!existsSync(calls)) return [];
    return readdirSync(calls)
      .map((n) => ({
        tool: readFileSync(join(calls, n, 'tool'), 'utf8').trim(),
        args: readFileSync(join(calls, n, 'args'), 'utf8').split('\0').slice(0, -1),
        stdin: readFileSync(join(calls, n, 'stdin'), 'utf8'),
      }))
      .sort((a, b) => `${a.tool} ${a.args.join(' ')}`.localeCompare(`${b.tool} ${b.args.join(' ')}`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void test('login commands read the token from $QUAY_TOKEN on standard input; it is in no argument', () => {
  const creds = { host: 'https://quay.example.com:8443/', robot: 'acme+ci_bot' };
  assert.equal(loginCommand('docker', creds), `printf %s "$QUAY_TOKEN" | docker login --username 'acme+ci_bot' --password-stdin quay.example.com:8443`);
  assert.ok(SHELLS.length > 0);
  for (const shell of SHELLS) {
    for (const tool of ['docker', 'podman'] as const) {
      const calls = run(shell, loginCommand(tool, creds));
      // The shell's printf builtin, not the fake one on the PATH, wrote the token.
      assert.deepEqual(calls.map((c) => c.tool), [tool], `${shell}: only ${tool} ran`);
      assert.deepEqual(calls[0]?.args, ['login', '--username', 'acme+ci_bot', '--password-stdin', 'quay.example.com:8443']);
      assert.equal(calls[0]?.stdin, TOKEN, `${shell} ${tool}: the token, exactly, on standard input`);
    }
  }
  assert.throws(() => loginCommand('docker', { ...creds, robot: 'not a robot' }));
});

void test('the plain login command puts the token on the command line, quoted for the shell', () => {
  const creds = { host: 'quay.example.com:8443', robot: 'acme+ci_bot', token: TOKEN };
  assert.equal(loginCommandWithToken('podman', { ...creds, token: 'ABC123' }), `podman login -u='acme+ci_bot' -p='ABC123' quay.example.com:8443`);
  for (const shell of SHELLS) {
    const calls = run(shell, loginCommandWithToken('docker', creds));
    assert.deepEqual(calls[0]?.args, ['login', '-u=acme+ci_bot', `-p=${TOKEN}`, 'quay.example.com:8443'], shell);
  }
});

void test('the kubectl command feeds Quay\'s .dockerconfigjson on standard input and applies it; the token is in no argument', () => {
  for (const scope of ['org', 'registry'] as const) {
    const o = { host: 'quay.io', robot: 'acme+ci', scope, namespace: 'prod' };
    const command = kubectlApplySecretCommand(o);
    assert.ok(!command.includes(TOKEN.slice(0, 5)));
    for (const shell of SHELLS) {
      const calls = run(shell, command);
      assert.deepEqual(calls.map((c) => c.tool), ['kubectl', 'kubectl'], `${shell}: create, then apply; no external printf`);
      const [apply, create] = calls;
      assert.deepEqual(create?.args, [
        'create', 'secret', 'generic', 'acme-ci-pull-secret', '--type=kubernetes.io/dockerconfigjson',
        '--from-file=.dockerconfigjson=/dev/stdin', '--namespace=prod', '--dry-run=client', '-o', 'yaml',
      ]);
      assert.deepEqual(JSON.parse(create?.stdin ?? ''), JSON.parse(dockerConfigJson({ ...o, token: TOKEN })), `${shell} ${scope}: the Quay UI's docker config`);
      assert.deepEqual(apply?.args, ['apply', '-f', '-']);
      for (const c of calls) assert.ok(c.args.every((a) => !a.includes('T0K')), `${shell}: no token in the arguments of ${c.tool}`);
    }
  }
  assert.ok(!kubectlApplySecretCommand({ host: 'quay.io', robot: 'acme+ci', scope: 'registry' }).includes('--namespace'));
  assert.ok(kubectlApplySecretCommand({ host: 'quay.io', robot: 'acme+ci', scope: 'registry' }).includes(`printf '%s:%s' 'acme+ci' "$QUAY_TOKEN"`), 'the user name single-quoted (PROJQUAY-9683)');
  assert.throws(() => kubectlApplySecretCommand({ host: 'quay.io', robot: 'acme+ci', scope: 'org', namespace: 'Not Valid' }));
});

void test('the ServiceAccount patch reaches kubectl as one JSON argument; names are checked, a namespace list is read once each', () => {
  const command = kubectlPatchServiceAccountCommand({ serviceAccount: 'builder', namespace: 'prod', secretName: 'acme-ci-pull-secret' });
  assert.equal(command, `kubectl patch serviceaccount builder --namespace=prod -p '{"imagePullSecrets":[{"name":"acme-ci-pull-secret"}]}'`);
  for (const shell of SHELLS) {
    const [patch] = run(shell, command);
    assert.deepEqual(patch?.args, ['patch', 'serviceaccount', 'builder', '--namespace=prod', '-p', '{"imagePullSecrets":[{"name":"acme-ci-pull-secret"}]}'], shell);
  }
  assert.throws(() => kubectlPatchServiceAccountCommand({ serviceAccount: 'x;rm -rf', namespace: 'prod', secretName: 's' }), /not a valid/);
  assert.throws(() => kubectlPatchServiceAccountCommand({ serviceAccount: 'builder', namespace: 'Prod', secretName: 's' }), /not a valid namespace/);
  assert.deepEqual(namespaceList(' prod, staging  prod,,dev '), ['prod', 'staging', 'dev']);
  assert.deepEqual(namespaceList(' , '), []);
});

void test('shellQuote: bare when safe, single-quoted otherwise', () => {
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote('plain-1.2'), 'plain-1.2');
  assert.equal(shellQuote(''), `''`);
  assert.equal(shellQuote('$HOME'), `'$HOME'`);
});

void test('every generated login single-quotes the robot user name, as Quay\'s UI does since PROJQUAY-9683', () => {
  const creds = { host: 'quay.example.com', robot: 'acme+ci_pull' };
  for (const tool of ['docker', 'podman'] as const) {
    assert.match(loginCommand(tool, creds), / --username 'acme\+ci_pull' /);
    assert.match(loginCommandWithToken(tool, { ...creds, token: TOKEN }), / -u='acme\+ci_pull' -p='/);
  }
  assert.equal(shellQuoteAlways("it's"), `'it'\\''s'`);
});
