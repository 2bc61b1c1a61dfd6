import { QuayApiError, type Operation } from './errors';
import type { Transport } from './transport';
import type { RequestSpec } from './transportTypes';
import type { CallOptions } from './types';

/**
 * The registry login (contract §12), as `docker login` does it: `GET /v2/` without credentials, read
 * the `Bearer realm=…,service=…` challenge, then `GET <realm>?account=<user>&service=<service>` with
 * Basic credentials. Quay answers 200 `{"token"}` or 401 `{"errors": [{"code", "message"}]}`. A
 * successful robot login updates the robot's `last_accessed` and writes `login_success`.
 */

export type RegistryLoginResult =
  /** The registry accepted the credentials. */
  | { readonly kind: 'ok' }
  /** The registry refused them (401), with Quay's own words, e.g. `Could not find robot with username: …`. */
  | { readonly kind: 'refused'; readonly message: string }
  /** Anything else: unreachable, TLS, a server error, an answer that is not a registry's. */
  | { readonly kind: 'failed'; readonly error: QuayApiError };

interface Challenge {
  readonly realm: URL;
  readonly service: string | undefined;
}

/** `Bearer realm="…",service="…"` (RFC 6750 auth-params); undefined when it is no Bearer challenge with a realm. */
export function parseBearerChallenge(header: string | undefined, base: string): Challenge | undefined {
  const m = /^\s*Bearer\s+(.*)$/i.exec(header ?? '');
  if (!m) return undefined;
  const params = new Map<string, string>();
  for (const p of (m[1] ?? '').matchAll(/([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)) {
    params.set((p[1] ?? '').toLowerCase(), (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1'));
  }
  const realm = params.get('realm');
  if (realm === undefined || realm === '') return undefined;
  try {
    return { realm: new URL(realm, base), service: params.get('service') };
  } catch {
    return undefined;
  }
}

/** Quay's message from a V2 error body `{"errors": [{"code", "message", "detail"}]}`. */
export function registryErrorMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    const first = typeof body === 'object' && body !== null && 'errors' in body && Array.isArray(body.errors) ? (body.errors[0] as unknown) : undefined;
    const message = typeof first === 'object' && first !== null && 'message' in first ? first.message : undefined;
    return typeof message === 'string' && message !== '' ? message : undefined;
  } catch {
    return undefined;
  }
}

const header = (headers: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * Logs in to the instance's registry as `username` with `password` (a robot token, or the JWT of the
 * federation exchange). Sends no API token; the password travels only to the realm on the instance's
 * own origin (any other realm is refused, not followed). Cancellation throws; every other failure is
 * returned as `failed`.
 */
export async function registryLogin(t: Transport, username: string, password: string, options: CallOptions = {}): Promise<RegistryLoginResult> {
  const operation: Operation = {
    action: 'log in to the registry as',
    object: username,
    hints: { invalidResponse: 'The instance did not answer like a Quay registry: GET /v2/ must ask for a Bearer token (realm …/v2/auth).' },
  };
  try {
    const ping: RequestSpec = { method: 'GET', path: '/v2/', anonymous: true, answerStatuses: [401], operation, signal: options.signal };
    const pong = await t.request(ping);
    const challenge = pong.status === 401 ? parseBearerChallenge(header(pong.headers, 'www-authenticate'), t.origin) : undefined;
    if (challenge === undefined) {
      const detail = pong.status === 401 ? 'GET /v2/ answered 401 without a Bearer realm' : `GET /v2/ answered ${pong.status} without asking for credentials, so none can be checked`;
      return { kind: 'failed', error: t.invalid(ping, detail, pong.status) };
    }
    if (challenge.realm.origin !== t.origin) {
      return { kind: 'failed', error: t.invalid(ping, `the registry's token realm ${challenge.realm.origin} is not on ${t.origin}; the password is not sent there`, pong.status) };
    }
    const query: Record<string, string> = Object.fromEntries(challenge.realm.searchParams);
    query['account'] = username;
    if (challenge.service !== undefined) query['service'] = challenge.service;
    const auth: RequestSpec = { method: 'GET', path: challenge.realm.pathname, query, basicAuth: { username, password }, answerStatuses: [401], operation, signal: options.signal };
    const answer = await t.request(auth);
    if (answer.status === 401) return { kind: 'refused', message: registryErrorMessage(answer.text) ?? 'the registry refused the credentials (HTTP 401)' };
    let token: unknown;
    try {
      token = (JSON.parse(answer.text) as { token?: unknown }).token;
    } catch {
      token = undefined;
    }
    if (typeof token !== 'string' || token === '') return { kind: 'failed', error: t.invalid(auth, 'the token endpoint answered without a "token"', answer.status, [password]) };
    return { kind: 'ok' };
  } catch (error) {
    if (!QuayApiError.is(error) || error.reason === 'cancelled') throw error;
    return { kind: 'failed', error };
  }
}
