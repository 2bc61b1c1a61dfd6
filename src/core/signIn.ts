import type { QuayClient } from './quay/client';
import { QuayApiError } from './quay/errors';
import type { CurrentUser } from './quay/types';

export type TokenCheck = { ok: true; user: CurrentUser } | { ok: false; message: string; reason: string };

/**
 * Checks a token the way "Add Instance" needs: `GET /api/v1/user/` must answer. A 401 there means either a
 * bad token or a good token without `user:read`; Quay cannot tell them apart on that endpoint (contract
 * §0.5), so a second GET that needs a user scope tells: 401 = anonymous (token unknown or expired),
 * 403 = the token authenticated but lacks the scope.
 */
export async function checkToken(client: QuayClient, host: string, signal?: AbortSignal): Promise<TokenCheck> {
  try {
    const user = await client.getCurrentUser({ signal });
    return { ok: true, user };
  } catch (error) {
    if (!(error instanceof QuayApiError)) throw error;
    if (error.reason === 'unauthorized') {
      const scopeProbe = await client.listRobots({ kind: 'user', name: '' }, { permissions: false, token: false }, { signal }).then(
        () => 'ok' as const,
        (e: unknown) => (e instanceof QuayApiError ? e.reason : 'other'),
      );
      if (scopeProbe === 'forbidden' || scopeProbe === 'ok') {
        return {
          ok: false,
          reason: 'scope',
          message: `${host} accepted the token, but it lacks the "user:read" scope (Quay: "Read User Information"). Generate a token with at least user:read; managing robots also needs org:admin, repo:admin and user:admin.`,
        };
      }
      return {
        ok: false,
        reason: 'token',
        message: `${host} rejected the token: it is unknown, revoked or expired. Generate a new OAuth token in Quay (Organization → Applications → Generate Token) and paste it here.`,
      };
    }
    const what: Record<string, string> = {
      tls: `The TLS connection to ${host} failed: ${error.message}. If the instance uses a private CA, set "caFile" for it in the quay.instances setting.`,
      network: `${host} could not be reached: ${error.message}. Check the URL, the network or proxy, and that Quay is running.`,
      timeout: `${host} did not answer in time: ${error.message}.`,
    };
    return { ok: false, reason: error.reason, message: what[error.reason] ?? error.message };
  }
}
