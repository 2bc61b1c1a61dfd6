import { TransportFailure } from './networkErrors';
import type { Method } from './transportTypes';

/** Statuses the transport follows itself (undici's own redirect handling is not used). */
export const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** One request on the wire: where, how, with which body, and whether the Authorization header goes with it. */
export interface Hop {
  readonly url: URL;
  readonly method: Method;
  readonly body: string | undefined;
  readonly sendAuth: boolean;
}

/**
 * The hop after answer `status` to `from` (the `hop`-th redirect of a `requested` request), or undefined when
 * the answer is not a redirect to follow (not one of REDIRECT_STATUS, or without a Location). Throws a
 * TransportFailure past MAX_REDIRECTS and for a cross-origin redirect of anything but a GET. The token never
 * goes to another origin; 303, and 301/302 of a POST, turn into a GET without a body (as browsers do).
 */
export function redirectHop(from: Hop, hop: number, requested: Method, status: number, location: string | undefined): Hop | undefined {
  if (!REDIRECT_STATUS.has(status) || location === undefined) return undefined;
  if (hop >= MAX_REDIRECTS) throw new TransportFailure('network', `more than ${MAX_REDIRECTS} redirects (last to ${location})`, 'ERR_TOO_MANY_REDIRECTS', false);
  const url = new URL(location, from.url);
  const crossOrigin = url.origin !== from.url.origin;
  if (crossOrigin && requested !== 'GET') {
    // A write (or a POST turned into a GET) sent to another origin is not what the user asked for: stop.
    throw new TransportFailure(
      'invalidResponse',
      `it redirected the ${requested} request to another origin (${url.origin}); only a GET follows such a redirect`,
      'ERR_CROSS_ORIGIN_REDIRECT',
      false,
    );
  }
  const toGet = status === 303 || ((status === 301 || status === 302) && from.method === 'POST');
  return {
    url,
    method: toGet ? 'GET' : from.method,
    body: toGet ? undefined : from.body,
    // Never hand the token to another origin (undici's own redirect handler does the same).
    sendAuth: from.sendAuth && !crossOrigin,
  };
}
