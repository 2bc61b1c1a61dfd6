/**
 * The editor's own GET of an issuer's discovery document and keys (contract §6.2 step 6), for `checkIssuer`: no
 * credentials, through the proxy the user's settings name for that host, the system CAs plus the instance's CA
 * bundle, an overall deadline (also when the caller passes its own signal: a server dripping a byte at a time
 * cannot hold it open), at most 1 MiB per answer and at most 3 redirects (as an OIDC client follows them). Every
 * target, the first and each redirect, is checked before it is fetched (`targetRefusal`): no internal host but
 * the one the policy allows, by name or resolved address, and no redirect from https to http.
 */
import { readCapped } from '../http/readCapped';
import { createDispatcher, loadUndici } from '../quay/dispatcher';
import { RefusedTargetError, systemResolve, targetRefusal, type FetchJson, type ResolveHost } from './issuer';

export const MAX_ISSUER_DOCUMENT_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 3;

export interface IssuerFetchOptions {
  /** The proxy URL for a target, or undefined to connect directly (`proxyFor` with the user's settings). */
  readonly proxyFor: (url: string) => string | undefined;
  /** Extra CAs (PEM), trusted beside the system's. */
  readonly ca?: string;
  /** The deadline of one fetch, redirects and body included. */
  readonly timeoutMs: number;
  /** Resolves host names for the internal-address check (default: the system's resolver). */
  readonly resolve?: ResolveHost;
}

export function createFetchJson(options: IssuerFetchOptions): FetchJson {
  const tls = { ca: options.ca, timeoutMs: options.timeoutMs };
  const resolve = options.resolve ?? systemResolve;
  return async (url, signal, policy = {}) => {
    const deadline = AbortSignal.timeout(options.timeoutMs);
    const combined = signal !== undefined ? AbortSignal.any([signal, deadline]) : deadline;
    let target = new URL(url);
    let from: URL | undefined;
    for (let hop = 0; ; hop++) {
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error(`${target.href} is not an http(s) URL`);
      const refusal = await targetRefusal(target, policy, resolve, from);
      if (refusal !== undefined) throw new RefusedTargetError(target.href, refusal);
      const { request } = await loadUndici();
      const dispatcher = await createDispatcher(tls, options.proxyFor(target.href));
      try {
        const res = await request(target, {
          method: 'GET',
          // As python-requests (Quay's OIDC client) asks: a Kubernetes API server answers 406 to `application/json` on its JWKS.
          headers: { accept: '*/*' },
          dispatcher,
          signal: combined,
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        });
        const location = res.headers.location;
        if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
          await res.body.dump();
          if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects from ${url}`);
          from = target;
          target = new URL(location, target);
          continue;
        }
        const text = await readCapped(res, target.host, MAX_ISSUER_DOCUMENT_BYTES);
        let json: unknown;
        try {
          json = JSON.parse(text) as unknown;
        } catch {
          json = undefined;
        }
        return { status: res.statusCode, json };
      } catch (error) {
        if (deadline.aborted && signal?.aborted !== true) throw new Error(`no complete answer from ${target.host} within ${options.timeoutMs / 1000} s`, { cause: error });
        throw error;
      } finally {
        void dispatcher.close();
      }
    }
  };
}
