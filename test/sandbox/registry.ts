/**
 * The registry login of Quay — contract §12 (`endpoints/v2/__init__.py`, `endpoints/v2/v2auth.py`,
 * `auth/registry_jwt_auth.py`, `util/security/registry_jwt.py`, `data/model/user.py` `verify_robot`):
 * `GET /v2/` answers with the Bearer challenge, `GET /v2/auth` trades Basic credentials (a robot and
 * its token, or a Quay-signed robot JWT from the federation exchange) for a registry JWT, and a
 * successful robot login updates `last_accessed` (throttled) and writes `login_success` (§12.6).
 * Only robots can log in: sandbox users have no passwords.
 */
import { AuthContext } from './auth';
import { renderAbortC, renderJsonify, type Reply, type RequestContext } from './context';
import { RawServerError } from './errors';
import { splitBasic } from './federation';
import { pyRepr, type Json } from './json';
import { decodeUnverified, isJwt, JwtInvalidError, signJwt, verifyJwt } from './jwt';
import type { RobotEntity } from './model';
import type { Router } from './router';
import { web, type Route, type Services } from './api/common';

const TOKEN_LIFETIME_S = 3600;
/** `REGISTRY_JWT_AUTH_MAX_FRESH_S`. */
const MAX_FRESH_S = 3660;
/** `LAST_ACCESSED_UPDATE_THRESHOLD_S` (config.py). */
const LAST_ACCESSED_THRESHOLD_MS = 60_000;
const LIBRARY_NAMESPACE = 'library';
const REPOSITORY_NAME = /^[a-z0-9][.a-z0-9_-]{0,254}$/;
/** `jwtutil.TOKEN_REGEX`. */
const BEARER = /^Bearer ((?:[a-zA-Z0-9+\-_/]+\.)+[a-zA-Z0-9+\-_/]+)$/;

/** A `V2RegistryException`: rendered `{"errors": [{"code", "detail", "message"}]}` by `jsonify`. */
class V2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
const invalidLogin = (message: string | undefined): V2Error => new V2Error('UNAUTHORIZED', message ?? 'Specified credentials are invalid', 401);
const unauthorized = (): V2Error => new V2Error('UNAUTHORIZED', 'access to the requested resource is not authorized', 401);

/** `InvalidBearerTokenException`: its text is the reason `GET /v2/` returns; elsewhere it is unhandled (500). */
class InvalidBearerToken extends Error {}

/** `get_auth_headers()`: realm = `PREFERRED_URL_SCHEME://SERVER_HOSTNAME/v2/auth` (the scheme the sandbox serves). */
function authHeaders(ctx: RequestContext, services: Services): Record<string, string> {
  const host = services.config.hostname;
  return { 'WWW-Authenticate': `Bearer realm="${ctx.url.protocol}//${host}/v2/auth",service="${host}"`, 'Docker-Distribution-API-Version': 'registry/2.0' };
}

function renderV2Error(e: V2Error, ctx: RequestContext, services: Services): Reply {
  const reply = renderJsonify(e.status, { errors: [{ code: e.code, message: e.message, detail: {} }] });
  return e.status === 401 ? { ...reply, headers: { ...reply.headers, ...authHeaders(ctx, services) } } : reply;
}

/** Python's `repr(datetime.datetime)` (seconds only when non-zero), for the max-fresh message. */
function pyDatetime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const parts = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes()];
  if (d.getUTCSeconds() !== 0) parts.push(d.getUTCSeconds());
  return `datetime.datetime(${parts.join(', ')})`;
}

/**
 * `decode_bearer_token`: kid of the instance key, RS256, `nbf`/`iat`/`exp` required, 30 s leeway,
 * `iss` = `quay`, `aud` = SERVER_HOSTNAME, at most 3660 s between `iat` and `exp`, a `sub`.
 * PyJWT's messages; throws InvalidBearerToken.
 */
export function decodeBearerToken(token: string, services: Services): Record<string, unknown> {
  try {
    const decoded = decodeUnverified(token);
    const kid = decoded.header['kid'];
    if (kid === undefined || kid === null) throw new InvalidBearerToken('Missing kid header');
    if (kid !== services.instanceKey.kid) throw new InvalidBearerToken('Unknown service key');
    const now = services.model.now() / 1000;
    const payload = verifyJwt(decoded, services.instanceKey.publicKey, { algorithms: ['RS256'], require: ['nbf', 'iat', 'exp'], leewayS: 30, nowS: now });
    if (Number(payload['nbf']) > now + 30) throw new JwtInvalidError('The token is not yet valid (nbf)');
    if (payload['iss'] !== 'quay') throw new JwtInvalidError('iss' in payload ? 'Invalid issuer' : 'Token is missing the "iss" claim');
    const aud = payload['aud'];
    if (aud === undefined || aud === null || aud === '' || (Array.isArray(aud) && aud.length === 0)) throw new JwtInvalidError('Token is missing the "aud" claim');
    const audiences: unknown[] = Array.isArray(aud) ? aud : [aud];
    if (audiences.some((a) => typeof a !== 'string')) throw new JwtInvalidError('Invalid claim format in token');
    if (!audiences.includes(services.config.hostname)) throw new JwtInvalidError("Audience doesn't match");
    const iat = Math.trunc(Number(payload['iat']));
    if (Math.trunc(Number(payload['exp'])) > iat + MAX_FRESH_S) {
      throw new JwtInvalidError(`(${pyRepr('Token was signed for more than %s seconds from %s')}, ${MAX_FRESH_S}, ${pyDatetime(iat)})`);
    }
    if (!('sub' in payload)) throw new InvalidBearerToken('Missing sub field in JWT');
    return payload;
  } catch (e) {
    if (e instanceof JwtInvalidError) throw new InvalidBearerToken(e.message);
    throw e;
  }
}

/** `generate_bearer_token`: RS256 by the instance key, header keys sorted as PyJWT writes them. */
function bearerToken(services: Services, payload: Record<string, Json>): string {
  return signJwt({ alg: 'RS256', kid: services.instanceKey.kid, typ: 'JWT' }, payload, services.instanceKey.privateKey, 'RS256');
}

/**
 * `validate_credentials` for a robot (`verify_robot`, §12.3): the robot, or the message `/v2/auth`
 * returns. A JWT password that Quay cannot decode is an unhandled exception (500).
 */
function verifyRobot(services: Services, username: string, password: string): RobotEntity | string {
  const wrongSecret = `Could not find robot with username: ${username} and supplied password.`;
  if (services.config.robotsDisallow) return 'Robot account have been disabled. Please contact your administrator.';
  // eslint-disable-next-line no-control-regex
  if (!/^[\x00-\x7f]*$/.test(password)) return wrongSecret;
  const robot = services.model.robotEntity(username);
  if (!robot) return 'Could not find robot with specified username';
  const owner = services.model.entity(robot.namespace);
  if (!owner) return `Robot ${username} owner does not exist`;
  if (owner.disabled === true) return `Robot ${username} owner ${robot.namespace} is disabled`;
  if (isJwt(password)) {
    let claims: Record<string, unknown>;
    try {
      claims = decodeBearerToken(password, services);
    } catch (e) {
      if (e instanceof InvalidBearerToken) throw new RawServerError(`InvalidBearerTokenException: ${e.message}`);
      throw e;
    }
    return claims['sub'] === username ? robot : 'Token does not match robot';
  }
  return password === robot.token ? robot : wrongSecret;
}

/** `update_last_accessed`: skipped while the stored value is less than the threshold old. */
function touch(services: Services, robot: RobotEntity): void {
  const now = services.model.now();
  if (robot.lastAccessed !== null && now - robot.lastAccessed < LAST_ACCESSED_THRESHOLD_MS) return;
  robot.lastAccessed = now;
}

interface ScopeResult {
  readonly actions: string[];
  readonly namespace: string;
  readonly repository: string;
  readonly name: string;
}

/** `_authorize_or_downscope_request`: the granted actions (possibly none), or a V2Error for the whole request. */
function authorizeScope(services: Services, auth: AuthContext, scope: string): ScopeResult | undefined {
  if (scope === '') {
    if (!auth.authenticated) throw unauthorized();
    return undefined;
  }
  const host = services.config.hostname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`^repository:((?:${host}/)?((?:[.a-zA-Z0-9_-]+/)*[.a-zA-Z0-9_-]+)):((?:push|pull|\\*)(?:,(?:push|pull|\\*))*)$`).exec(scope);
  if (!m) throw new V2Error('INVALID_REQUEST', `Unable to decode repository and actions: ${scope}`, 400);
  const [, name = '', nsAndRepo = '', actions = ''] = m;
  const requested = actions.split(',');
  const slash = nsAndRepo.indexOf('/');
  const namespace = slash < 0 ? LIBRARY_NAMESPACE : nsAndRepo.slice(0, slash);
  // `quote_plus` turns a nested name's slashes into %2F, which the name regex then refuses.
  const repository = encodeURIComponent(slash < 0 ? nsAndRepo : nsAndRepo.slice(slash + 1));
  if (!REPOSITORY_NAME.test(repository)) {
    if (nsAndRepo.split('/').length > 1) throw new V2Error('NAME_INVALID', `Nested repositories are not supported. Found: ${nsAndRepo}`, 400);
    throw new V2Error('NAME_INVALID', `Invalid repository name: ${nsAndRepo}`, 400);
  }
  const model = services.model;
  const owner = model.entity(namespace);
  if (owner?.disabled === true) throw new V2Error('DENIED', `Namespace ${namespace} has been disabled. Please contact a system administrator.`, 405);
  const result = { actions: [] as string[], namespace, repository, name };
  // CREATE_NAMESPACE_ON_PUSH is off: an unknown namespace grants nothing.
  if (!owner) return result;
  let repo = model.repo(namespace, repository);
  if (requested.includes('push') && auth.user) {
    const role = auth.repoAccess(namespace, repository);
    if (repo && (role === 'write' || role === 'admin')) result.actions.push('push');
    // Push to a repository that does not exist yet creates it for whoever may create repositories.
    else if (!repo && auth.canCreateRepo(namespace)) {
      repo = model.createRepo(namespace, repository, auth.user);
      result.actions.push('push');
    }
  }
  // Repository permissions are loaded when first checked, so a repository just created counts.
  const role = auth.repoAccess(namespace, repository);
  if (requested.includes('pull') && (role !== null || repo?.visibility === 'public')) result.actions.push('pull');
  if (requested.includes('*') && role === 'admin') {
    // `assert repository_ref.state == NORMAL` on a repository that does not exist: AttributeError.
    if (!repo) throw new RawServerError("AttributeError: 'NoneType' object has no attribute 'state'");
    result.actions.push('*');
  }
  return result;
}

/** `GET /v2/auth` (`generate_registry_jwt`). */
function registryJwt(ctx: RequestContext, services: Services): Reply {
  const header = ctx.headers.authorization ?? '';
  const scopes = ctx.url.searchParams.getAll('scope');
  let robot: RobotEntity | undefined;
  let failure: string | undefined;
  // `validate_basic_auth`: a header that is not Basic or cannot be parsed counts as missing.
  const parts = header.split(' ').filter((p) => p.length > 0);
  let credentials: string[] | undefined;
  if (parts.length === 2 && (parts[0] ?? '').toLowerCase() === 'basic') {
    try {
      credentials = splitBasic(parts[1] ?? '');
    } catch {
      credentials = undefined;
    }
  }
  if (credentials?.length === 2) {
    const [username = '', password = ''] = credentials;
    if (username.includes('+')) {
      const verified = verifyRobot(services, username, password);
      if (typeof verified === 'string') failure = verified;
      else robot = verified;
    } else failure = 'Invalid Username or Password';
  }
  try {
    if (header !== '' && !robot) throw invalidLogin(failure);
    if (!robot && scopes.length === 0) throw unauthorized();
    if (robot) touch(services, robot);
    const auth = robot ? new AuthContext(services.model, robot, null) : AuthContext.anonymous(services.model);
    const granted: ScopeResult[] = [];
    for (const scope of scopes) {
      const result = authorizeScope(services, auth, scope);
      if (result) granted.push(result);
    }
    if (robot && scopes.length === 0) {
      ctx.log('login_success', robot.namespace, { kind: 'robot', robot: robot.username, type: 'v2auth', useragent: ctx.headers['user-agent'] ?? '' }, { performer: robot });
    }
    const roots: Record<string, Json> = {};
    for (const g of granted) roots[`${g.namespace}/${g.repository}`] = '$disabled';
    const context: Record<string, Json> = robot
      ? { version: 2, entity_kind: 'robot', entity_reference: robot.username, kind: 'user', user: robot.username }
      : { version: 2, entity_kind: 'anonymous', kind: 'anonymous' };
    const now = Math.floor(services.model.now() / 1000);
    const token = bearerToken(services, {
      iss: 'quay',
      aud: ctx.arg('service') ?? null,
      nbf: now,
      iat: now,
      exp: now + TOKEN_LIFETIME_S,
      sub: robot ? robot.username : '(anonymous)',
      access: granted.map((g) => ({ type: 'repository', name: g.name, actions: g.actions })),
      context: { ...context, 'com.apostille.roots': roots, 'com.apostille.root': '$disabled' },
    });
    const reply = renderJsonify(200, { token });
    return { ...reply, headers: { ...reply.headers, 'Cache-Control': 'no-cache, no-store, must-revalidate' } };
  } catch (e) {
    if (e instanceof V2Error) return renderV2Error(e, ctx, services);
    throw e;
  }
}

/** `GET /v2/` (`v2_support_enabled`): 200 with a valid registry JWT, else 401; `true` as text/html either way. */
function v2Support(ctx: RequestContext, services: Services): Reply {
  const header = (ctx.headers.authorization ?? '').trim();
  const headers = { ...authHeaders(ctx, services) };
  if (header !== '') {
    try {
      const m = BEARER.exec(header);
      if (!m) throw new InvalidBearerToken('Invalid bearer token format');
      decodeBearerToken(m[1] ?? '', services);
    } catch (e) {
      if (!(e instanceof InvalidBearerToken)) throw e;
      const reply = renderAbortC(401, e.message, ['GET', 'HEAD', 'OPTIONS']);
      return { ...reply, headers: { ...reply.headers, ...headers } };
    }
  }
  return { status: header === '' ? 401 : 200, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers, 'X-Sparse-Manifest-Support': 'false' }, body: 'true' };
}

export function registerRegistry(router: Router<Route>): void {
  web(router, 'GET', '/v2/', v2Support);
  web(router, 'GET', '/v2/auth', registryJwt);
}
