import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractServerMessage, isConflictMessage, QuayApiError, reasonForStatus } from '../../../src/core/quay/errors';

void test('server message from shape A: detail first, first line only (jsonschema texts run on)', () => {
  const body = JSON.stringify({
    detail: "'foo' is not one of ['read', 'write', 'admin']\n\nFailed validating 'enum' in schema",
    error_message: 'ignored',
    error_type: 'invalid_request',
    title: 'invalid_request',
    type: 'https://quay.example.com/api/v1/error/invalid_request',
    status: 400,
  });
  assert.equal(extractServerMessage(body, 'application/json'), "'foo' is not one of ['read', 'write', 'admin']");
  assert.equal(extractServerMessage(JSON.stringify({ error_message: 'Not Found', status: 404 }), 'application/json'), 'Not Found');
});

void test('server message from shape B: string and the object form of a bad query argument', () => {
  assert.equal(
    extractServerMessage(JSON.stringify({ message: 'The browser (or proxy) sent a request that this server could not understand.' }), 'application/json'),
    'The browser (or proxy) sent a request that this server could not understand.',
  );
  assert.equal(
    extractServerMessage(JSON.stringify({ message: { limit: 'If specified, the number of robots to return.' } }), 'application/json'),
    'limit: If specified, the number of robots to return.',
  );
});

void test('server message from shape C: {"error"} served as text/html is still parsed as JSON', () => {
  assert.equal(extractServerMessage('{"error": "CSRF token was invalid or missing."}', 'text/html; charset=utf-8'), 'CSRF token was invalid or missing.');
});

void test('server message from shapes D and E, and none from raw HTML 500', () => {
  assert.equal(extractServerMessage('{"message": "Could not find robot with specified username"}\n', 'application/json'), 'Could not find robot with specified username');
  assert.equal(
    extractServerMessage(
      JSON.stringify({ message: 'System is currently read-only. Pulls will succeed but all write operations are currently suspended.', is_readonly: true }),
      'application/json',
    ),
    'System is currently read-only. Pulls will succeed but all write operations are currently suspended.',
  );
  assert.equal(
    extractServerMessage('<html><head><title>Internal Server Error</title></head><body><h1><p>Internal Server Error</p></h1></body></html>', 'text/html'),
    undefined,
  );
  assert.equal(extractServerMessage('', 'application/json'), undefined);
});

void test('nginx 429 page gives its title; plain-text 429 is taken as is', () => {
  const nginx = '<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
  assert.equal(extractServerMessage(nginx, 'text/html'), '429 Too Many Requests');
  assert.equal(
    extractServerMessage('Too many login attempts. \nPlease reset your Quay password and try again.', 'text/plain'),
    'Too many login attempts. Please reset your Quay password and try again.',
  );
});

void test('status and message map to a reason; Quay duplicates are conflicts', () => {
  assert.equal(reasonForStatus(401, undefined), 'unauthorized');
  assert.equal(reasonForStatus(403, 'CSRF token was invalid or missing.'), 'forbidden');
  assert.equal(reasonForStatus(404, undefined), 'notFound');
  assert.equal(reasonForStatus(400, 'Could not find robot with specified username'), 'invalidRequest');
  assert.equal(reasonForStatus(415, 'Did not attempt to load JSON data'), 'invalidRequest');
  assert.equal(reasonForStatus(400, 'Existing robot with name: acme+ci'), 'conflict');
  assert.equal(reasonForStatus(400, 'Duplicate federation config entry'), 'conflict');
  assert.equal(reasonForStatus(400, 'User acme+ci is already a member of team owners'), 'conflict');
  assert.equal(reasonForStatus(429, undefined), 'rateLimited');
  assert.equal(reasonForStatus(500, undefined), 'server');
  assert.equal(reasonForStatus(503, undefined), 'server');
  assert.ok(!isConflictMessage('Robot is being used by a mirror'));
});

void test('the message names the instance, the operation, the server text and the status; is() narrows', () => {
  const e = new QuayApiError({
    reason: 'invalidRequest',
    instance: 'quay.example.com',
    method: 'DELETE',
    path: '/api/v1/organization/platform/robots/mirror_bot',
    operation: { action: 'delete robot', object: 'acme+ci' },
    status: 400,
    serverMessage: 'Robot is being used by a mirror',
  });
  assert.equal(e.message, 'Quay at quay.example.com refused to delete robot acme+ci: Robot is being used by a mirror (HTTP 400)');
  assert.ok(QuayApiError.is(e, 'invalidRequest'));
  assert.ok(QuayApiError.is(e, ['conflict', 'invalidRequest']));
  assert.ok(QuayApiError.is(e));
  assert.ok(!QuayApiError.is(e, 'forbidden'));
  assert.ok(!QuayApiError.is(new Error('x'), 'invalidRequest'));
  assert.ok((e as unknown) instanceof Error);
});

void test('operation hints beat the generic hint; unauthorized says to sign in again', () => {
  const base = { instance: 'q', method: 'GET', path: '/p', status: 403 } as const;
  const specific = new QuayApiError({ ...base, reason: 'forbidden', operation: { action: 'x', hints: { forbidden: 'needs user:admin' } } });
  assert.equal(specific.userHint, 'needs user:admin');
  const generic = new QuayApiError({ ...base, status: 401, reason: 'unauthorized', operation: { action: 'x' } });
  assert.match(generic.userHint ?? '', /Sign in again with a new token/);
});
