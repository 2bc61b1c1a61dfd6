/**
 * Container image references (the grammar of github.com/distribution/reference) and how a docker config
 * `auths` key matches one (the kubelet's credential keyring, pkg/credentialprovider `URLsMatch`).
 */

export interface ImageReference {
  /** Registry host with its port, lower-cased; `docker.io` for Docker Hub references. */
  readonly host: string;
  /** First path component (the Quay organization or user); `library` for Docker Hub official images. */
  readonly namespace: string;
  /** The rest of the path after the namespace (may contain `/`). */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}$/;
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::\d{1,5})?$/;

function normalizeHost(host: string): string {
  const h = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(h) ? DOCKER_HUB : h;
}

/**
 * Split `[host[:port]/]path[:tag][@digest]`. Without a host (the first component has no `.` or `:`, is not
 * `localhost` and has no upper case) the image is on Docker Hub, and a one-component path gets `library/`.
 * Returns undefined for anything that is not a reference (empty, spaces, `${VAR}` placeholders…).
 */
export function parseImageReference(image: string): ImageReference | undefined {
  let rest = image.trim();
  if (rest === '' || /\s/.test(rest)) return undefined;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const parts = rest.split('/');
  let host = DOCKER_HUB;
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase())) {
    if (!HOST.test(first)) return undefined;
    host = normalizeHost(first);
    parts.shift();
  }
  if (parts.length === 0 || !parts.every((p) => COMPONENT.test(p))) return undefined;
  if (host === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const namespace = parts.length > 1 ? (parts[0] ?? '') : '';
  const repository = parts.length > 1 ? parts.slice(1).join('/') : (parts[0] ?? '');
  const ref: { -readonly [K in keyof ImageReference]: ImageReference[K] } = { host, namespace, repository };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** `namespace/repository` (or just the repository when there is no namespace). */
export function imagePath(ref: ImageReference): string {
  return ref.namespace === '' ? ref.repository : `${ref.namespace}/${ref.repository}`;
}

/** An `auths` key as host + path: scheme, `/v1/`-style API suffixes and trailing slashes removed. */
export function parseAuthsKey(key: string): { host: string; path: string } | undefined {
  let k = key.trim().replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '');
  k = k.replace(/\/+$/, '').replace(/\/v[12]$/, '');
  if (k === '') return undefined;
  const slash = k.indexOf('/');
  const host = slash < 0 ? k : k.slice(0, slash);
  const path = slash < 0 ? '' : k.slice(slash + 1).replace(/\/+$/, '');
  if (host === '') return undefined;
  return { host: normalizeHost(host), path };
}

function hostMatches(pattern: string, host: string): boolean {
  if (!pattern.includes('*')) return pattern === host;
  const [pHost, pPort] = splitPort(pattern);
  const [hHost, hPort] = splitPort(host);
  if (pPort !== hPort) return false;
  const p = pHost.split('.');
  const h = hHost.split('.');
  if (p.length !== h.length) return false;
  return p.every((label, i) => {
    const re = new RegExp(`^${label.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]*')}$`);
    return re.test(h[i] ?? '');
  });
}

function splitPort(host: string): [string, string] {
  const m = /^(.*?)(?::(\d+))?$/.exec(host);
  return [m?.[1] ?? host, m?.[2] ?? ''];
}

/**
 * True when credentials stored under `key` are offered for `ref`: same host (and port; `*` globs per label),
 * and the key's path, if any, is a prefix of the image path by whole components (`quay.io/acme` covers
 * `quay.io/acme/app` but not `quay.io/acme-two/app`).
 */
export function authsKeyCovers(key: string, ref: ImageReference): boolean {
  const k = parseAuthsKey(key);
  if (k === undefined || !hostMatches(k.host, ref.host)) return false;
  if (k.path === '') return true;
  const path = imagePath(ref);
  return path === k.path || path.startsWith(`${k.path}/`);
}
