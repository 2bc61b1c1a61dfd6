import assert from 'node:assert/strict';
import type { Sandbox } from '../../sandbox/server';

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  readonly json: unknown;
  readonly contentType: string;
}

export interface CallOptions {
  readonly token?: string;
  /** A JSON body (sent as application/json unless `contentType` says otherwise). */
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
  readonly redirect?: RequestRedirect;
}

export async function call(sandbox: Sandbox, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['Authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
  const res = await fetch(`${sandbox.url}${path}`, { method, headers, body, redirect: options.redirect ?? 'manual' });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json, contentType: res.headers.get('content-type') ?? '' };
}

/** A JSON object body (asserts it is one). */
export function obj(r: CallResult): Record<string, unknown> {
  assert.ok(typeof r.json === 'object' && r.json !== null && !Array.isArray(r.json), `expected a JSON object, got ${r.status} ${r.text}`);
  return r.json as Record<string, unknown>;
}

export function expectStatus(r: CallResult, status: number): void {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
}

/** Shape A (problem JSON), exact keys in order after any payload keys. */
export function expectShapeA(sandbox: Sandbox, r: CallResult, status: number, errorType: string, detail: string, payloadKeys: readonly string[] = []): void {
  expectStatus(r, status);
  assert.equal(r.contentType, 'application/json');
  assert.ok(r.text.endsWith('\n'), 'Flask-RESTful bodies end with a newline');
  const body = obj(r);
  assert.deepEqual(Object.keys(body), [...payloadKeys, 'detail', 'error_message', 'error_type', 'title', 'type', 'status']);
  assert.equal(body['detail'], detail);
  assert.equal(body['error_message'], detail);
  assert.equal(body['error_type'], errorType);
  assert.equal(body['title'], errorType);
  assert.equal(body['type'], `${sandbox.url}/api/v1/error/${errorType}`);
  assert.equal(body['status'], status);
}

/** Shape B: `{"message": …}`. */
export function expectShapeB(r: CallResult, status: number, message: unknown): void {
  expectStatus(r, status);
  assert.equal(r.contentType, 'application/json');
  assert.deepEqual(r.json, { message });
}

/** Shape C: `{"error": …}` served as text/html. */
export function expectShapeC(r: CallResult, status: number, error: string): void {
  expectStatus(r, status);
  assert.equal(r.contentType, 'text/html; charset=utf-8');
  assert.deepEqual(r.json, { error });
}

/** Shape D: `{"message": …}` from the DataModelException handler (400, compact jsonify). */
export function expectShapeD(r: CallResult, message: string): void {
  expectStatus(r, 400);
  assert.equal(r.contentType, 'application/json');
  assert.deepEqual(r.json, { message });
}

/** The raw 500 (gunicorn page). */
export function expectRaw500(r: CallResult): void {
  expectStatus(r, 500);
  assert.match(r.contentType, /^text\/html/);
  assert.match(r.text, /Internal Server Error/);
}
