import type { Dispatcher } from 'undici';
import { readCapped } from '../http/readCapped';
import { isLoopbackHost } from '../instances';
import { redact } from '../log';
import { extractServerMessage, hintForAnswer, QuayApiError, reasonForStatus, type QuayApiErrorInit, type QuayErrorReason } from './errors';
import { ShapeError } from './parse';
import { createDispatcher, loadUndici } from './dispatcher';
import { attemptFailure, Cancelled, TransportFailure } from './networkErrors';
import { displayProxy } from './proxy';
import { RateLimiter } from './rateLimiter';
import { REDIRECT_STATUS, redirectHop, type Hop } from './redirects';
import { retryAnswered, backoff, type RetrySettings } from './retryPolicy';
import { defaultSleep, Semaphore } from './semaphore';
import type { Method, RequestSpec, TransportOptions, TransportResponse, TransportStats } from './transportTypes';

/**
 * HTTP transport of one Quay instance: an undici Agent (keep-alive, the instance's CA; `dispatcher.ts`), a
 * concurrency limit, timeouts, retries with backoff (`retryPolicy.ts`), pacing after 429s (`rateLimiter.ts`),
 * manual redirects, and one log line per request. It knows nothing of Quay's endpoints; it turns every failure
 * (`networkErrors.ts` classifies those without an answer) into a QuayApiError.
 */

type ErrorFields = Omit<QuayApiErrorInit, 'instance' | 'method' | 'path' | 'operation' | 'secrets'>;

const USER_AGENT = 'quay-robots-vscode (undici)';
/** No answer of this API comes near it; a bigger body (or `content-length`) is not read. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export class Transport {
  readonly instanceLabel: string;
  /** True when TLS certificate verification is off for this instance. */
  readonly insecureTls: boolean;
  private readonly base: URL;
  /** Path prefix of the base URL without its trailing slash ('' for an origin). */
  private readonly prefix: string;
  /** Made on the first request (`connection`), or the one the options pass. */
  private dispatcher: Promise<Dispatcher> | undefined;
  private readonly ownsDispatcher: boolean;
  private readonly semaphore: Semaphore;
  private readonly timeoutMs: number;
  private readonly retry: RetrySettings;
  private readonly limiter: RateLimiter;
  private readonly clock: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly counters = { requests: 0, retries: 0, rateLimited: 0, redirects: 0, inFlight: 0, maxInFlight: 0 };

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
    this.retry = {
      retries: Math.max(0, options.retries ?? 3),
      backoffMs: options.backoffMs ?? 250,
      rateLimitBackoffMs: options.rateLimitBackoffMs ?? 1000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    };
    this.clock = options.clock ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.limiter = new RateLimiter(this.clock, this.sleep);
    this.semaphore = new Semaphore(options.maxConcurrency ?? 4);
    this.insecureTls = base.protocol === 'https:' && options.tls?.rejectUnauthorized === false;
    if (options.dispatcher !== undefined) {
      this.dispatcher = Promise.resolve(options.dispatcher);
      this.ownsDispatcher = false;
    } else {
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
    if (this.ownsDispatcher && this.dispatcher !== undefined) await (await this.dispatcher).close();
  }

  private connection(): Promise<Dispatcher> {
    const tls = { ca: this.options.tls?.ca, rejectUnauthorized: this.options.tls?.rejectUnauthorized, timeoutMs: this.timeoutMs };
    this.dispatcher ??= createDispatcher(tls, this.options.proxy, { keepAliveTimeout: 10_000, connections: Math.max(1, this.options.maxConcurrency ?? 4) });
    return this.dispatcher;
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
        await this.limiter.waitForCooldown(spec.signal);
        const response = await this.attempt(spec, authorization, secrets);
        if ((response.status >= 200 && response.status < 300) || spec.answerStatuses?.includes(response.status) === true) return { response, secrets };
        failure = this.answerError(spec, response, secrets);
        const retry = retryAnswered(
          this.retry,
          { attempt, idempotent, status: response.status, retryAfter: header(response, 'retry-after'), serverMessage: failure.serverMessage },
          this.clock(),
          this.random,
        );
        if (retry?.holdMs !== undefined) this.limiter.holdFor(retry.holdMs);
        delay = retry?.delayMs;
      } catch (error) {
        if (error instanceof Cancelled) throw fail({ reason: 'cancelled', cause: spec.signal?.reason });
        if (!(error instanceof TransportFailure)) throw error;
        failure = fail({ reason: error.reason, detail: error.detail, code: error.code, cause: error.cause });
        if (error.retryable && idempotent && attempt < this.retry.retries) delay = backoff(attempt, this.retry.backoffMs, this.random);
      }
      if (delay === undefined) throw failure;
      this.counters.retries++;
      this.options.logger.warn(
        redact(`${spec.method} ${this.logPath(spec)}: ${failure.status !== undefined ? `HTTP ${failure.status}` : failure.reason}; retry ${attempt + 1}/${this.retry.retries} in ${Math.round(delay)} ms`, secrets),
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
    let at: Hop = { url: this.buildUrl(spec), method: spec.method, body: spec.body === undefined ? undefined : JSON.stringify(spec.body), sendAuth: authorization !== undefined };
    for (let hop = 0; ; hop++) {
      const refusal = this.insecureHttpRefusal(at.url);
      if (refusal !== undefined) throw new TransportFailure('tls', refusal, 'ERR_INSECURE_HTTP', false);
      const headers: Record<string, string> = { accept: 'application/json', 'user-agent': USER_AGENT };
      if (at.sendAuth && authorization !== undefined) headers.authorization = authorization;
      if (at.body !== undefined) headers['content-type'] = 'application/json';
      const response = await this.sendOnce(at.url, at.method, headers, at.body, spec, secrets);
      const next = redirectHop(at, hop, spec.method, response.status, header(response, 'location'));
      if (next === undefined) return response;
      this.counters.redirects++;
      if (at.sendAuth && !next.sendAuth) this.options.logger.info(`Redirected from ${at.url.origin} to ${next.url.origin}: the Authorization header is not forwarded.`);
      at = next;
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
      await this.limiter.pace(spec.signal);
    } catch (error) {
      release();
      throw error;
    }
    const [{ request }, dispatcher] = await Promise.all([loadUndici(), this.connection()]);
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
      const res = await request(url, { method, headers, body, signal: controller.signal, dispatcher });
      const text = await readCapped(res, url.host, MAX_RESPONSE_BYTES);
      this.limiter.answered(res.statusCode === 429);
      this.options.logger.debug(redact(`${shown} → ${res.statusCode} in ${Math.round(this.clock() - started)} ms`, secrets));
      return { status: res.statusCode, headers: res.headers, text };
    } catch (error) {
      if (spec.signal?.aborted === true) {
        this.options.logger.debug(redact(`${shown} → cancelled after ${Math.round(this.clock() - started)} ms`, secrets));
        throw new Cancelled();
      }
      const failure = attemptFailure(error, timedOut ? this.timeoutMs : undefined);
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

function describeBody(response: TransportResponse): string {
  const type = header(response, 'content-type') ?? 'no content type';
  return `${type}, ${response.text.length} bytes`;
}
