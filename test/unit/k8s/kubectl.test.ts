import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyKubectlFailure, Kubectl, KubectlError } from '../../../src/core/k8s/kubectl';

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
