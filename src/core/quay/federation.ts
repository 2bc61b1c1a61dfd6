import { list, obj, str } from './parse';
import { robotFullName, robotsBase, robotShortName, seg } from './paths';
import type { Transport } from './transport';
import type { CallOptions, FederatedToken, FederationEntry, Namespace } from './types';

/** Robot federation ("keyless") config and the token exchange (contract §6). */

const path = (ns: Namespace, name: string): string => `${robotsBase(ns)}/${seg(robotShortName(ns, name))}/federation`;

function hints(ns: Namespace): { forbidden: string } {
  return {
    forbidden:
      ns.kind === 'org'
        ? `Federation of robots in ${ns.name} needs organization admin rights and a token with the org:admin scope (Quay 3.13 or later).`
        : 'Federation of your own robots needs a token with the user:admin scope (Quay 3.18 or later).',
  };
}

/** `GET …/robots/{short}/federation` → the trusted (issuer, subject) pairs; `[]` when none. */
export function getFederation(t: Transport, ns: Namespace, name: string, options: CallOptions = {}): Promise<readonly FederationEntry[]> {
  return t.call(
    { method: 'GET', path: path(ns, name), operation: { action: 'read the federation of robot', object: robotFullName(ns, name), hints: hints(ns) }, signal: options.signal },
    parseFederation,
  );
}

/**
 * `POST …/robots/{short}/federation` → 200: **replaces** the whole list (`[]` clears it). Replace-all is
 * idempotent, so this POST is marked retryable. To add one entry, read, append, then set.
 */
export function setFederation(t: Transport, ns: Namespace, name: string, entries: readonly FederationEntry[], options: CallOptions = {}): Promise<readonly FederationEntry[]> {
  return t.call(
    {
      method: 'POST',
      path: path(ns, name),
      // Audiences are sent back as read (or as the user asked): a Quay that stores them keeps them through a
      // replace-all write; Quay 3.18 drops them, which `updateTrust` reports from its answer.
      body: entries.map((e) => ({ issuer: e.issuer, subject: e.subject, ...(e.audiences !== undefined ? { audiences: [...e.audiences] } : {}) })),
      idempotent: true,
      operation: {
        action: 'set the federation of robot',
        object: robotFullName(ns, name),
        hints: { ...hints(ns), conflict: 'Each (issuer, subject) pair may appear only once.' },
      },
      signal: options.signal,
    },
    parseFederation,
  );
}

/** `DELETE …/robots/{short}/federation` → 204 (stores `[]`). */
export function deleteFederation(t: Transport, ns: Namespace, name: string, options: CallOptions = {}): Promise<void> {
  return t.send({
    method: 'DELETE',
    path: path(ns, name),
    operation: { action: 'remove the federation of robot', object: robotFullName(ns, name), hints: hints(ns) },
    signal: options.signal,
  });
}

/**
 * `GET /oauth2/federation/robot/token` with `Basic <robot>:<external JWT>` → a registry password valid
 * 1 hour (§6.2). The bearer token is not sent. Header problems are 401 `{"error"}`, config/JWT problems
 * 400 `{"message"}`, a non-JWT password or an unreachable issuer 500.
 */
export function exchangeFederatedToken(t: Transport, robot: string, jwt: string, options: CallOptions = {}): Promise<FederatedToken> {
  return t.call(
    {
      method: 'GET',
      path: '/oauth2/federation/robot/token',
      basicAuth: { username: robot, password: jwt },
      operation: {
        action: 'exchange an OIDC token for robot',
        object: robot,
        hints: {
          unauthorized: 'Quay could not read the credentials: give the full robot name (namespace+robot) and the OIDC token (a JWT).',
          invalidRequest: "Compare the token's iss and sub claims with the robot's federation entries, and check that the token has not expired.",
          server: "Quay could not verify the token: it may not be a JWT, or Quay cannot reach the issuer's discovery document or keys.",
        },
      },
      signal: options.signal,
    },
    (body) => {
      const token = str(obj(body, ''), 'token', '');
      t.remember(token);
      const expiresAt = jwtExpiry(token);
      return { token, ...(expiresAt !== undefined ? { expiresAt } : {}) };
    },
  );
}

/**
 * The stored list. `audiences` is kept where Quay returns a non-empty list of strings (Quay returns the stored
 * entries as they are); any other shape of it is ignored rather than failing the whole list.
 */
export function parseFederation(body: unknown): readonly FederationEntry[] {
  return list(body, '').map((entry, i) => {
    const o = obj(entry, `[${i}]`);
    const audiences = o['audiences'];
    // An empty list means none, for Quay as here (`if item_audiences:`), and is not sent back.
    const valid = Array.isArray(audiences) && audiences.length > 0 && audiences.every((a): a is string => typeof a === 'string');
    return { issuer: str(o, 'issuer', `[${i}]`), subject: str(o, 'subject', `[${i}]`), ...(valid ? { audiences: [...audiences] } : {}) };
  });
}

/** The `exp` claim of a JWT, read without verifying anything (display only). */
export function jwtExpiry(token: string): Date | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    if (typeof claims === 'object' && claims !== null && 'exp' in claims && typeof claims.exp === 'number') return new Date(claims.exp * 1000);
  } catch {
    // Not a JWT we can read: no expiry to show.
  }
  return undefined;
}
