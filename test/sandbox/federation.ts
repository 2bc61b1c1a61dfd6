/**
 * `GET /oauth2/federation/robot/token` — contract §6.2 (`endpoints/oauth/robot_identity_federation.py`,
 * `util/security/federated_robot_auth.py`, `oauth/oidc.py`).
 *
 * As in Quay, every exchange builds a fresh OIDC client from a config that holds only the issuer, so
 * `DEBUGGING` never applies: an `http://` issuer fails with a 500 ("OIDC server must be accessed over
 * SSL"), certificates are verified (against the sandbox's test CA, standing in for the system CAs), and
 * discovery and JWKS are fetched again on every exchange. The sandbox only ever connects to loopback:
 * any other issuer host is treated like an unreachable one (a 500, as in Quay).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { KeyObject } from 'node:crypto';
import { renderJsonify, type Reply, type RequestContext } from './context';
import { ModelError, RawServerError } from './errors';
import { pyRepr, pyStr } from './json';
import { decodeUnverified, JwtInvalidError, keyFromJwk, signJwt, verifyJwt, type DecodedJwt } from './jwt';
import type { Model } from './model';
import type { RsaKeyPair } from './oidc';

const FETCH_TIMEOUT_MS = 5000;
const TOKEN_LIFETIME_S = 3600;

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** GET a JSON document from a loopback URL (following redirects, verifying https against `ca`); rejects on anything else. */
function fetchJson(url: string, ca: string, redirects = 5): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return reject(new Error(`unsupported URL ${url}`));
    if (!isLoopback(parsed.hostname)) return reject(new Error(`refusing to connect to ${parsed.hostname} (the sandbox stays on loopback)`));
    const onResponse = (res: http.IncomingMessage): void => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
          fetchJson(new URL(res.headers.location, url).toString(), ca, redirects - 1).then(resolve, reject);
          return;
        }
        let json: unknown;
        try {
          json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          json = undefined;
        }
        resolve({ status, json });
      });
    };
    // python-requests' default Accept (*/*): a Kubernetes API server answers `Accept: application/json` on its
    // JWKS (served as application/jwk-set+json) with 406.
    const options = { timeout: FETCH_TIMEOUT_MS, headers: { Accept: '*/*' } };
    // requests' verify=True: the chain must lead to a trusted CA (here only the test CA) and name the host.
    const req = parsed.protocol === 'https:' ? https.get(parsed, { ...options, ca, rejectUnauthorized: true }, onResponse) : http.get(parsed, options, onResponse);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

export class FederationService {
  constructor(
    private readonly model: Model,
    private readonly instanceKey: RsaKeyPair,
    private readonly hostname: string,
    /** The CAs the exchange trusts (Quay: the system CAs; here the sandbox's test CA). */
    private readonly trustedCaPem: string,
  ) {}

  /** The instance service key's public half (to verify the tokens the exchange returns). */
  get instancePublicKey(): KeyObject {
    return this.instanceKey.publicKey;
  }
  get instanceKeyId(): string {
    return this.instanceKey.kid;
  }

  /** `_load_oidc_config_via_discovery` with `DEBUGGING` off: https only, certificate verified, no cache. */
  private async discovery(issuer: string): Promise<Record<string, unknown>> {
    if (!issuer.startsWith('https://')) throw new RawServerError('DiscoveryFailureException: OIDC server must be accessed over SSL');
    const url = `${issuer.endsWith('/') ? issuer : `${issuer}/`}.well-known/openid-configuration`;
    const { status, json } = await fetchJson(url, this.trustedCaPem);
    if (Math.floor(status / 100) !== 2 || typeof json !== 'object' || json === null) throw new RawServerError('DiscoveryFailureException');
    return json as Record<string, unknown>;
  }

  /** `_load_keys_from_url`: fetched every time a key is looked up (the per-exchange cache dies with the exchange). */
  private async keys(jwksUri: string): Promise<readonly Record<string, unknown>[]> {
    const { status, json } = await fetchJson(jwksUri, this.trustedCaPem);
    const keys = (json as { keys?: unknown } | undefined)?.keys;
    if (status !== 200 || !Array.isArray(keys)) throw new RawServerError(`Error loading JWK set - HTTP GET error: ${status}`);
    return keys.filter((k): k is Record<string, unknown> => typeof k === 'object' && k !== null);
  }

  /** `_PublicKeyCache.__missing__`: unknown kid or a non-RSA key is a PublicKeyLoadException → 500. */
  private async publicKey(jwksUri: string, kid: string): Promise<KeyObject> {
    const jwk = (await this.keys(jwksUri)).find((k) => k['kid'] === kid);
    if (!jwk) throw new RawServerError(`Public key ${kid} not found`);
    if (jwk['kty'] !== 'RSA') throw new RawServerError(`No RSA form of public key ${kid} not found`);
    try {
      return keyFromJwk(jwk);
    } catch {
      throw new RawServerError(`Public key ${kid} could not be loaded`);
    }
  }

  /** `OIDCLoginService.decode_user_jwt` with `verify_aud`/`verify_nbf` off. */
  private async decodeUserJwt(decoded: DecodedJwt, tokenIssuer: string): Promise<Record<string, unknown>> {
    const kid = decoded.header['kid'];
    if (kid === undefined || kid === null) throw new JwtInvalidError('Missing `kid` header');
    const config = await this.discovery(tokenIssuer);
    const configured = typeof config['issuer'] === 'string' ? config['issuer'] : tokenIssuer;
    const issuers = [configured];
    if (!issuers.map((i) => i.replace(/\/+$/, '')).includes(tokenIssuer.replace(/\/+$/, ''))) {
      throw new JwtInvalidError(`Issuer ${pyRepr(tokenIssuer)} not in configured issuers: ${pyRepr(issuers)}`);
    }
    const jwksUri = config['jwks_uri'];
    if (typeof jwksUri !== 'string') throw new RawServerError("KeyError: 'jwks_uri'");
    const options = { algorithms: ['RS256', 'RS384'] as const, require: ['iat', 'exp'], leewayS: 30, nowS: this.model.now() / 1000 };
    const kidText = pyStr(kid);
    try {
      return verifyJwt(decoded, await this.publicKey(jwksUri, kidText), options);
    } catch (e) {
      if (!(e instanceof JwtInvalidError)) throw e;
      // Quay retries once with freshly fetched keys before giving up.
      return verifyJwt(decoded, await this.publicKey(jwksUri, kidText), options);
    }
  }

  /** The whole exchange; returns the Flask response (errors of shapes "401 {error}" / D / 500 thrown or returned). */
  async exchange(ctx: RequestContext): Promise<Reply> {
    const header = ctx.headers.authorization ?? '';
    const fail = (message: string): Reply => renderJsonify(401, { error: message });
    if (!header) return fail('No auth header');
    const parts = header.split(' ').filter((p) => p.length > 0);
    if (parts.length === 0 || (parts[0] ?? '').toLowerCase() !== 'basic' || parts.length !== 2) return fail('Invalid basic auth header');
    let credentials: string[];
    try {
      credentials = splitBasic(parts[1] ?? '');
    } catch {
      return fail('Could not parse basic auth header');
    }
    if (credentials.length !== 2) return fail('Unexpected number of credentials found in basic auth header');
    const [username = '', password = ''] = credentials;
    if (!username.includes('+')) return fail('Invalid robot');

    // eslint-disable-next-line no-control-regex
    const robot = /^[\x00-\x7f]*$/.test(username) ? this.model.robotEntity(username) : undefined;
    if (!robot) throw new ModelError('Could not find robot with specified username');

    let decoded: DecodedJwt;
    try {
      decoded = decodeUnverified(password);
    } catch {
      throw new RawServerError('DecodeError: the password is not a JWT');
    }
    const iss = decoded.payload['iss'];
    if (iss === undefined || iss === null || iss === '' || iss === false || iss === 0) throw new ModelError('Token does not contain issuer');
    if (robot.federation.length === 0) throw new ModelError('Robot does not have federated login configured');
    const tokenIssuer = pyStr(iss);
    const subjects = robot.federation.filter((f) => f.issuer === iss).map((f) => f.subject);
    if (subjects.length === 0) throw new ModelError(`issuer ${tokenIssuer} not configured for this robot`);

    let claims: Record<string, unknown>;
    try {
      claims = await this.decodeUserJwt(decoded, tokenIssuer);
    } catch (e) {
      if (e instanceof JwtInvalidError) throw new ModelError(`Invalid token: ${e.message}`);
      if (e instanceof ModelError || e instanceof RawServerError) throw e;
      throw new RawServerError(e instanceof Error ? e.message : String(e));
    }
    const sub = claims['sub'];
    if (typeof sub !== 'string' || !subjects.includes(sub)) throw new ModelError('Token does not match robot');

    this.model.addLog({
      kind: 'federated_robot_token_exchange',
      account: robot.namespace,
      performer: null,
      ip: ctx.ip,
      metadata: { subject: sub, issuer: tokenIssuer, robot: robot.shortName },
    });
    return renderJsonify(200, { token: this.robotToken(robot.username) });
  }

  /** `generate_temp_robot_jwt_token`: RS256 by the instance key, 3600 s, `aud` = SERVER_HOSTNAME. */
  robotToken(robotName: string): string {
    const now = Math.floor(this.model.now() / 1000);
    const payload = {
      iss: 'quay',
      aud: this.hostname,
      nbf: now,
      iat: now,
      exp: now + TOKEN_LIFETIME_S,
      sub: robotName,
      // An empty object, not a list (contract §6.2).
      access: {},
      context: {
        version: 2,
        entity_kind: 'robot',
        entity_reference: robotName,
        kind: 'user',
        user: robotName,
        'com.apostille.roots': null,
        'com.apostille.root': '$disabled',
      },
    };
    // PyJWT writes the header with sorted keys.
    return signJwt({ alg: 'RS256', kid: this.instanceKey.kid, typ: 'JWT' }, payload, this.instanceKey.privateKey, 'RS256');
  }
}

/** `_parse_basic_auth_header`'s decoding: base64 (lenient like Python's), split on the first ':', UTF-8. */
export function splitBasic(encoded: string): string[] {
  const cleaned = encoded.replace(/[^A-Za-z0-9+/=]/g, '');
  const body = cleaned.replace(/=+$/, '');
  if (body.length % 4 === 1) throw new Error('Incorrect padding');
  const padded = cleaned.length % 4 === 0 ? cleaned : null;
  if (padded === null) throw new Error('Incorrect padding');
  const bytes = Buffer.from(padded, 'base64');
  const i = bytes.indexOf(0x3a);
  const parts = i < 0 ? [bytes] : [bytes.subarray(0, i), bytes.subarray(i + 1)];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return parts.map((p) => decoder.decode(p));
}
