/**
 * The Quay application behind the sandbox's HTTP server: routing, the API decorator chain in
 * Quay's order (auth → CSRF → the handler's own checks), and rendering of results and errors.
 * Fault injection, latency and rate limiting live in `server.ts` (they are not Quay).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { registerAccount } from './api/account';
import { registerClientConfig } from './api/clientConfig';
import { web, type Result, type Route, type Services } from './api/common';
import { registerLogs } from './api/logs';
import { registerMirrors } from './api/mirrors';
import { registerPermissions } from './api/permissions';
import { registerPrototypes } from './api/prototypes';
import { registerRepositories } from './api/repositories';
import { registerRobots } from './api/robots';
import { registerRegistry } from './registry';
import { registerTeams } from './api/teams';
import { AuthContext } from './auth';
import {
  renderAbortC,
  renderGunicorn500,
  renderHtml404,
  renderHtml405,
  renderJsonify,
  renderProblem,
  renderRedirect308,
  renderRestful,
  RequestContext,
  type Reply,
} from './context';
import { ApiException, FrAbort, HttpAbort, ModelError, RawServerError, WERKZEUG_MESSAGES } from './errors';
import { decodeUnverified, isJwt } from './jwt';
import { pyStr } from './json';
import { Router } from './router';

function buildRouter(): Router<Route> {
  const router = new Router<Route>();
  registerAccount(router);
  registerRobots(router);
  registerPermissions(router);
  registerPrototypes(router);
  registerTeams(router);
  registerLogs(router);
  registerRepositories(router);
  registerRegistry(router);
  registerMirrors(router);
  registerClientConfig(router);

  web(router, 'GET', '/oauth2/federation/robot/token', (ctx, services) => services.federation.exchange(ctx));
  web(router, 'GET', '/health/instance', () => renderJsonify(200, { data: { services: { auth: true, database: true, disk_space: true, registry_gunicorn: true, service_key: true, web_gunicorn: true } }, status_code: 200 }));
  return router;
}

export interface IncomingRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly ip: string;
}

export class QuayApp {
  private readonly router = buildRouter();

  constructor(readonly services: Services) {}

  async handle(req: IncomingRequest): Promise<Reply> {
    const baseUrl = `${req.url.protocol}//${req.headers.host ?? this.services.config.hostname}`;
    let path: string;
    try {
      path = decodeURIComponent(req.url.pathname);
    } catch {
      path = req.url.pathname;
    }
    const route = this.router.match(req.method, path);
    if (route.kind === 'not-found') return renderHtml404();
    if (route.kind === 'redirect') return renderRedirect308(`${baseUrl}${req.url.pathname}/${req.url.search}`);
    const isOptions = route.kind === 'method-not-allowed' && req.method === 'OPTIONS';
    if (route.kind === 'method-not-allowed' && !isOptions) {
      if (route.api) return { ...renderRestful(405, { message: WERKZEUG_MESSAGES[405] }), headers: { 'Content-Type': 'application/json', Allow: route.allowed.join(', ') } };
      return renderHtml405(route.allowed);
    }
    if (!route.api && isOptions) return { status: 200, headers: { Allow: route.allowed.join(', '), 'Content-Type': 'text/html; charset=utf-8' }, body: '' };

    const model = this.services.model;
    const allowed = route.allowed;
    try {
      let auth = AuthContext.anonymous(model);
      if (route.api) {
        auth = this.authenticate(req.headers.authorization);
        // csrf_protect: skipped with a valid OAuth token; otherwise every non-GET/HEAD call fails.
        if (auth.token === null && req.method !== 'GET' && req.method !== 'HEAD') throw new HttpAbort(403, 'CSRF token was invalid or missing.');
      }
      if (isOptions) return renderRestful(200, null);
      if (route.kind !== 'match') return renderHtml404();
      const ctx = new RequestContext(model, auth, req.url, req.method, req.headers, req.body, route.params, req.ip, baseUrl);
      const result: Result = await route.handler.handler(ctx, this.services);
      if ('body' in result) return result;
      return renderRestful(result.status, result.json);
    } catch (e) {
      return this.renderError(e, baseUrl, allowed);
    }
  }

  /** `process_oauth` → `validate_bearer_auth`: bad tokens are anonymous; SSO-JWT failures abort 401 (shape C). */
  private authenticate(header: string | undefined): AuthContext {
    const model = this.services.model;
    if (!header) return AuthContext.anonymous(model);
    const parts = header.split(' ').filter((p) => p.length > 0);
    if (parts.length !== 2 || (parts[0] ?? '').toLowerCase() !== 'bearer') return AuthContext.anonymous(model);
    const token = parts[1] ?? '';
    if (isJwt(token)) {
      let issuer: unknown;
      try {
        issuer = decodeUnverified(token).payload['iss'];
      } catch {
        throw new RawServerError('DecodeError');
      }
      if (!issuer) throw new HttpAbort(401, 'Token does not contain issuer');
      throw new HttpAbort(401, `Issuer ${pyStr(issuer)} not configured`);
    }
    const record = model.validToken(token);
    if (!record) return AuthContext.anonymous(model);
    return new AuthContext(model, model.user(record.username) ?? null, record);
  }

  private renderError(e: unknown, baseUrl: string, allowed: readonly string[]): Reply {
    if (e instanceof ApiException) return renderProblem(e, baseUrl);
    if (e instanceof FrAbort) return renderRestful(e.status, { message: e.body });
    // No authenticated user ever reaches a shape-C abort in the sandbox (a valid token skips CSRF),
    // so the " (authorized: …)" suffix never applies.
    if (e instanceof HttpAbort) return renderAbortC(e.status, e.message, allowed);
    if (e instanceof ModelError) return renderJsonify(400, { message: e.message });
    if (!(e instanceof RawServerError)) console.error('[quay-sandbox] unhandled error:', e);
    return renderGunicorn500();
  }
}
