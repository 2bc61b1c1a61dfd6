import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { classifyKubectlFailure, CLASSIFIED_STDERR_CHARS, Kubectl, KUBECTL_FAILURE_PATTERNS, KubectlError, QUOTED_LINE_CHARS } from '../../../src/core/k8s/kubectl';

// Standard error lines as kubectl 1.20 prints them (the real-cluster tests in test/cluster/ cover the rest).
void test('a context the kubeconfig lacks is named in one sentence', () => {
  const e = classifyKubectlFailure('Error in configuration: context was not found for specified context: nope\n', 'nope');
  assert.equal(e.kind, 'noContext');
  assert.equal(e.message, 'The kubeconfig has no context "nope".');
});

void test('an unreachable server says which context and quotes kubectl', () => {
  const e = classifyKubectlFailure('The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?\n', 'dead');
  assert.equal(e.kind, 'unreachable');
  assert.equal(e.message, 'Cannot reach the cluster of context "dead": The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?');
  assert.equal(classifyKubectlFailure('Unable to connect to the server: dial tcp: lookup k8s.invalid: no such host', 'x').kind, 'unreachable');
  assert.equal(classifyKubectlFailure('error: You must be logged in to the server (Unauthorized)', 'x').kind, 'unreachable');
});

void test('forbidden, conflict and not found are told apart', () => {
  const forbidden = classifyKubectlFailure('Error from server (Forbidden): secrets is forbidden: User "alice" cannot list resource "secrets" in API group "" in the namespace "team-c"', 'kind');
  assert.equal(forbidden.kind, 'forbidden');
  assert.match(forbidden.message, /^Forbidden in context "kind": Error from server \(Forbidden\): secrets is forbidden/);
  const conflict = classifyKubectlFailure('Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on secrets "pull": the object has been modified; please apply your changes to the latest version and try again', 'kind');
  assert.equal(conflict.kind, 'conflict');
  assert.equal(classifyKubectlFailure('Error from server (NotFound): secrets "x" not found', 'kind').kind, 'notFound');
  const other = classifyKubectlFailure('error: something else\n', undefined);
  assert.equal(other.kind, 'failed');
  assert.equal(other.message, 'kubectl failed for the current context: something else');
});

void test('a kubectl that does not exist is reported with the setting to fix it', async () => {
  const kubectl = new Kubectl({ path: '/nonexistent/kubectl' });
  await assert.rejects(kubectl.contexts(), (e: unknown) => {
    assert.ok(e instanceof KubectlError);
    assert.equal(e.kind, 'missing');
    assert.equal(e.message, 'kubectl was not found at "/nonexistent/kubectl". Install kubectl or set quay.kubectl.path to its location.');
    return true;
  });
  assert.equal(new Kubectl({ path: '  ' }).path, 'kubectl');
});

// Security review 2026-12, finding 3: a 2.2 MiB stderr line froze the extension host for 112 s (quadratic
// backtracking in `The connection to the server .* was refused`) and went whole into the message.
void test('a hostile 2.2 MiB stderr line is classified on its first 8 KiB and quoted in at most 300 characters', () => {
  const hostile = `Error from server (BadRequest): ${'The connection to the server '.repeat(80_000)}\n`;
  assert.ok(hostile.length > 2.2 * 1024 * 1024);
  const e = classifyKubectlFailure(hostile, 'kind');
  assert.equal(e.kind, 'failed');
  assert.ok(e.message.startsWith('kubectl failed for context "kind": Error from server (BadRequest): The connection to the server '), e.message.slice(0, 200));
  assert.ok(e.message.length <= 'kubectl failed for context "kind": '.length + QUOTED_LINE_CHARS + 1, `message of ${e.message.length} characters`);
  assert.ok(e.message.endsWith('…'));
  assert.ok(e.stderr.length <= CLASSIFIED_STDERR_CHARS + 1, `stderr of ${e.stderr.length} characters kept`);
  // What kubectl says after the first 8 KiB is not looked at; a long line that does say it is quoted cut short.
  assert.equal(classifyKubectlFailure(`${'W1207 warning\n'.repeat(1000)}error: (Forbidden) nope`, 'kind').kind, 'failed');
  const refused = classifyKubectlFailure(`The connection to the server ${'h'.repeat(150)} was refused - did you specify the right host or port?${'x'.repeat(5000)}`, 'kind');
  assert.equal(refused.kind, 'unreachable');
  assert.ok(refused.message.length < 400);
});

void test('the failure patterns have no unbounded wildcard (linear by construction)', () => {
  for (const [kind, re] of Object.entries(KUBECTL_FAILURE_PATTERNS)) {
    assert.doesNotMatch(re.source, /\.[*+]|\.\{\d+,\}/, kind);
    // Every run quantifier is a negated class whose stop character follows it, or a bounded one.
    for (const m of re.source.matchAll(/\[\^([^\]]*)\]([*+]|\{\d+,\d+\})/g)) {
      if (m[2] === '*' || m[2] === '+') assert.ok(m[1]?.includes(re.source.charAt((m.index ?? 0) + m[0].length)), `${kind}: ${m[0]} is followed by a character it excludes`);
    }
  }
});

// Security review 2026-12, finding 2: in an untrusted workspace the extension builds its Kubectl with a refusal,
// and nothing is run (src/host/kubectl.ts), as git is not run there.
void test('a Kubectl with a refusal (untrusted workspace) runs nothing and says why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quay-untrusted-'));
  const ran = join(dir, 'RAN');
  const program = join(dir, 'kubectl');
  writeFileSync(program, `#!/bin/sh\necho "$@" > '${ran}'\necho admin\n`);
  chmodSync(program, 0o755);
  try {
    assert.deepEqual((await new Kubectl({ path: program }).contexts()).names, ['admin'], 'the fake kubectl works when allowed');
    rmSync(ran);
    const refusal = 'This workspace is not trusted, so no kubectl is run. Trust the workspace to use clusters.';
    const kubectl = new Kubectl({ path: program, refusal });
    for (const call of [() => kubectl.contexts(), () => kubectl.getJson('admin', ['secrets', '--all-namespaces']), () => kubectl.replace('admin', {}), () => kubectl.requestToken('admin', 'prod', 'app', 'aud')]) {
      await assert.rejects(call(), (e: unknown) => e instanceof KubectlError && e.kind === 'untrusted' && e.message === refusal);
    }
    assert.equal(existsSync(ran), false, 'the program never ran');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
