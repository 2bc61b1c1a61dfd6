/**
 * The five error shapes of contract §0.4, as throwables. A handler throws; `app.ts` renders.
 * Each class mirrors where Quay raises it: `ApiException` subclasses (A), Werkzeug HTTP exceptions
 * inside Flask-RESTful views (B), `util.http.abort` (C), uncaught `DataModelException` (D), and
 * anything unhandled (a raw 500 from gunicorn).
 */
import type { Json, JsonObject } from './json';

export type ApiErrorType =
  | 'external_service_timeout'
  | 'invalid_request'
  | 'invalid_response'
  | 'invalid_token'
  | 'expired_token'
  | 'insufficient_scope'
  | 'fresh_login_required'
  | 'exceeds_license'
  | 'not_found'
  | 'downstream_issue'
  | 'tag_immutable'
  | 'token_rotation_failed';

export const ERROR_DESCRIPTIONS: Readonly<Record<ApiErrorType, string>> = {
  external_service_timeout: 'An external service timed out. Retrying the request may resolve the issue.',
  invalid_request: 'The request was invalid. It may have contained invalid values or was improperly formatted.',
  invalid_response: 'The response was invalid.',
  invalid_token: 'The access token provided was invalid.',
  expired_token: 'The access token provided has expired.',
  insufficient_scope: 'The access token did not have sufficient scope to access the requested resource.',
  fresh_login_required: 'The action requires a fresh login to succeed.',
  exceeds_license: 'The action was refused because the current license does not allow it.',
  not_found: 'The resource was not found.',
  downstream_issue: 'An error occurred in a downstream service.',
  tag_immutable: 'The tag is immutable and cannot be modified or deleted.',
  token_rotation_failed: 'Token rotation failed.',
};

/** Shape A: problem-JSON `{…payload, detail, error_message, error_type, title, type, status}`. */
export class ApiException extends Error {
  constructor(
    readonly errorType: ApiErrorType,
    readonly status: number,
    readonly detail: string,
    readonly payload: JsonObject = {},
  ) {
    super(detail);
  }
}

export const invalidRequest = (detail: string): ApiException => new ApiException('invalid_request', 400, detail);
export const notFound = (): ApiException => new ApiException('not_found', 404, 'Not Found');

/**
 * `endpoints.exception.Unauthorized`: 401 `invalid_token` when nobody is authenticated, else 403
 * `insufficient_scope`.
 */
export function unauthorized(authenticated: boolean, payload: JsonObject = {}): ApiException {
  return authenticated
    ? new ApiException('insufficient_scope', 403, 'Unauthorized', payload)
    : new ApiException('invalid_token', 401, 'Requires authentication', payload);
}

/** Shape B: `{"message": …}` from a Werkzeug HTTP exception inside a Flask-RESTful view. */
export class FrAbort extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(typeof body === 'string' ? body : `HTTP ${status}`);
  }
}

export const WERKZEUG_MESSAGES = {
  400: 'The browser (or proxy) sent a request that this server could not understand.',
  403: "You don't have the permission to access the requested resource. It is either read-protected or not readable by the server.",
  405: 'The method is not allowed for the requested URL.',
  415: "Did not attempt to load JSON data because the request Content-Type was not 'application/json'.",
} as const;

export const badRequestB = (): FrAbort => new FrAbort(400, WERKZEUG_MESSAGES[400]);
export const forbiddenB = (): FrAbort => new FrAbort(403, WERKZEUG_MESSAGES[403]);

/** Shape C: `util.http.abort` — `{"error": msg}` served as text/html. */
export class HttpAbort extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Shape D: an uncaught `DataModelException` → 400 `{"message": str(ex)}` via `jsonify`. */
export class ModelError extends Error {}

/** Anything Quay does not handle: gunicorn's bare 500 page. */
export class RawServerError extends Error {}
