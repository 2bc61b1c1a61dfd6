/**
 * Quay's answers to the token exchange (contract §6.2), explained. The same problem kinds serve the local
 * pre-check (`precheck.ts`), so a mismatch found before calling Quay and Quay's own refusal read alike.
 * Quay's messages never contain the token; explanations never add it.
 */

export type ExchangeProblem =
  | 'credentials'
  | 'unknownRobot'
  | 'noIssuer'
  | 'notConfigured'
  | 'issuerNotConfigured'
  | 'missingKid'
  | 'algorithm'
  | 'signature'
  | 'missingClaim'
  | 'notYetValid'
  | 'expired'
  | 'issuerMismatch'
  | 'subjectNotString'
  | 'audience'
  | 'subjectMismatch'
  | 'server'
  | 'unknown';

export const EXPLANATIONS: Readonly<Record<ExchangeProblem, string>> = {
  credentials: 'Quay could not read the robot name and the token from the request: give the full robot name (namespace+robot) and an OIDC token.',
  unknownRobot: 'Quay has no robot of that name: give the full name, namespace+robot.',
  noIssuer: 'The token has no iss (issuer) claim, so Quay cannot tell which entry it is for.',
  notConfigured: 'The robot trusts no issuer yet: add an entry (issuer and subject) first.',
  issuerNotConfigured:
    "None of the robot's entries has exactly the token's issuer (iss). Quay compares issuers as plain strings: a trailing slash, http instead of https or another host name make a different issuer.",
  missingKid: "The token's header has no kid (key id). Quay looks the signing key up by kid in the issuer's keys (JWKS), so it refuses tokens without one.",
  algorithm: 'Quay accepts only tokens signed with RS256 or RS384. An issuer that signs with ES256 (or HS256) cannot be used for robot federation.',
  signature:
    "The signature does not match the issuer's key with that kid: the token was altered, or another issuer signed it. Take a fresh token from the issuer.",
  missingClaim: 'Quay requires the iat (issued at) and exp (expiry) claims, as whole numbers of seconds; the token lacks one of them or has another kind of value.',
  notYetValid: "The token's iat (issued at) lies in the future: the clocks of the issuer and of Quay differ by more than 30 seconds.",
  expired:
    'The token has expired (Quay allows 30 seconds of clock difference). OIDC tokens from Kubernetes and CI systems are short-lived: take a fresh one just before the exchange.',
  issuerMismatch:
    "The issuer's discovery document names another issuer than the token's iss (a trailing slash does not matter). Configure the issuer exactly as both the token and the document's issuer field say.",
  subjectNotString: "The token's sub (subject) claim is not a string.",
  audience:
    "An entry for the token's issuer lists audiences, and Quay 3.18 then checks the token's aud claim: it must contain one of them. Request the token for one of the entry's audiences (kubectl create token --audience, ESO's serviceAccountRef.audiences, the audience of a CI job's token).",
  subjectMismatch:
    "The robot trusts the token's issuer, but not for this subject (sub): Quay compares subjects exactly. Check the namespace and service account, the branch, tag or environment, or add the token's subject as an entry.",
  server:
    "Quay failed while verifying the token (HTTP 500). Usual causes: Quay cannot fetch the issuer's discovery document or keys (its network, a firewall, a cluster-internal host, a certificate Quay does not trust, or an http:// issuer, which never works), the token's kid is not among the issuer's keys, or the text sent is not a JWT. Quay's server log has the details.",
  unknown: 'Quay refused the token; its message is shown as it is.',
};

/** Quay's messages, as contract §6.2 lists them, each with its problem. */
const KNOWN: readonly (readonly [RegExp, ExchangeProblem])[] = [
  [/^(No auth header|Invalid basic auth header|Could not parse basic auth header|Unexpected number of credentials found in basic auth header|Invalid robot)$/, 'credentials'],
  [/^Could not find robot with specified username$/, 'unknownRobot'],
  [/^Token does not contain issuer$/, 'noIssuer'],
  [/^Robot does not have federated login configured$/, 'notConfigured'],
  [/^issuer .* not configured for this robot$/s, 'issuerNotConfigured'],
  [/^Invalid token: Missing `kid` header$/, 'missingKid'],
  [/^Invalid token: (The specified alg value is not allowed|Algorithm not specified)$/, 'algorithm'],
  [/^Invalid token: Signature verification failed$/, 'signature'],
  [/^Invalid token: (Audience doesn't match|Token is missing the "aud" claim|Invalid claim format in token)$/, 'audience'],
  [/^Invalid token: (Token is missing the "\w+" claim|Issued At claim \(iat\) must be an integer\.|Expiration Time claim \(exp\) must be an integer\.)$/, 'missingClaim'],
  [/^Invalid token: The token is not yet valid \(iat\)$/, 'notYetValid'],
  [/^Invalid token: Signature has expired$/, 'expired'],
  [/^Invalid token: Issuer .* not in configured issuers: /s, 'issuerMismatch'],
  [/^Invalid token: Subject must be a string$/, 'subjectNotString'],
  [/^Token does not match robot$/, 'subjectMismatch'],
];

export interface ExchangeExplanation {
  readonly problem: ExchangeProblem;
  /** Quay's own words, verbatim (undefined when the answer had none, as with a 500). */
  readonly quayMessage: string | undefined;
  readonly explanation: string;
}

/** Explains a failed exchange from its HTTP status and Quay's message (a `QuayApiError` fits as it is). */
export function explainExchangeError(answer: { readonly status?: number | undefined; readonly serverMessage?: string | undefined }): ExchangeExplanation {
  const message = answer.serverMessage;
  const known = message === undefined ? undefined : KNOWN.find(([pattern]) => pattern.test(message))?.[1];
  const problem = known ?? (answer.status !== undefined && answer.status >= 500 ? 'server' : 'unknown');
  return { problem, quayMessage: message, explanation: EXPLANATIONS[problem] };
}
