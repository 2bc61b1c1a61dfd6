/**
 * Reading a pasted OIDC token (the claims Quay reads: contract §6.2): decoded locally, never verified, never sent anywhere by this
 * module. The token itself is never part of an error message: errors name the segment and the problem only.
 */

/** Far above any real OIDC token (Kubernetes and GitHub tokens are 1–2 KB); stops a pasted file or a binary blob. */
export const MAX_JWT_LENGTH = 16 * 1024;

export type JwtProblem = 'empty' | 'tooLarge' | 'segments' | 'base64' | 'json' | 'notObject';

export class JwtFormatError extends Error {
  override readonly name = 'JwtFormatError';
  constructor(
    readonly problem: JwtProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface DecodedJwt {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>>;
}

function decodeSegment(segment: string, name: 'header' | 'payload'): Record<string, unknown> {
  // base64url without padding (RFC 7515 §2); tolerate padding, reject anything else.
  if (segment === '' || !/^[A-Za-z0-9_-]+={0,2}$/.test(segment) || segment.replace(/=+$/, '').length % 4 === 1) {
    throw new JwtFormatError('base64', `The token's ${name} is not base64url.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwtFormatError('json', `The token's ${name} is not JSON.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwtFormatError('notObject', `The token's ${name} is not a JSON object.`);
  return value as Record<string, unknown>;
}

/**
 * Header and claims of a compact JWS (`header.payload.signature`), without verifying the signature.
 * Surrounding whitespace and a leading `Bearer ` are ignored. Throws `JwtFormatError`.
 */
export function decodeJwt(token: string): DecodedJwt {
  const text = token.trim().replace(/^bearer\s+/i, '');
  if (text === '') throw new JwtFormatError('empty', 'The token is empty.');
  if (text.length > MAX_JWT_LENGTH) throw new JwtFormatError('tooLarge', `The token is ${text.length} characters long; an OIDC token is at most ${MAX_JWT_LENGTH}.`);
  const parts = text.split('.');
  if (parts.length !== 3) {
    throw new JwtFormatError('segments', `A JWT has 3 parts separated by dots (header.payload.signature); this one has ${parts.length}.`);
  }
  return { header: decodeSegment(parts[0] ?? '', 'header'), claims: decodeSegment(parts[1] ?? '', 'payload') };
}

/** What the editor shows of a token: never the token itself. */
export interface JwtSummary {
  readonly iss?: string;
  readonly sub?: string;
  /** `aud` as a list (a single string becomes one entry). */
  readonly aud: readonly string[];
  /** `exp` as a date, when it is a number. */
  readonly expiresAt?: Date;
  readonly alg?: string;
  readonly kid?: string;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function summarizeJwt(jwt: DecodedJwt): JwtSummary {
  const { claims, header } = jwt;
  const aud = claims['aud'];
  const exp = claims['exp'];
  const iss = text(claims['iss']);
  const sub = text(claims['sub']);
  const alg = text(header['alg']);
  const kid = text(header['kid']);
  return {
    ...(iss !== undefined ? { iss } : {}),
    ...(sub !== undefined ? { sub } : {}),
    aud: typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [],
    ...(typeof exp === 'number' && Number.isFinite(exp) ? { expiresAt: new Date(exp * 1000) } : {}),
    ...(alg !== undefined ? { alg } : {}),
    ...(kid !== undefined ? { kid } : {}),
  };
}

/** The federation entry a token proposes (`iss`, `sub`), when it has both as non-empty strings. */
export function proposedEntry(jwt: DecodedJwt): { readonly issuer: string; readonly subject: string } | undefined {
  const { iss, sub } = summarizeJwt(jwt);
  return iss !== undefined && iss !== '' && sub !== undefined && sub !== '' ? { issuer: iss, subject: sub } : undefined;
}
