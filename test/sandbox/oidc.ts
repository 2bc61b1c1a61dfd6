/**
 * The test OIDC issuer served by the sandbox itself at `<url>/oidc`: discovery, JWKS and a minting
 * helper, so federation (keyless robots, contract §6) can be exercised without any external IdP.
 */
import { createHash, generateKeyPair, type KeyObject } from 'node:crypto';
import type { JsonObject } from './json';
import { b64url, signJwt, type JwtAlg } from './jwt';

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
    /** `${sandbox.url}/oidc` — the `iss` of minted tokens and the federation `issuer`. */
    readonly url: string,
    private readonly key: RsaKeyPair,
  ) {}

  get kid(): string {
    return this.key.kid;
  }

  /**
   * An RS256 (or RS384) JWT signed by the issuer's key. Defaults: `iss` = issuer URL, `iat` = now,
   * `exp` = now + `expiresInS`; `claims` override them, and a claim set to `undefined` is omitted.
   */
  mint(claims: Record<string, unknown>, options: MintOptions = {}): string {
    const now = Math.floor(Date.now() / 1000);
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
