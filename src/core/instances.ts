/**
 * Quay instances as the user configures them: pure parsing and validation, no editor API.
 * The token is never part of this shape: it lives in SecretStorage under tokenSecretKey(id).
 */
export interface InstanceConfig {
  /** Origin of the instance, e.g. `https://quay.io` or `http://127.0.0.1:8080`. Also its id. */
  readonly url: string;
  /** Optional display name; the host is shown otherwise. */
  readonly label?: string;
  /** Path to a PEM bundle of extra CAs for a self-hosted instance with a private CA. */
  readonly caFile?: string;
  /** false turns TLS verification off for this instance (flagged in the tree and the log). */
  readonly verifyTls?: boolean;
  /** true allows plain http:// to a host that is not loopback. */
  readonly allowHttp?: boolean;
  /**
   * Name of an environment variable holding a token to import into the keychain when none is
   * stored (dev containers, CI-provisioned workbenches, the demo). The token itself never goes here.
   */
  readonly tokenEnvironmentVariable?: string;
}

export type UrlCheck = { ok: true; origin: string; host: string; loopback: boolean } | { ok: false; message: string };

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(h) || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** Normalises what a user typed ("quay.example.com", "https://quay.io/", …) into an origin. */
export function checkInstanceUrl(input: string, allowHttp = false): UrlCheck {
  const trimmed = input.trim();
  if (trimmed === '') return { ok: false, message: 'Enter the URL of a Quay instance, e.g. https://quay.io' };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, message: `"${trimmed}" is not a URL. Enter e.g. https://quay.io or https://registry.example.com` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `Quay is reached over https:// (or http:// on loopback), not ${url.protocol}//` };
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    return { ok: false, message: `Enter the instance's root URL without a path (${url.origin}), not ${url.href}` };
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol === 'http:' && !loopback && !allowHttp) {
    return {
      ok: false,
      message: `Plain http:// would send your token unencrypted to ${url.host}. Use https://, or set "allowHttp": true for this instance in the quay.instances setting.`,
    };
  }
  return { ok: true, origin: url.origin, host: url.host, loopback };
}

/** Reads the `quay.instances` setting defensively: a hand-edited entry that is wrong is reported, not fatal. */
export function parseInstances(value: unknown): { instances: InstanceConfig[]; problems: string[] } {
  const instances: InstanceConfig[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { instances, problems };
  if (!Array.isArray(value)) return { instances, problems: ['quay.instances must be a list of instances'] };
  const seen = new Set<string>();
  for (const [i, raw] of (value as unknown[]).entries()) {
    if (typeof raw !== 'object' || raw === null || typeof (raw as { url?: unknown }).url !== 'string') {
      problems.push(`quay.instances[${i}] has no "url"`);
      continue;
    }
    const entry = raw as Record<string, unknown>;
    const allowHttp = entry.allowHttp === true;
    const check = checkInstanceUrl(entry.url as string, allowHttp);
    if (!check.ok) {
      problems.push(`quay.instances[${i}]: ${check.message}`);
      continue;
    }
    if (seen.has(check.origin)) {
      problems.push(`quay.instances[${i}]: ${check.origin} is listed twice`);
      continue;
    }
    seen.add(check.origin);
    instances.push({
      url: check.origin,
      ...(typeof entry.label === 'string' && entry.label !== '' ? { label: entry.label } : {}),
      ...(typeof entry.caFile === 'string' && entry.caFile !== '' ? { caFile: entry.caFile } : {}),
      ...(entry.verifyTls === false ? { verifyTls: false } : {}),
      ...(allowHttp ? { allowHttp } : {}),
      ...(typeof entry.tokenEnvironmentVariable === 'string' && entry.tokenEnvironmentVariable !== ''
        ? { tokenEnvironmentVariable: entry.tokenEnvironmentVariable }
        : {}),
    });
  }
  return { instances, problems };
}

/** The host (with a port if any) of a URL: `https://quay.example.com:8443` → `quay.example.com:8443`. */
export function hostOf(url: string): string {
  return new URL(url).host;
}

export function instanceHost(instance: InstanceConfig): string {
  return hostOf(instance.url);
}

export function instanceLabel(instance: InstanceConfig): string {
  return instance.label ?? instanceHost(instance);
}
