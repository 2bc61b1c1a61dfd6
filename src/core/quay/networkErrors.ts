import { ResponseTooLargeError } from '../http/readCapped';
import type { QuayErrorReason } from './errors';
import { errorMessage } from '../log';

/** The caller's signal ended the request (while queued, paced, cooling down or on the wire). */
export class Cancelled extends Error {}

/** A transport-level failure: no usable HTTP answer (none at all, an oversized one, a refused redirect). */
export class TransportFailure extends Error {
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
  const message = errorMessage(error);
  if (first === undefined) return new TransportFailure('network', message || 'network error', undefined, false, error);
  const text = NETWORK_TEXT[first.code] ?? (first.message || message);
  return new TransportFailure('network', `${text} (${first.code})`, first.code, RESET_CODES.has(first.code) || codes.some((c) => RESET_CODES.has(c.code)), error);
}

/**
 * What went wrong with one attempt that got no usable answer: a failure already classified, a body over the
 * cap, the attempt's own timeout (`timedOutAfterMs`), or else whatever Node/undici threw, classified.
 */
export function attemptFailure(error: unknown, timedOutAfterMs: number | undefined): TransportFailure {
  if (error instanceof TransportFailure) return error;
  if (error instanceof ResponseTooLargeError) return new TransportFailure('invalidResponse', error.message, error.code, false);
  if (timedOutAfterMs !== undefined) return new TransportFailure('timeout', `no answer within ${formatMs(timedOutAfterMs)}`, 'ETIMEDOUT', false, error);
  return classifyError(error);
}

function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
