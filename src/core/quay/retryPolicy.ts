/**
 * When the transport repeats a request, and after how long: pure functions of the answer, the attempt number,
 * the clock and a random source (both injected, so tests are deterministic).
 */

export interface RetrySettings {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** Base of the exponential backoff for 5xx and connection resets. */
  readonly backoffMs: number;
  /** Base of the backoff after a 429 without Retry-After. */
  readonly rateLimitBackoffMs: number;
  /** A Retry-After longer than this is not waited for. */
  readonly maxRetryAfterMs: number;
}

export interface AnsweredAttempt {
  readonly attempt: number;
  readonly idempotent: boolean;
  readonly status: number;
  readonly retryAfter: string | undefined;
  readonly serverMessage: string | undefined;
}

export interface RetryDecision {
  /** Wait this long, then repeat the request. */
  readonly delayMs: number;
  /** After a 429: every request of the instance holds off this long (a burst should not keep hitting the limit). */
  readonly holdMs?: number;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const MAX_BACKOFF_MS = 8000;
/** A 429 always waits at least this long (one token of a 5 r/s bucket refills in 200 ms). */
const RATE_LIMIT_FLOOR_MS = 250;

/** Exponential backoff with full jitter: uniform in [0, min(cap, base·2^attempt)]. */
export function backoff(attempt: number, base: number, random: () => number): number {
  return random() * Math.min(MAX_BACKOFF_MS, base * 2 ** attempt);
}

/** Whether (and when) to repeat a request Quay answered with a non-2xx status; undefined: fail now. */
export function retryAnswered(settings: RetrySettings, a: AnsweredAttempt, now: number, random: () => number): RetryDecision | undefined {
  if (!RETRYABLE_STATUS.has(a.status) || a.attempt >= settings.retries) return undefined;
  // 429 means "not processed" (RFC 6585), so even a POST may be repeated; other statuses only when idempotent.
  if (a.status !== 429 && !a.idempotent) return undefined;
  // A read-only registry answers every write 503 until an admin ends it: repeating is pointless.
  if (a.status === 503 && /read-only/i.test(a.serverMessage ?? '')) return undefined;
  const retryAfter = parseRetryAfter(a.retryAfter, now);
  if (retryAfter !== undefined) {
    if (retryAfter > settings.maxRetryAfterMs) return undefined;
    return a.status === 429 ? { delayMs: retryAfter, holdMs: retryAfter } : { delayMs: retryAfter };
  }
  if (a.status === 429) return { delayMs: RATE_LIMIT_FLOOR_MS + backoff(a.attempt, settings.rateLimitBackoffMs, random), holdMs: RATE_LIMIT_FLOOR_MS };
  return { delayMs: backoff(a.attempt, settings.backoffMs, random) };
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
