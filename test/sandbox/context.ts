/**
 * One request as a handler sees it (query args with Flask-RESTful's parsing rules, JSON bodies with
 * Werkzeug's rules, the caller's `AuthContext`, audit logging with Quay's metadata), and the
 * byte-exact renderers for every kind of response the sandbox sends.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AuthContext } from './auth';
import { type ApiException, badRequestB, FrAbort, invalidRequest, RawServerError, unauthorized, WERKZEUG_MESSAGES } from './errors';
import { pyDumps, type Json, type JsonObject } from './json';
import type { Entity, Model, Repository } from './model';
import { validateSchema, type Schema } from './schema';

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: string;
  /** Close the connection after the response (gunicorn's error page does). */
  readonly close?: boolean;
}

/** What an API handler returns: rendered by Flask-RESTful (`json.dumps(data) + "\n"`). */
export interface ApiResult {
  readonly status: number;
  /** Undefined = empty body (204). */
  readonly json?: Json;
}

export const ok = (json: Json, status = 200): ApiResult => ({ status, json });
export const noContent = (): ApiResult => ({ status: 204 });

// ----- renderers --------------------------------------------------------------------------------

/** Flask-RESTful `output_json`: Python `json.dumps` with default separators plus a newline. */
export function renderRestful(status: number, json: Json | undefined): Reply {
  if (json === undefined) return { status, headers: { 'Content-Type': 'application/json' }, body: '' };
  return { status, headers: { 'Content-Type': 'application/json' }, body: `${pyDumps(json)}\n` };
}

/** Flask `jsonify`: compact, sorted keys, newline. Used for DataModelException (shape D) and plain Flask views. */
export function renderJsonify(status: number, json: Json): Reply {
  return { status, headers: { 'Content-Type': 'application/json' }, body: `${pyDumps(json, { compact: true, sortKeys: true })}\n` };
}

/** `util.http.abort` (shape C): JSON body, but `text/html` because it goes through `make_response(str)`. */
export function renderAbortC(status: number, message: string, allowed: readonly string[]): Reply {
  return {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Methods': allowed.join(', '),
      'Access-Control-Max-Age': '21600',
      'Access-Control-Allow-Headers': ['Authorization', 'Content-Type'],
      Vary: 'Origin',
    },
    body: pyDumps({ error: message }),
  };
}

export function renderProblem(e: ApiException, baseUrl: string): Reply {
  const body: Record<string, Json> = { ...e.payload };
  body['detail'] = e.detail;
  body['error_message'] = e.detail;
  body['error_type'] = e.errorType;
  body['title'] = e.errorType;
  body['type'] = `${baseUrl}/api/v1/error/${e.errorType}`;
  body['status'] = e.status;
  return renderRestful(e.status, body);
}

function werkzeugPage(code: number, name: string, description: string): string {
  return `<!doctype html>\n<html lang=en>\n<title>${code} ${name}</title>\n<h1>${name}</h1>\n<p>${description}</p>\n`;
}

export function renderHtml404(): Reply {
  return {
    status: 404,
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
    body: werkzeugPage(404, 'Not Found', 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.'),
  };
}

export function renderHtml405(allowed: readonly string[]): Reply {
  return { status: 405, headers: { 'Content-Type': 'text/html; charset=utf-8', Allow: allowed.join(', ') }, body: werkzeugPage(405, 'Method Not Allowed', WERKZEUG_MESSAGES[405]) };
}

export function renderRedirect308(location: string): Reply {
  const escaped = location.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return {
    status: 308,
    headers: { 'Content-Type': 'text/html; charset=utf-8', Location: location },
    body: `<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href="${escaped}">${escaped}</a>. If not, click the link.\n`,
  };
}

/** gunicorn's bare error page for an exception nobody handled (contract §0.4 E). */
export function renderGunicorn500(): Reply {
  const body = '<html>\n  <head>\n    <title>Internal Server Error</title>\n  </head>\n  <body>\n    <h1><p>Internal Server Error</p></h1>\n    \n  </body>\n</html>\n';
  return { status: 500, headers: { 'Content-Type': 'text/html' }, body, close: true };
}

/** nginx's `limit_req` rejection with `server_tokens off` — no Retry-After (contract §0.7). */
export function renderNginx429(): Reply {
  const body = '<html>\r\n<head><title>429 Too Many Requests</title></head>\r\n<body>\r\n<center><h1>429 Too Many Requests</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
  return { status: 429, headers: { 'Content-Type': 'text/html' }, body };
}

// ----- the request ------------------------------------------------------------------------------

/** `util.parsing.truthy_bool`. */
export function truthyBool(value: string): boolean {
  return !['false', 'False', 'FALSE', '0', 'null', ''].includes(value);
}

const SERVICE_NAMESPACE_PREFIX = '/api/v1/';

export class RequestContext {
  readonly method: string;
  readonly path: string;

  constructor(
    readonly model: Model,
    readonly auth: AuthContext,
    readonly url: URL,
    method: string,
    readonly headers: IncomingHttpHeaders,
    readonly body: Buffer,
    readonly params: Readonly<Record<string, string>>,
    readonly ip: string,
    /** `scheme://host` of the request, for absolute URLs (shape A `type`). */
    readonly baseUrl: string,
  ) {
    this.method = method;
    this.path = url.pathname;
  }

  param(name: string): string {
    return this.params[name] ?? '';
  }

  /** `namespace/name` of an `apirepopath` parameter (first segment = namespace). */
  repoParam(): { namespace: string; name: string } {
    const full = this.param('repository');
    const i = full.indexOf('/');
    return { namespace: full.slice(0, i), name: full.slice(i + 1) };
  }

  get isApi(): boolean {
    return this.path.startsWith(SERVICE_NAMESPACE_PREFIX);
  }

  arg(name: string): string | undefined {
    return this.url.searchParams.get(name) ?? undefined;
  }

  boolArg(name: string, fallback: boolean): boolean {
    const v = this.arg(name);
    return v === undefined ? fallback : truthyBool(v);
  }

  /** A reqparse `type=int` argument; a bad value is a 400 shape B with the argument's help text. */
  intArg(name: string, help: string): number | undefined {
    const v = this.arg(name);
    if (v === undefined) return undefined;
    // Python int(): surrounding whitespace, a sign and digit-group underscores are fine.
    if (!/^\s*[+-]?\d+(?:_\d+)*\s*$/.test(v)) throw new FrAbort(400, { [name]: help });
    return parseInt(v.replace(/_/g, '').trim(), 10);
  }

  unauthorized(payload: JsonObject = {}): ApiException {
    return unauthorized(this.auth.authenticated, payload);
  }

  /** Werkzeug `Request.is_json`. */
  get isJson(): boolean {
    const ct = (this.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    return ct === 'application/json' || (ct.startsWith('application/') && ct.endsWith('+json'));
  }

  /** `request.get_json(silent=…)`: 415/400 shape B when not silent, null when silent. */
  getJson(silent: boolean): unknown {
    if (!this.isJson) {
      if (silent) return null;
      throw new FrAbort(415, WERKZEUG_MESSAGES[415]);
    }
    try {
      return JSON.parse(this.body.toString('utf8')) as unknown;
    } catch {
      if (silent) return null;
      throw badRequestB();
    }
  }

  /** `@validate_json_request(schema, optional)`. Returns the body (null when optional and absent). */
  validateJson(schema: Schema, optional: boolean): unknown {
    const data = this.getJson(optional);
    if (data === null) {
      if (!optional) throw invalidRequest('Missing JSON body');
      return null;
    }
    const error = validateSchema(schema, data);
    if (error !== undefined) throw invalidRequest(error);
    return data;
  }

  /** `@max_json_size`: an oversized JSON body raises `InvalidRequest()` without its argument → 500. */
  maxJsonSize(max: number): void {
    if (this.isJson && this.body.length > max) throw new RawServerError('InvalidRequest() missing error_description');
  }

  /**
   * `endpoints.api.log_action`: metadata plus the `oauth_token_*` keys when an OAuth token is in
   * use; performer = the authenticated user unless given.
   */
  log(kind: string, account: string, metadata: Record<string, Json>, options: { repo?: Repository; performer?: Entity | null } = {}): void {
    const md: Record<string, Json> = { ...metadata };
    const token = this.auth.token;
    if (token) {
      md['oauth_token_id'] = token.id;
      md['oauth_token_application_id'] = token.application.clientId;
      md['oauth_token_application'] = token.application.name;
    }
    this.model.addLog({ kind, account, repo: options.repo ?? null, performer: options.performer === undefined ? this.auth.user : options.performer, ip: this.ip, metadata: md });
  }
}
