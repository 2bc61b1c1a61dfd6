import { rootCertificates } from 'node:tls';
import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';

export interface DispatcherTls {
  /** PEM bundle trusted beside Node's root certificates. */
  readonly ca?: string | undefined;
  /** `false` turns certificate verification off. */
  readonly rejectUnauthorized?: boolean | undefined;
  /** TLS handshake timeout. */
  readonly timeoutMs: number;
}

export interface DispatcherPool {
  readonly keepAliveTimeout: number;
  readonly connections: number;
}

/**
 * undici, loaded on the first request rather than with the extension: it is half of the bundle and about half of
 * the extension's load time (README, start-up), and nothing is sent before the view, a command or the reminder asks.
 */
export function loadUndici(): Promise<typeof Undici> {
  return import('undici');
}

/**
 * An undici dispatcher with the given TLS settings, directly or through an HTTP proxy (https is tunnelled with
 * CONNECT; the TLS settings then apply to the tunnelled connection, not to the proxy's).
 */
export async function createDispatcher(tls: DispatcherTls, proxy: string | undefined, pool?: DispatcherPool): Promise<Dispatcher> {
  const { Agent, ProxyAgent } = await loadUndici();
  const connect = {
    timeout: tls.timeoutMs,
    // `ca` replaces Node's trust store; keep the public roots so redirects to public hosts still verify.
    ...(tls.ca !== undefined ? { ca: [...rootCertificates, tls.ca] } : {}),
    rejectUnauthorized: tls.rejectUnauthorized !== false,
  };
  return proxy !== undefined ? new ProxyAgent({ ...pool, uri: proxy, requestTls: connect, proxyTls: { timeout: tls.timeoutMs } }) : new Agent({ ...pool, connect });
}
