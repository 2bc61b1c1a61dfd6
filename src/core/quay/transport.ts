import { rootCertificates } from 'node:tls';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { isLoopbackHost } from '../instances';
import { redact, type Logger } from '../log';
import { extractServerMessage, hintForAnswer, QuayApiError, reasonForStatus, type Operation, type QuayApiErrorInit, type QuayErrorReason } from './errors';
import { ShapeError } from './parse';
import { displayProxy } from './proxy';
import { abortError, Semaphore } from './semaphore';

/**
 * HTTP transport of one Quay instance: an undici Agent (keep-alive, the instance's CA), a concurrency
 * limit, timeouts, retries with backoff, manual redirects, and one log line per request. It knows
 * nothing of Quay's endpoints; it turns every failure into a QuayApiError.
 */

export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface TransportOptions {
  /** Origin of the instance (`https://quay.example.com`); a path prefix is kept. */
  readonly baseUrl: string;
  /** Names the instance in messages ("Quay at <label> refused to …"). Default: the URL's host. */
  readonly instanceLabel?: string;
  /** Called once per request; undefined sends the request anonymously. */
  readonly getToken: () => Promise<string | undefined>;
  readonly logger: Logger;
  /** A dispatcher to use instead of the client's own Agent (then `tls` is not applied, and `close()` leaves it open). */
  readonly dispatcher?: Dispatcher;
  /** `ca` is added to Node's root certificates; `rejectUnauthorized: false` turns verification off (warned once). */
  readonly tls?: { readonly ca?: string; readonly rejectUnauthorized?: boolean };
  /** HTTP proxy URL (`http://[user:pass@]proxy:3128`) every request goes through; https is tunnelled (CONNECT). */
  readonly proxy?: string;
  /** Allow plain http:// to a host that is not loopback (the token would travel unencrypted). */
  readonly allowInsecureHttp?: boolean;
  /** Requests in flight at once for this instance (default 4). */
  readonly maxConcurrency?: number;
  /** Per attempt, from sending to the end of the body (default 30 000). Time queued for a slot does not count. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt (default 3); see `retryable` below for which answers qualify. */
  readonly retries?: number;
  /** Base of the exponential backoff for 5xx and connection resets (default 250 ms; capped at 8 s). */
  readonly backoffMs?: number;
  /** Base of the backoff after a 429 without Retry-After (default 1000 ms): long enough for a 5 r/s bucket to refill. */
  readonly rateLimitBackoffMs?: number;
  /** A Retry-After longer than this is not waited for: the call fails as rateLimited (default 60 s). */
  readonly maxRetryAfterMs?: number;
  /** Told every credential before it is sent, so a logger can redact it verbatim (the sign-in check's token too). */
  readonly rememberSecret?: (secret: string) => void;
  /** Test seams. */
  readonly clock?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

export interface RequestSpec {
  readonly method: Method;
  /** Absolute path below the base URL, already percent-encoded (`/api/v1/user/`). */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /**
   * Whether repeating the request is harmless. Default: GET, PUT and DELETE yes, POST no. Methods
   * override it where Quay differs (robot-create PUT is not idempotent: a repeat is a 400 "Existing robot").
   */
  readonly idempotent?: boolean;
  /** Basic credentials instead of the bearer token (federation token exchange, registry login). */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** No Authorization header at all (the registry's `GET /v2/`: the API token is for the API only). */
  readonly anonymous?: boolean;
  /** Non-2xx statuses handed back as answers instead of errors, never retried (the registry's 401 challenge). */
  readonly answerStatuses?: readonly number[];
  readonly operation: Operation;
  readonly signal?: AbortSignal | undefined;
}

export interface TransportResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

type ErrorFields = Omit<QuayApiErrorInit, 'instance' | 'method' | 'path' | 'operation' | 'secrets'>;

export interface TransportStats {
  /** HTTP requests put on the wire (each attempt and each redirect hop counts). */
  readonly requests: number;
  /** Attempts repeated after a retryable failure. */
  readonly retries: number;
  /** 429 answers received (retried or not). */
  readonly rateLimited: number;
  readonly redirects: number;
  /** Requests in flight right now, and the most ever seen at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const MAX_BACKOFF_MS = 8000;
/** A 429 always waits at least this long (one token of a 5 r/s bucket refills in 200 ms). */
const RATE_LIMIT_FLOOR_MS = 250;
/** Pacing starts at one request per 200 ms (nginx's 5 r/s) and is never slower than one per 2 s. */
const PACING_START_MS = 200;
const PACING_MAX_MS = 2000;
const PACING_HOLD_MS = 10_000;
const USER_AGENT = 'quay-robots-vscode (undici)';
/** No answer of this API comes near it; a bigger body (or `content-length`) is not read. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortError(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class Cancelled extends Error {}

export class Transport {
  readonly instanceLabel: string;
  /** True when TLS certificate verification is off for this instance. */
  readonly insecureTls: boolean;
  private readonly base: URL;
  /** Path prefix of the base URL without its trailing slash ('' for an origin). */
  private readonly prefix: string;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly semaphore: Semaphore;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly rateLimitBackoffMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly clock: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly counters = { requests: 0, retries: 0, rateLimited: 0, redirects: 0, inFlight: 0, maxInFlight: 0 };
  /** After a 429 every request of this instance waits until then, so a burst does not keep hitting the limit. */
  private cooldownUntil = 0;
  /**
   * Pacing after 429s (AIMD): minimum spacing between request starts. Raised on every 429, lowered
   * slowly on other answers, 0 when Quay has not rate-limited us lately. nginx's limit (5 r/s per IP,
   * contract §0.7) then costs one 429 instead of one per request.
   */
  private pacingMs = 0;
  private nextStart = 0;
  private lastPacingBump = 0;
  private last429 = 0;

  constructor(private readonly options: TransportOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`Not a URL: ${options.baseUrl}`);
    }
    if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new TypeError(`Quay is reached over http(s), not ${base.protocol}`);
    this.prefix = base.pathname.replace(/\/+$/, '');
    base.search = '';
    base.hash = '';
    this.base = base;
    this.instanceLabel = options.instanceLabel ?? base.host;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = Math.max(0, options.retries ?? 3);
    this.backoffMs = options.backoffMs ?? 250;
    this.rateLimitBackoffMs = options.rateLimitBackoffMs ?? 1000;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.semaphore = new Semaphore(options.maxConcurrency ?? 4);
    this.insecureTls = base.protocol === 'https:' && options.tls?.rejectUnauthorized === false;
    if (options.dispatcher !== undefined) {
      this.dispatcher = options.dispatcher;
      this.ownsDispatcher = false;
    } else {
      const tls = {
        timeout: this.timeoutMs,
        // `ca` replaces Node's trust store; keep the public roots so redirects to public hosts still verify.
        ...(options.tls?.ca !== undefined ? { ca: [...rootCertificates, options.tls.ca] } : {}),
        rejectUnauthorized: options.tls?.rejectUnauthorized !== false,
      };
      const pool = { keepAliveTimeout: 10_000, connections: Math.max(1, options.maxConcurrency ?? 4) };
      // Through a proxy, the instance's TLS settings apply to the tunnelled connection, not to the proxy's.
      this.dispatcher = options.proxy !== undefined ? new ProxyAgent({ ...pool, uri: options.proxy, requestTls: tls, proxyTls: { timeout: this.timeoutMs } }) : new Agent({ ...pool, connect: tls });
      this.ownsDispatcher = true;
      if (options.proxy !== undefined) options.logger.info(`Requests to ${this.instanceLabel} go through the proxy ${displayProxy(options.proxy)}.`);
    }
    if (this.insecureTls) {
      options.logger.warn(
        `TLS certificate verification is OFF for ${this.instanceLabel}: anyone on the network path could read the token. Configure the instance's CA instead.`,
      );
    }
    const refusal = this.insecureHttpRefusal(base);
    if (refusal !== undefined) options.logger.warn(refusal);
  }

  /** `scheme://host[:port]` of the instance. */
  get origin(): string {
    return this.base.origin;
  }

  get stats(): TransportStats {
    return { ...this.counters };
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  /** Sends the request (retrying and following redirects as allowed); resolves with a 2xx answer or throws a QuayApiError. */
  async request(spec: RequestSpec): Promise<TransportResponse> {
    return (await this.exchange(spec)).response;
  }

  /**
   * Sends, parses the JSON body and runs `parse` on it: a ShapeError becomes QuayApiError('invalidResponse')
   * naming the endpoint and the field.
   */
  async call<T>(spec: RequestSpec, parse: (body: unknown) => T): Promise<T> {
    const { status, body, secrets } = await this.json(spec);
    try {
      return parse(body);
    } catch (error) {
      if (error instanceof ShapeError) throw this.invalid(spec, `${error.message} (${spec.method} ${this.logPath(spec)})`, status, secrets);
      throw error;
    }
  }

  /** For answers without a useful body (204 DELETE and the like). */
  async send(spec: RequestSpec): Promise<void> {
    await this.request(spec);
  }

  /** Registers a credential Quay returned (a robot token, a federated password) with the logger's redactor. */
  remember(secret: string | undefined): void {
    if (secret !== undefined && secret !== '') this.options.rememberSecret?.(secret);
  }

  // ---------------------------------------------------------------------------------------------

  /** `request`, plus the credentials it carried (for redacting them from any later error). */
  private async exchange(spec: RequestSpec): Promise<{ response: TransportResponse; secrets: readonly string[] }> {
    if (spec.signal?.aborted === true) throw this.error(spec, [], { reason: 'cancelled', cause: spec.signal.reason });
    const token = spec.basicAuth === undefined && spec.anonymous !== true ? await this.options.getToken() : undefined;
    const { authorization, secrets } = credentials(token, spec.basicAuth);
    for (const secret of secrets) this.remember(secret);
    const fail = (init: ErrorFields): QuayApiError => this.error(spec, secrets, init);
    const idempotent = spec.idempotent ?? spec.method !== 'POST';

    for (let attempt = 0; ; attempt++) {
      let delay: number | undefined;
      let failure: QuayApiError;
      try {
        await this.waitForCooldown(spec.signal);
        const response = await this.attempt(spec, authorization, secrets);
        if ((response.status >= 200 && response.status < 300) || spec.answerStatuses?.includes(response.status) === true) return { response, secrets };
        failure = this.answerError(spec, response, secrets);
        delay = this.retryDelay(attempt, idempotent, response, failure);
      } catch (error) {
        if (error instanceof Cancelled) throw fail({ reason: 'cancelled', cause: spec.signal?.reason });
        if (!(error instanceof TransportFailure)) throw error;
        failure = fail({ reason: error.reason, detail: error.detail, code: error.code, cause: error.cause });
        if (error.retryable && idempotent && attempt < this.retries) delay = this.backoff(attempt, this.backoffMs);
      }
      if (delay === undefined) throw failure;
      this.counters.retries++;
      this.options.logger.warn(
        redact(`${spec.method} ${this.logPath(spec)}: ${failure.status !== undefined ? `HTTP ${failure.status}` : failure.reason}; retry ${attempt + 1}/${this.retries} in ${Math.round(delay)} ms`, secrets),
      );
      try {
        await this.sleep(delay, spec.signal);
      } catch {
        throw fail({ reason: 'cancelled', cause: spec.signal?.reason });
      }
    }
  }

  /** Like `request`, then parses the body as JSON (empty body → undefined) whatever the content type. */
  private async json(spec: RequestSpec): Promise<{ status: number; body: unknown; secrets: readonly string[] }> {
    const { response, secrets } = await this.exchange(spec);
    const text = response.text.trim();
    if (text === '') return { status: response.status, body: undefined, secrets };
    try {
      return { status: response.status, body: JSON.parse(text) as unknown, secrets };
    } catch {
      throw this.invalid(spec, `the body is not JSON (${describeBody(response)})`, response.status, secrets);
    }
  }

  /** An invalidResponse error naming the endpoint; `secrets` (the credentials the request carried) are redacted from it. */
  invalid(spec: RequestSpec, detail: string, status?: number, secrets: readonly string[] = []): QuayApiError {
    return this.error(spec, secrets, { reason: 'invalidResponse', detail, status });
  }

  /** A QuayApiError about this request, with every credential it carried redacted from its text. */
  private error(spec: RequestSpec, secrets: readonly string[], init: ErrorFields): QuayApiError {
    return new QuayApiError({ instance: this.instanceLabel, method: spec.method, path: this.logPath(spec), operation: spec.operation, secrets, ...init });
  }

  private retryDelay(attempt: number, idempotent: boolean, response: TransportResponse, failure: QuayApiError): number | undefined {
    if (!RETRYABLE_STATUS.has(response.status) || attempt >= this.retries) return undefined;
    // 429 means "not processed" (RFC 6585), so even a POST may be repeated; other statuses only when idempotent.
    if (response.status !== 429 && !idempotent) return undefined;
    // A read-only registry answers every write 503 until an admin ends it: repeating is pointless.
    if (response.status === 503 && /read-only/i.test(failure.serverMessage ?? '')) return undefined;
    const retryAfter = parseRetryAfter(header(response, 'retry-after'), this.clock());
    if (retryAfter !== undefined) {
      if (retryAfter > this.maxRetryAfterMs) return undefined;
      if (response.status === 429) this.cooldownUntil = Math.max(this.cooldownUntil, this.clock() + retryAfter);
      return retryAfter;
    }
    if (response.status === 429) {
      this.cooldownUntil = Math.max(this.cooldownUntil, this.clock() + RATE_LIMIT_FLOOR_MS);
      return RATE_LIMIT_FLOOR_MS + this.backoff(attempt, this.rateLimitBackoffMs);
    }
    return this.backoff(attempt, this.backoffMs);
  }

  /** Exponential backoff with full jitter: uniform in [0, min(cap, base·2^attempt)]. */
  private backoff(attempt: number, base: number): number {
    return this.random() * Math.min(MAX_BACKOFF_MS, base * 2 ** attempt);
  }

  /**
   * On the first 429, pace at nginx's 5 r/s; if 429s go on (another client behind the same IP), slow
   * down by half at most once a second. Back to no pacing after 10 s without a 429.
   */
  private adjustPacing(rateLimited: boolean): void {
    const now = this.clock();
    if (rateLimited) {
      this.last429 = now;
      if (this.pacingMs === 0) this.pacingMs = PACING_START_MS;
      else if (now - this.lastPacingBump >= 1000) this.pacingMs = Math.min(PACING_MAX_MS, this.pacingMs * 1.5);
      else return;
      this.lastPacingBump = now;
    } else if (this.pacingMs > 0) {
      if (now - this.last429 > PACING_HOLD_MS) this.pacingMs = 0;
      else if (this.pacingMs > PACING_START_MS) this.pacingMs = Math.max(PACING_START_MS, this.pacingMs * 0.95);
    }
  }

  /** Waits for this request's start slot while pacing is on (after the concurrency slot is taken). */
  private async pace(signal: AbortSignal | undefined): Promise<void> {
    if (this.pacingMs <= 0) return;
    const now = this.clock();
    const start = Math.max(now, this.nextStart);
    this.nextStart = start + this.pacingMs;
    if (start <= now) return;
    try {
      await this.sleep(start - now, signal);
    } catch {
      throw new Cancelled();
    }
  }

  private async waitForCooldown(signal: AbortSignal | undefined): Promise<void> {
    const wait = this.cooldownUntil - this.clock();
    if (wait <= 0) return;
    try {
      await this.sleep(wait, signal);
    } catch {
      throw new Cancelled();
    }
  }

  private answerError(spec: RequestSpec, response: TransportResponse, secrets: readonly string[]): QuayApiError {
    if (response.status === 429) this.counters.rateLimited++;
    const serverMessage = extractServerMessage(response.text, header(response, 'content-type'));
    const reason: QuayErrorReason = reasonForStatus(response.status, serverMessage);
    const csrf = response.status === 403 && /CSRF/i.test(serverMessage ?? '');
    const hint = hintForAnswer(response.status, serverMessage);
    return this.error(spec, secrets, {
      reason,
      status: response.status,
      ...(serverMessage !== undefined ? { serverMessage } : {}),
      ...(serverMessage === undefined && REDIRECT_STATUS.has(response.status) ? { detail: 'redirect without a Location' } : {}),
      ...(csrf ? { note: 'the token may be invalid or expired' } : {}),
      ...(hint !== undefined ? { userHint: hint } : {}),
    });
  }

  /** One attempt, following redirects (each hop takes a concurrency slot of its own). */
  private async attempt(spec: RequestSpec, authorization: string | undefined, secrets: readonly string[]): Promise<TransportResponse> {
    let url = this.buildUrl(spec);
    let method: Method = spec.method;
    let body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    let sendAuth = authorization !== undefined;
    for (let hop = 0; ; hop++) {
      const refusal = this.insecureHttpRefusal(url);
      if (refusal !== undefined) throw new TransportFailure('tls', refusal, 'ERR_INSECURE_HTTP', false);
      const headers: Record<string, string> = { accept: 'application/json', 'user-agent': USER_AGENT };
      if (sendAuth && authorization !== undefined) headers.authorization = authorization;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await this.sendOnce(url, method, headers, body, spec, secrets);
      if (!REDIRECT_STATUS.has(response.status)) return response;
      const location = header(response, 'location');
      if (location === undefined) return response;
      if (hop >= MAX_REDIRECTS) throw new TransportFailure('network', `more than ${MAX_REDIRECTS} redirects (last to ${location})`, 'ERR_TOO_MANY_REDIRECTS', false);
      const next = new URL(location, url);
      if (next.origin !== url.origin && spec.method !== 'GET') {
        // A write (or a POST turned into a GET) sent to another origin is not what the user asked for: stop.
        throw new TransportFailure(
          'invalidResponse',
          `it redirected the ${spec.method} request to another origin (${next.origin}); only a GET follows such a redirect`,
          'ERR_CROSS_ORIGIN_REDIRECT',
          false,
        );
      }
      this.counters.redirects++;
      if (next.origin !== url.origin && sendAuth) {
        // Never hand the token to another origin (undici's own redirect handler does the same).
        sendAuth = false;
        this.options.logger.info(`Redirected from ${url.origin} to ${next.origin}: the Authorization header is not forwarded.`);
      }
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
      url = next;
    }
  }

  private async sendOnce(
    url: URL,
    method: Method,
    headers: Record<string, string>,
    body: string | undefined,
    spec: RequestSpec,
    secrets: readonly string[],
  ): Promise<TransportResponse> {
    let release: () => void;
    try {
      release = await this.semaphore.acquire(spec.signal);
    } catch {
      throw new Cancelled();
    }
    try {
      await this.pace(spec.signal);
    } catch (error) {
      release();
      throw error;
    }
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${this.timeoutMs} ms`));
    }, this.timeoutMs);
    const onAbort = (): void => controller.abort(spec.signal?.reason);
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    const started = this.clock();
    const shown = `${method} ${url.pathname}${shortQuery(url)}`;
    this.counters.requests++;
    this.counters.inFlight++;
    this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.counters.inFlight);
    try {
      const res = await request(url, { method, headers, body, signal: controller.signal, dispatcher: this.dispatcher });
      const text = await readCapped(res, url.host);
      this.adjustPacing(res.statusCode === 429);
      this.options.logger.debug(redact(`${shown} → ${res.statusCode} in ${Math.round(this.clock() - started)} ms`, secrets));
      return { status: res.statusCode, headers: res.headers, text };
    } catch (error) {
      if (spec.signal?.aborted === true) {
        this.options.logger.debug(redact(`${shown} → cancelled after ${Math.round(this.clock() - started)} ms`, secrets));
        throw new Cancelled();
      }
      const failure =
        error instanceof TransportFailure
          ? error
          : timedOut
            ? new TransportFailure('timeout', `no answer within ${formatMs(this.timeoutMs)}`, 'ETIMEDOUT', false, error)
            : classifyError(error);
      this.options.logger.debug(redact(`${shown} → ${failure.code ?? failure.reason} after ${Math.round(this.clock() - started)} ms`, secrets));
      throw failure;
    } finally {
      clearTimeout(timer);
      spec.signal?.removeEventListener('abort', onAbort);
      this.counters.inFlight--;
      release();
    }
  }

  private buildUrl(spec: RequestSpec): URL {
    const url = new URL(this.base.href);
    url.pathname = `${this.prefix}${spec.path}`;
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  /** Path and query for messages and logs; long page tokens shortened. */
  private logPath(spec: RequestSpec): string {
    const url = this.buildUrl(spec);
    return `${url.pathname}${shortQuery(url)}`;
  }

  private insecureHttpRefusal(url: URL): string | undefined {
    if (url.protocol !== 'http:' || this.options.allowInsecureHttp === true || isLoopbackHost(url.hostname)) return undefined;
    return `refusing plain http:// to ${url.host}: the token would travel unencrypted. Use https://, or allow insecure http for this instance explicitly.`;
  }
}

/** A transport-level failure: no usable HTTP answer (none at all, an oversized one, a refused redirect). */
class TransportFailure extends Error {
  constructor(
    readonly reason: Extract<QuayErrorReason, 'network' | 'timeout' | 'tls' | 'invalidResponse'>,
    readonly detail: string,
    readonly code: string | undefined,
    /** A connection reset: the request may be repeated if idempotent. */
    readonly retryable: boolean,
    override readonly cause?: unknown,
  ) {
    super(detail);
  }
}

const TLS_CODE = /^(?:CERT_|ERR_TLS_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|ERR_SSL_|HOSTNAME_MISMATCH|INVALID_CA|INVALID_PURPOSE)/;
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE', 'UND_ERR_CLOSED']);
const NETWORK_TEXT: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  UND_ERR_SOCKET: 'connection closed by the server',
  EPIPE: 'connection closed while sending',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

function errorCodes(error: unknown, seen = new Set<unknown>()): { code: string; message: string }[] {
  if (typeof error !== 'object' || error === null || seen.has(error)) return [];
  seen.add(error);
  const out: { code: string; message: string }[] = [];
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string') out.push({ code: e.code, message: typeof e.message === 'string' ? e.message : '' });
  out.push(...errorCodes(e.cause, seen));
  if (Array.isArray(e.errors)) for (const inner of e.errors) out.push(...errorCodes(inner, seen));
  return out;
}

/** Maps a Node/undici error to network / timeout / tls, looking through `cause` chains and AggregateErrors. */
export function classifyError(error: unknown): TransportFailure {
  const codes = errorCodes(error);
  const tls = codes.find((c) => TLS_CODE.test(c.code) || (c.code === 'EPROTO' && /SSL|TLS/i.test(c.message)));
  if (tls !== undefined) return new TransportFailure('tls', `${tls.message || 'certificate rejected'} (${tls.code})`, tls.code, false, error);
  const timeout = codes.find((c) => TIMEOUT_CODES.has(c.code));
  if (timeout !== undefined) return new TransportFailure('timeout', `${timeout.message || 'timed out'} (${timeout.code})`, timeout.code, false, error);
  // Prefer the most specific code: undici wraps the socket's ECONNRESET in UND_ERR_SOCKET and so on.
  const first = codes.find((c) => NETWORK_TEXT[c.code] !== undefined && c.code !== 'UND_ERR_SOCKET') ?? codes[0];
  const message = error instanceof Error ? error.message : String(error);
  if (first === undefined) return new TransportFailure('network', message || 'network error', undefined, false, error);
  const text = NETWORK_TEXT[first.code] ?? (first.message || message);
  return new TransportFailure('network', `${text} (${first.code})`, first.code, RESET_CODES.has(first.code) || codes.some((c) => RESET_CODES.has(c.code)), error);
}

/**
 * The body as text, read as a stream: a `content-length` above MAX_RESPONSE_BYTES is refused before
 * reading, and reading stops (the connection is dropped) as soon as the body grows past it.
 */
export async function readCapped(res: Dispatcher.ResponseData, host: string, max = MAX_RESPONSE_BYTES): Promise<string> {
  const tooLarge = (): TransportFailure =>
    new TransportFailure('invalidResponse', `The response of ${host} was larger than ${max / 1024 / 1024} MiB; stopped reading it.`, 'ERR_RESPONSE_TOO_LARGE', false);
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) {
    res.body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      res.body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** The Authorization header of a request and the credentials it carries in every form a server could echo. */
function credentials(token: string | undefined, basic: RequestSpec['basicAuth']): { authorization: string | undefined; secrets: string[] } {
  if (basic !== undefined) {
    const pair = `${basic.username}:${basic.password}`;
    const encoded = Buffer.from(pair, 'utf8').toString('base64');
    return { authorization: `Basic ${encoded}`, secrets: [encoded, pair, basic.password].filter((s) => s !== '') };
  }
  if (token === undefined || token === '') return { authorization: undefined, secrets: [] };
  return { authorization: `Bearer ${token}`, secrets: [token] };
}

/** `Retry-After` in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unparsable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function header(response: TransportResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function shortQuery(url: URL): string {
  if (url.search === '') return '';
  const parts: string[] = [];
  for (const [k, v] of url.searchParams) parts.push(`${k}=${k === 'next_page' && v.length > 12 ? `${v.slice(0, 8)}…` : v}`);
  return `?${parts.join('&')}`;
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function describeBody(response: TransportResponse): string {
  const type = header(response, 'content-type') ?? 'no content type';
  return `${type}, ${response.text.length} bytes`;
}
