import { createFetchJson } from '../../../src/core/federation/fetchJson';
import type { FetchJson } from '../../../src/core/federation/issuer';

/** The extension's own issuer fetch (no proxy) trusting `ca` besides the system CAs: the sandbox's test CA. */
export function fetchJsonTrusting(ca: string): FetchJson {
  return createFetchJson({ proxyFor: () => undefined, ca, timeoutMs: 5000 });
}

/** An unsigned compact JWT with this header and payload (a signature the decoder never looks at). */
export function fakeJwt(header: unknown, payload: unknown): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part(header)}.${part(payload)}.c2lnbmF0dXJl`;
}
