/**
 * Which HTTP proxy a request to a Quay instance goes through, by the conventions curl, Docker and VS Code share:
 * `https_proxy` for https:// targets, `http_proxy` for http://, none for hosts matched by `no_proxy`
 * (`*`, a host, a `.domain` or `domain` suffix, optionally with `:port`) and never for loopback.
 */
import { isLoopbackHost } from '../instances';

export interface ProxySettings {
  readonly httpsProxy?: string;
  readonly httpProxy?: string;
  /** Comma- or space-separated (the environment variable), or already split (VS Code's `http.noProxy`). */
  readonly noProxy?: string | readonly string[];
}

function bypassed(target: URL, noProxy: string | readonly string[] | undefined): boolean {
  const entries = (typeof noProxy === 'string' ? noProxy.split(/[\s,]+/) : (noProxy ?? [])).map((e) => e.trim().toLowerCase()).filter((e) => e !== '');
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port !== '' ? target.port : target.protocol === 'https:' ? '443' : '80';
  return entries.some((entry) => {
    if (entry === '*') return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[|\]$/g, ''));
    const name = (m?.[1] ?? entry).replace(/^\*?\./, '.');
    if (m?.[2] !== undefined && m[2] !== port) return false;
    return name.startsWith('.') ? host.endsWith(name) || host === name.slice(1) : host === name || host.endsWith(`.${name}`);
  });
}

/** The proxy URL for `target`, or undefined to connect directly. */
export function proxyFor(target: string, settings: ProxySettings): string | undefined {
  const url = new URL(target);
  if (isLoopbackHost(url.hostname) || bypassed(url, settings.noProxy)) return undefined;
  const proxy = (url.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy)?.trim();
  if (proxy === undefined || proxy === '') return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
}

/** A proxy URL fit for a log line: the password (and user) replaced. */
export function displayProxy(proxy: string): string {
  try {
    const u = new URL(proxy);
    if (u.username !== '' || u.password !== '') {
      u.username = '***';
      u.password = '';
    }
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparsable proxy URL)';
  }
}
