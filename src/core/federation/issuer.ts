/**
 * Checking an issuer before Quay does (contract §6.2 step 6): its discovery document and keys, fetched from the
 * editor through a `fetchJson` the caller wires to the instance's transport (proxy, CA), and what in
 * them Quay would reject (contract §6.2 steps 6–7). The editor's view is not Quay's: an issuer the editor
 * cannot reach may be reachable from Quay, and the other way round.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { QUAY_ALGORITHMS } from './precheck';

/**
 * Which internal target a fetch may reach. The issuer's URL can come from a pasted token, another admin's trust
 * entry or a typed URL, and its discovery document names further URLs: the editor fetches no private, loopback
 * or link-local address (by name or by resolved address) unless the user agreed to fetch that very host
 * (security review 2026-12, finding 5).
 */
export interface FetchPolicy {
  /** The `host` (name and port) the user agreed to fetch although it is internal: the issuer's own. */
  readonly allowInternalHost?: string;
}

/**
 * GET `url` and parse JSON (`json` undefined when the body is not JSON); rejects when there is no answer at all,
 * and with `RefusedTargetError` for a target (the URL or a redirect) the policy does not allow.
 */
export type FetchJson = (url: string, signal?: AbortSignal, policy?: FetchPolicy) => Promise<{ readonly status: number; readonly json: unknown }>;

/** The addresses a host name resolves to (injectable for tests; `systemResolve` asks the system's resolver). */
export type ResolveHost = (hostname: string) => Promise<readonly string[]>;

export const systemResolve: ResolveHost = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** A target the editor did not fetch, and why. */
export class RefusedTargetError extends Error {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`did not fetch ${url}: ${reason}`);
    this.name = 'RefusedTargetError';
  }
}

export type IssuerFindingKind =
  | 'notUrl'
  | 'notFetched'
  | 'refusedTarget'
  | 'insecureHttp'
  | 'clusterInternal'
  | 'unreachable'
  | 'discoveryFailed'
  | 'issuerMatches'
  | 'issuerMismatch'
  | 'noJwksUri'
  | 'keysFailed'
  | 'rsaKeys'
  | 'noRsaKeys'
  | 'es256Only';

export interface IssuerFinding {
  readonly kind: IssuerFindingKind;
  readonly severity: 'ok' | 'info' | 'warning' | 'error';
  readonly message: string;
}

export interface JwkSummary {
  readonly kid?: string;
  readonly kty?: string;
  readonly alg?: string;
}

export interface IssuerCheck {
  readonly issuer: string;
  readonly findings: readonly IssuerFinding[];
  /** The discovery document's `issuer` and `jwks_uri`, when fetched. */
  readonly discovered?: { readonly issuer?: string; readonly jwksUri?: string };
  readonly keys?: readonly JwkSummary[];
}

const stripSlash = (s: string): string => s.replace(/\/+$/, '');

function privateIPv4(ip: string): boolean {
  const [a = 0, b = 0] = ip.split('.').map(Number);
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || (a === 100 && b >= 64 && b <= 127);
}

function privateIPv6(ip: string): boolean {
  const h = ip.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h)?.[1];
  if (mapped !== undefined) return privateIPv4(mapped);
  return h === '::1' || /^f[cd][0-9a-f]{2}:/.test(h) || /^fe[89ab][0-9a-f]:/.test(h);
}

/** Why a host is likely reachable from inside the cluster or this network but not from Quay; undefined when it looks public. */
export function internalHostReason(hostname: string): string | undefined {
  const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
  const ip = isIP(host);
  if (ip === 4 && privateIPv4(host)) return `${host} is a private, loopback or link-local address`;
  if (ip === 6 && privateIPv6(host)) return `${host} is a private, loopback or link-local address`;
  if (ip !== 0) return undefined;
  if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is this machine`;
  if (host === 'kubernetes.default' || host.endsWith('.svc') || host.endsWith('.cluster.local')) return `${host} is a Kubernetes cluster-internal name`;
  if (!host.includes('.')) return `${host} is a single-label name, resolved only inside its own network`;
  return undefined;
}

/**
 * Why a host name's addresses are internal (the first private, loopback or link-local one it resolves to);
 * undefined for an IP literal (`internalHostReason` judges those), a public name, or a name that does not
 * resolve here (the fetch then reports that it could not connect).
 */
export async function resolvedInternalReason(hostname: string, resolve: ResolveHost): Promise<string | undefined> {
  const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (isIP(host) !== 0 || host === '') return undefined;
  let addresses: readonly string[];
  try {
    addresses = await resolve(host);
  } catch {
    return undefined;
  }
  const internal = addresses.find((a) => (isIP(a) === 4 ? privateIPv4(a) : isIP(a) === 6 && privateIPv6(a)));
  return internal !== undefined ? `${host} resolves to ${internal}, a private, loopback or link-local address` : undefined;
}

/** Why the host of `url` is internal, by its name or its resolved address; undefined when it looks public. */
export async function internalTargetReason(url: URL, resolve: ResolveHost): Promise<string | undefined> {
  return internalHostReason(url.hostname) ?? (await resolvedInternalReason(url.hostname, resolve));
}

/**
 * Why the editor must not fetch `target` (undefined: it may): an internal host other than the one the policy
 * allows, or a redirect (`from`) from https to http.
 */
export async function targetRefusal(target: URL, policy: FetchPolicy, resolve: ResolveHost, from?: URL): Promise<string | undefined> {
  if (from?.protocol === 'https:' && target.protocol === 'http:') return `a redirect from https (${from.host}) to plain http`;
  if (policy.allowInternalHost !== undefined && target.host === policy.allowInternalHost) return undefined;
  const reason = await internalTargetReason(target, resolve);
  return reason !== undefined ? `${reason}, and the editor fetches no internal address it was not asked to` : undefined;
}

/** What can be told from the issuer's URL alone (also for input validation): not a URL, http://, an internal host. */
export function issuerUrlFindings(issuer: string): IssuerFinding[] {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return [{ kind: 'notUrl', severity: 'error', message: 'Quay requires the issuer to be an http:// or https:// URL (Issuer must be a URL (http:// or https://)).' }];
  }
  const out: IssuerFinding[] = [];
  if (url.protocol === 'http:') {
    out.push({
      kind: 'insecureHttp',
      severity: 'error',
      message: 'Quay stores an http:// issuer but fails every exchange with it (HTTP 500, "OIDC server must be accessed over SSL"): the issuer must be served over https.',
    });
  }
  const reason = internalHostReason(url.hostname);
  if (reason !== undefined) {
    out.push({
      kind: 'clusterInternal',
      severity: 'warning',
      message: `${reason}: reachable from the cluster or this network, but usually not from Quay, which fetches the issuer's discovery document and keys from its own network.`,
    });
  }
  return out;
}

/** What an issuer-URL input box says about what was typed; `blocking` refuses it, anything else is a warning. */
export interface IssuerInputProblem {
  readonly message: string;
  readonly blocking: boolean;
}

/**
 * The one validator of a typed issuer URL (Add Trust, Edit, Set Up Keyless Access): not an http:// or https:// URL
 * is refused with Quay's own rule; http:// (Quay stores it but fails every exchange, contract §6.2 step 6) and an
 * internal host are warnings that let the value through.
 */
export function issuerInputProblem(issuer: string): IssuerInputProblem | undefined {
  const findings = issuerUrlFindings(issuer);
  const blocking = findings.find((f) => f.kind === 'notUrl');
  if (blocking !== undefined) return { message: blocking.message, blocking: true };
  const warning = findings.find((f) => f.severity === 'error' || f.severity === 'warning');
  return warning !== undefined ? { message: warning.message, blocking: false } : undefined;
}

const unreachable = (what: string, why: string): IssuerFinding => ({
  kind: 'unreachable',
  severity: 'info',
  message: `The editor could not fetch ${what} (${why}). This proves nothing about Quay, which fetches it from its own network.`,
});

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

const text = (o: Record<string, unknown>, key: string): string | undefined => (typeof o[key] === 'string' ? o[key] : undefined);

export interface IssuerCheckOptions {
  /**
   * The user agreed to fetch the issuer although its host is internal (by name or resolved address): its own host
   * (name and port) may then be fetched, no other internal one. Without it a flagged issuer is not fetched at all.
   * A function is asked (with the reason) only when the issuer is flagged: the editor's modal.
   */
  readonly fetchInternal?: boolean | ((reason: string) => Promise<boolean>);
  readonly resolve?: ResolveHost;
}

const refused = (what: string, error: RefusedTargetError): IssuerFinding => ({
  kind: 'refusedTarget',
  severity: 'warning',
  message: `The editor did not fetch ${what} ${error.url}: ${error.reason}. Quay fetches it from its own network; check it there.`,
});

/**
 * Fetches `<issuer>/.well-known/openid-configuration` and its `jwks_uri` and reports what Quay would make of them.
 * Every target (the issuer, `jwks_uri`, each redirect) is checked first (`targetRefusal`): one the editor must not
 * fetch becomes a finding instead of a request.
 */
export async function checkIssuer(issuer: string, fetchJson: FetchJson, signal?: AbortSignal, options: IssuerCheckOptions = {}): Promise<IssuerCheck> {
  const findings = issuerUrlFindings(issuer);
  if (findings.some((f) => f.kind === 'notUrl')) return { issuer, findings };
  const resolve = options.resolve ?? systemResolve;
  const issuerUrl = new URL(issuer);
  const byName = internalHostReason(issuerUrl.hostname);
  const byAddress = byName === undefined ? await resolvedInternalReason(issuerUrl.hostname, resolve) : undefined;
  if (byAddress !== undefined) {
    findings.push({
      kind: 'clusterInternal',
      severity: 'warning',
      message: `${byAddress}: reachable from the cluster or this network, but usually not from Quay, which fetches the issuer's discovery document and keys from its own network.`,
    });
  }
  const internal = byName ?? byAddress;
  let fetchInternal = false;
  if (internal !== undefined) {
    const agreed = options.fetchInternal;
    fetchInternal = typeof agreed === 'function' ? await agreed(internal) : agreed === true;
    if (!fetchInternal) {
      findings.push({ kind: 'notFetched', severity: 'info', message: `The editor did not fetch the issuer's discovery document and keys: ${internal}. Check Issuer fetches them once you agree.` });
      return { issuer, findings };
    }
  }
  const policy: FetchPolicy = fetchInternal ? { allowInternalHost: issuerUrl.host } : {};
  /** Fetches `url` unless the policy refuses it (checked here too: `fetchJson` may be any implementation). */
  const get = async (url: string): Promise<{ readonly status: number; readonly json: unknown }> => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      throw new Error(`${url} is not a URL`);
    }
    const reason = await targetRefusal(target, policy, resolve);
    if (reason !== undefined) throw new RefusedTargetError(target.href, reason);
    return fetchJson(target.href, signal, policy);
  };
  const discoveryUrl = `${stripSlash(issuer)}/.well-known/openid-configuration`;

  let document: Record<string, unknown>;
  try {
    const { status, json } = await get(discoveryUrl);
    if (status < 200 || status > 299 || typeof json !== 'object' || json === null || Array.isArray(json)) {
      const got = status < 200 || status > 299 ? `HTTP ${status}` : 'an answer that is not a JSON object';
      findings.push({ kind: 'discoveryFailed', severity: 'error', message: `The discovery document ${discoveryUrl} gave ${got}; Quay would fail the exchange the same way (HTTP 500).` });
      return { issuer, findings };
    }
    document = json as Record<string, unknown>;
  } catch (error) {
    if (signal?.aborted === true) throw error;
    if (error instanceof RefusedTargetError) findings.push(refused('the discovery document', error));
    else findings.push(unreachable(`the discovery document ${discoveryUrl}`, describeFailure(error)));
    return { issuer, findings };
  }

  const documentIssuer = text(document, 'issuer');
  const jwksUri = text(document, 'jwks_uri');
  const discovered = { ...(documentIssuer !== undefined ? { issuer: documentIssuer } : {}), ...(jwksUri !== undefined ? { jwksUri } : {}) };
  // Quay compares the token's iss with the document's issuer ignoring a trailing slash (no issuer field: the configured one).
  if (documentIssuer === undefined || stripSlash(documentIssuer) === stripSlash(issuer)) {
    findings.push({ kind: 'issuerMatches', severity: 'ok', message: 'The discovery document names the same issuer.' });
  } else {
    findings.push({
      kind: 'issuerMismatch',
      severity: 'error',
      message: `The discovery document names the issuer ${documentIssuer}, not ${issuer}: Quay refuses tokens whose iss differs from it (Invalid token: Issuer … not in configured issuers).`,
    });
  }
  if (jwksUri === undefined) {
    findings.push({ kind: 'noJwksUri', severity: 'error', message: 'The discovery document has no jwks_uri: Quay cannot load the keys (HTTP 500).' });
    return { issuer, findings, discovered };
  }

  let jwks: readonly Record<string, unknown>[];
  try {
    const { status, json } = await get(jwksUri);
    const keys = (json as { keys?: unknown } | undefined)?.keys;
    if (status !== 200 || !Array.isArray(keys)) {
      const got = status !== 200 ? `HTTP ${status}` : 'no keys array';
      findings.push({ kind: 'keysFailed', severity: 'error', message: `The keys at ${jwksUri} gave ${got}; Quay would fail the exchange (HTTP 500).` });
      return { issuer, findings, discovered };
    }
    jwks = keys.filter((k): k is Record<string, unknown> => typeof k === 'object' && k !== null && !Array.isArray(k));
  } catch (error) {
    if (signal?.aborted === true) throw error;
    if (error instanceof RefusedTargetError) findings.push(refused('the keys (jwks_uri)', error));
    else findings.push(unreachable(`the keys ${jwksUri}`, describeFailure(error)));
    return { issuer, findings, discovered };
  }

  const keys: JwkSummary[] = jwks.map((k) => {
    const kid = text(k, 'kid');
    const kty = text(k, 'kty');
    const alg = text(k, 'alg');
    return { ...(kid !== undefined ? { kid } : {}), ...(kty !== undefined ? { kty } : {}), ...(alg !== undefined ? { alg } : {}) };
  });
  // A key may omit alg; an RSA key with an alg other than RS256/RS384 (e.g. PS256) signs nothing Quay accepts.
  const usable = keys.filter((k) => k.kty === 'RSA' && (k.alg === undefined || QUAY_ALGORITHMS.includes(k.alg)));
  const advertised = document['id_token_signing_alg_values_supported'];
  const algs = Array.isArray(advertised) ? advertised.filter((a): a is string => typeof a === 'string') : [];
  if (usable.length > 0) {
    findings.push({ kind: 'rsaKeys', severity: 'ok', message: `${usable.length} RSA key(s) for RS256/RS384, the algorithms Quay accepts.` });
  } else if (keys.some((k) => k.kty === 'EC') || (algs.length > 0 && algs.every((a) => a.startsWith('ES')))) {
    findings.push({ kind: 'es256Only', severity: 'error', message: 'The issuer signs with elliptic-curve keys (ES256) only: Quay accepts only RS256 and RS384, so every exchange would fail.' });
  } else {
    findings.push({ kind: 'noRsaKeys', severity: 'error', message: 'The issuer publishes no RSA key for RS256 or RS384, the only algorithms Quay accepts.' });
  }
  return { issuer, findings, discovered, keys };
}
