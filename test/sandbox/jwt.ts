/**
 * Just enough JWT for the sandbox, with node:crypto: RS256/RS384 signing (the test issuer and the
 * instance key), unverified decoding (issuer lookup) and PyJWT-compatible verification with PyJWT's
 * error messages, which Quay returns verbatim after `Invalid token: ` (contract §6.2).
 */
import { createPublicKey, createSign, createVerify, type JsonWebKey, type KeyObject } from 'node:crypto';

export type JwtAlg = 'RS256' | 'RS384';
const HASH: Readonly<Record<JwtAlg, string>> = { RS256: 'RSA-SHA256', RS384: 'RSA-SHA384' };

export const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

export function b64urlDecode(text: string): Buffer {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new JwtDecodeError('Invalid crypto padding');
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** PyJWT's `DecodeError` (and its base `InvalidTokenError`): the message becomes Quay's error text. */
export class JwtInvalidError extends Error {}
export class JwtDecodeError extends JwtInvalidError {}

export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject, alg: JwtAlg): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = createSign(HASH[alg]).update(input).sign(key);
  return `${input}.${b64url(signature)}`;
}

export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly signingInput: string;
  readonly signature: Buffer;
}

function parseJsonObject(data: Buffer, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    throw new JwtDecodeError(`Invalid ${what} padding`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new JwtDecodeError(`Invalid ${what} string: must be a json object`);
  return parsed as Record<string, unknown>;
}

/** `api_jws._load` + payload decoding, without any verification. Throws `JwtDecodeError`. */
export function decodeUnverified(token: string): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtDecodeError(parts.length < 3 ? 'Not enough segments' : 'Invalid header padding');
  const [h = '', p = '', s = ''] = parts;
  const header = parseJsonObject(b64urlDecode(h), 'header');
  const payload = parseJsonObject(b64urlDecode(p), 'payload');
  return { header, payload, signingInput: `${h}.${p}`, signature: b64urlDecode(s) };
}

/** `util.security.jwtutil.is_jwt`: a decodable header whose `typ` is `JWT` or `at+jwt`. */
export function isJwt(token: string): boolean {
  try {
    const [h = ''] = token.split('.');
    if (token.split('.').length !== 3) return false;
    const header = parseJsonObject(b64urlDecode(h), 'header');
    const typ = header['typ'];
    return typeof typ === 'string' && ['jwt', 'at+jwt'].includes(typ.toLowerCase());
  } catch {
    return false;
  }
}

export interface VerifyOptions {
  readonly algorithms: readonly JwtAlg[];
  readonly require: readonly string[];
  readonly leewayS: number;
  /** The sandbox's time in seconds (`SandboxClock`). */
  readonly nowS: number;
}

/**
 * PyJWT 2.x `decode` with `verify_aud`/`verify_nbf` off, in PyJWT's order: algorithm, signature,
 * required claims, `iat`, `exp`, `sub` type. Returns the payload or throws `JwtInvalidError`.
 */
export function verifyJwt(decoded: DecodedJwt, key: KeyObject, options: VerifyOptions): Record<string, unknown> {
  const alg = decoded.header['alg'];
  if (alg === undefined) throw new JwtInvalidError('Algorithm not specified');
  if (typeof alg !== 'string' || !(options.algorithms as readonly string[]).includes(alg)) throw new JwtInvalidError('The specified alg value is not allowed');
  const ok = createVerify(HASH[alg as JwtAlg]).update(decoded.signingInput).verify(key, decoded.signature);
  if (!ok) throw new JwtInvalidError('Signature verification failed');
  const payload = decoded.payload;
  for (const claim of options.require) {
    if (payload[claim] === undefined || payload[claim] === null) throw new JwtInvalidError(`Token is missing the "${claim}" claim`);
  }
  const now = options.nowS;
  const asInt = (v: unknown): number | undefined => {
    if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
    if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return parseInt(v, 10);
    return undefined;
  };
  if ('iat' in payload) {
    const iat = asInt(payload['iat']);
    if (iat === undefined) throw new JwtInvalidError('Issued At claim (iat) must be an integer.');
    if (iat > now + options.leewayS) throw new JwtInvalidError('The token is not yet valid (iat)');
  }
  if ('exp' in payload) {
    const exp = asInt(payload['exp']);
    if (exp === undefined) throw new JwtDecodeError('Expiration Time claim (exp) must be an integer.');
    if (exp <= now - options.leewayS) throw new JwtInvalidError('Signature has expired');
  }
  if ('sub' in payload && typeof payload['sub'] !== 'string') throw new JwtInvalidError('Subject must be a string');
  return payload;
}

/** An RSA public JWK → KeyObject (throws on anything else). */
export function keyFromJwk(jwk: Record<string, unknown>): KeyObject {
  return createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
}
