import { rootCertificates } from 'node:tls';
import { Agent, ProxyAgent, type Dispatcher } from 'undici';

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
 * An undici dispatcher with the given TLS settings, directly or through an HTTP proxy (https is tunnelled with
 * CONNECT; the TLS settings then apply to the tunnelled connection, not to the proxy's).
 */
export function createDispatcher(tls: DispatcherTls, proxy: string | undefined, pool?: DispatcherPool): Dispatcher {
  const connect = {
    timeout: tls.timeoutMs,
    // `ca` replaces Node's trust store; keep the public roots so redirects to public hosts still verify.
    ...(tls.ca !== undefined ? { ca: [...rootCertificates, tls.ca] } : {}),
    rejectUnauthorized: tls.rejectUnauthorized !== false,
  };
  return proxy !== undefined ? new ProxyAgent({ ...pool, uri: proxy, requestTls: connect, proxyTls: { timeout: tls.timeoutMs } }) : new Agent({ ...pool, connect });
}
