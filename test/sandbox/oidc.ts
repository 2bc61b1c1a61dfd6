/**
 * The test OIDC issuer the sandbox serves beside Quay: discovery, JWKS and a minting helper at
 * `https://127.0.0.1:<port>/oidc`, so federation (keyless robots, contract §6) can be exercised without
 * any external IdP. It is served over https with a certificate from the sandbox's test CA, which the
 * sandbox's exchange trusts the way a real Quay trusts its system CAs (contract §6.2 step 6).
 */
import { createHash, generateKeyPair, type KeyObject } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { JsonObject } from './json';
import { b64url, signJwt, type JwtAlg } from './jwt';
import type { TlsMaterial } from './tls';

export interface MintOptions {
  /** `null` omits the `kid` header (to provoke ``Missing `kid` header``). Default: the issuer's key id. */
  readonly kid?: string | null;
  readonly alg?: JwtAlg;
  /** Lifetime for the default `exp` (default 600 s). */
  readonly expiresInS?: number;
}

export interface RsaKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly kid: string;
}

export async function generateRsaKey(): Promise<RsaKeyPair> {
  const { privateKey, publicKey } = await new Promise<{ privateKey: KeyObject; publicKey: KeyObject }>((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048 }, (err, pub, priv) => (err ? reject(err) : resolve({ publicKey: pub, privateKey: priv }))),
  );
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const kid = b64url(createHash('sha256').update(der).digest()).slice(0, 43);
  return { privateKey, publicKey, kid };
}

export class TestIssuer {
  constructor(
    /** `https://127.0.0.1:<port>/oidc` — the `iss` of minted tokens and the federation `issuer`. */
    readonly url: string,
    private readonly key: RsaKeyPair,
    /** The sandbox's time in milliseconds (`SandboxClock.now`): `iat` and `exp` of minted tokens. */
    private readonly now: () => number,
  ) {}

  get kid(): string {
    return this.key.kid;
  }

  /**
   * An RS256 (or RS384) JWT signed by the issuer's key. Defaults: `iss` = issuer URL, `iat` = now,
   * `exp` = now + `expiresInS`; `claims` override them, and a claim set to `undefined` is omitted.
   */
  mint(claims: Record<string, unknown>, options: MintOptions = {}): string {
    const now = Math.floor(this.now() / 1000);
    const payload: Record<string, unknown> = { iss: this.url, iat: now, exp: now + (options.expiresInS ?? 600), ...claims };
    for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
    const alg = options.alg ?? 'RS256';
    const header: Record<string, unknown> = { alg, typ: 'JWT' };
    const kid = options.kid === undefined ? this.key.kid : options.kid;
    if (kid !== null) header['kid'] = kid;
    return signJwt(header, payload, this.key.privateKey, alg);
  }

  discovery(): JsonObject {
    return {
      issuer: this.url,
      jwks_uri: `${this.url}/jwks`,
      authorization_endpoint: `${this.url}/authorize`,
      token_endpoint: `${this.url}/token`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'RS384'],
    };
  }

  jwks(): JsonObject {
    const jwk = this.key.publicKey.export({ format: 'jwk' });
    return { keys: [{ kty: jwk.kty ?? 'RSA', n: jwk.n ?? '', e: jwk.e ?? '', kid: this.key.kid, use: 'sig', alg: 'RS256' }] };
  }
}

export interface IssuerServer {
  readonly issuer: TestIssuer;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(`${JSON.stringify(body)}\n`);
}

/**
 * Serves `key` as an OIDC issuer at `https://127.0.0.1:<port>/oidc` with `tls`'s certificate:
 * `GET /oidc/.well-known/openid-configuration`, `GET /oidc/jwks`, and, test-only, `POST /oidc/mint`
 * (body = claims; `?alg=RS384`, `?expires_in=N`, `?kid=none`) → `{"token": …}`.
 */
export async function serveIssuer(key: RsaKeyPair, tls: TlsMaterial, now: () => number): Promise<IssuerServer> {
  const holder: { issuer?: TestIssuer } = {};
  const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const issuer = holder.issuer;
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const route = `${req.method ?? 'GET'} ${url.pathname}`;
      if (issuer === undefined) return sendJson(res, 503, { error: 'starting' });
      if (route === 'GET /oidc/.well-known/openid-configuration') return sendJson(res, 200, issuer.discovery());
      if (route === 'GET /oidc/jwks') return sendJson(res, 200, issuer.jwks());
      if (route !== 'POST /oidc/mint') return sendJson(res, 404, { error: 'not found' });
      let claims: unknown;
      try {
        const text = Buffer.concat(chunks).toString('utf8').trim();
        claims = text === '' ? {} : JSON.parse(text);
      } catch {
        claims = undefined;
      }
      if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return sendJson(res, 400, { message: 'The request body must be a JSON object of claims' });
      const expires = Number(url.searchParams.get('expires_in') ?? '600');
      const token = issuer.mint(claims as Record<string, unknown>, {
        alg: url.searchParams.get('alg') === 'RS384' ? 'RS384' : 'RS256',
        kid: url.searchParams.get('kid') === 'none' ? null : undefined,
        expiresInS: Number.isFinite(expires) ? expires : 600,
      });
      return sendJson(res, 200, { token });
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  holder.issuer = new TestIssuer(`https://127.0.0.1:${(server.address() as AddressInfo).port}/oidc`, key, now);
  return {
    issuer: holder.issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
