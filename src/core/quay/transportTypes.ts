import type { Logger } from '../log';
import type { Dispatcher } from 'undici';
import type { Operation } from './errors';

/** What a `Transport` is built from, what it is asked, and what it answers (the transport itself: `transport.ts`). */

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
