/**
 * The editor's own GET of an issuer's discovery document and keys (issue 12 §3), for `checkIssuer`: no
 * credentials, through the proxy the user's settings name for that host, the system CAs plus the instance's CA
 * bundle, a timeout, at most 1 MiB per answer and at most 3 redirects (as an OIDC client follows them).
 */
import { rootCertificates } from 'node:tls';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { readCapped } from '../quay/transport';
import type { FetchJson } from './issuer';

export const MAX_ISSUER_DOCUMENT_BYTES = 1024 * 1024;
const MAX_REDIRECTS = 3;

export interface IssuerFetchOptions {
  /** The proxy URL for a target, or undefined to connect directly (`proxyFor` with the user's settings). */
  readonly proxyFor: (url: string) => string | undefined;
  /** Extra CAs (PEM), trusted beside the system's. */
  readonly ca?: string;
  readonly timeoutMs: number;
}

export function createFetchJson(options: IssuerFetchOptions): FetchJson {
  const connect = { ...(options.ca !== undefined ? { ca: [...rootCertificates, options.ca] } : {}), timeout: options.timeoutMs };
  return async (url, signal) => {
    let target = new URL(url);
    for (let hop = 0; ; hop++) {
      if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error(`${target.href} is not an http(s) URL`);
      const proxy = options.proxyFor(target.href);
      const dispatcher: Dispatcher = proxy !== undefined ? new ProxyAgent({ uri: proxy, requestTls: connect }) : new Agent({ connect });
      try {
        const res = await request(target, {
          method: 'GET',
          headers: { accept: 'application/json' },
          dispatcher,
          signal: signal ?? AbortSignal.timeout(options.timeoutMs),
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        });
        const location = res.headers.location;
        if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string') {
          await res.body.dump();
          if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects from ${url}`);
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
      } finally {
        void dispatcher.close();
      }
    }
  };
}
