/**
 * The local pre-check before calling Quay's exchange (contract §6.2, steps 3–8): what Quay would object to, in the
 * order Quay checks (contract §6.2 steps 3–8), worked out from the decoded token and the robot's entries.
 * It cannot check the signature or reach the issuer; `checkIssuer` covers the issuer.
 */
import type { FederationEntry } from '../quay/types';
import { EXPLANATIONS, type ExchangeProblem } from './explain';
import type { DecodedJwt } from './jwt';

/** Quay's (PyJWT's) clock leeway for `exp` and `iat`. */
export const CLOCK_LEEWAY_S = 30;
/** The only algorithms Quay accepts. */
export const QUAY_ALGORITHMS: readonly string[] = ['RS256', 'RS384'];

export interface EntryDifference {
  readonly field: 'issuer' | 'subject';
  readonly configured: string;
  readonly token: string;
  /** How they differ, in words: "only by a trailing slash", "from character 12 on: …". */
  readonly how: string;
}

export interface ClosestEntry {
  readonly entry: FederationEntry;
  readonly differences: readonly EntryDifference[];
}

export interface PrecheckIssue {
  readonly problem: ExchangeProblem;
  /** What Quay would answer (for the problems Quay reports with a message). */
  readonly quayMessage?: string;
  readonly explanation: string;
  /** Specifics: which claim, when it expired, which algorithm. */
  readonly detail?: string;
}

export interface Precheck {
  /** The entry Quay would match (`iss` and `sub` both equal). */
  readonly match?: FederationEntry;
  /** Without a match: the entry nearest to the token and how it differs. */
  readonly closest?: ClosestEntry;
  /** In Quay's order: the first is what Quay would answer first. Empty = nothing to object to locally. */
  readonly issues: readonly PrecheckIssue[];
}

function issue(problem: ExchangeProblem, quayMessage?: string, detail?: string): PrecheckIssue {
  return { problem, explanation: EXPLANATIONS[problem], ...(quayMessage !== undefined ? { quayMessage } : {}), ...(detail !== undefined ? { detail } : {}) };
}

/** Levenshtein distance (entries are short; inputs are capped by the JWT size limit). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function describe(configured: string, token: string): string {
  if (configured.replace(/\/+$/, '') === token.replace(/\/+$/, '')) return 'only by a trailing slash';
  if (configured.toLowerCase() === token.toLowerCase()) return 'only in upper and lower case';
  if (configured.trim() === token.trim()) return 'only by spaces at the start or end';
  let i = 0;
  while (i < configured.length && i < token.length && configured[i] === token[i]) i++;
  const tail = (s: string): string => (s.length - i > 40 ? `${s.slice(i, i + 40)}…` : s.slice(i));
  return `from character ${i + 1} on: configured "${tail(configured)}", token "${tail(token)}"`;
}

function differences(entry: FederationEntry, iss: string, sub: string): EntryDifference[] {
  const out: EntryDifference[] = [];
  if (entry.issuer !== iss) out.push({ field: 'issuer', configured: entry.issuer, token: iss, how: describe(entry.issuer, iss) });
  if (entry.subject !== sub) out.push({ field: 'subject', configured: entry.subject, token: sub, how: describe(entry.subject, sub) });
  return out;
}

/** Nearest entry: same issuer first, then the smallest edit distance over issuer and subject. */
function closestEntry(entries: readonly FederationEntry[], iss: string, sub: string): ClosestEntry | undefined {
  let best: { entry: FederationEntry; score: number } | undefined;
  for (const entry of entries) {
    const score = (entry.issuer === iss ? 0 : 1_000_000) + distance(entry.issuer, iss) + distance(entry.subject, sub);
    if (best === undefined || score < best.score) best = { entry, score };
  }
  return best === undefined ? undefined : { entry: best.entry, differences: differences(best.entry, iss, sub) };
}

/** PyJWT's integer reading of `iat`/`exp` (numbers and integer strings). */
function seconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return parseInt(value, 10);
  return undefined;
}

/**
 * The audiences Quay 3.18 checks a token of `issuer` against: those of the last entry of that issuer that has any
 * (`verify_federated_robot_jwt_token`); undefined when none has, and Quay then does not check `aud` at all.
 */
export function checkedAudiences(entries: readonly FederationEntry[], issuer: string): readonly string[] | undefined {
  let audiences: readonly string[] | undefined;
  for (const e of entries) if (e.issuer === issuer && (e.audiences?.length ?? 0) > 0) audiences = e.audiences;
  return audiences;
}

/** What Quay would say about `jwt` for a robot with `entries`, at `now` (ms since the epoch). */
export function precheck(jwt: DecodedJwt, entries: readonly FederationEntry[], now: number): Precheck {
  const { header, claims } = jwt;
  const issues: PrecheckIssue[] = [];
  const rawIss = claims['iss'];
  const iss = typeof rawIss === 'string' ? rawIss : rawIss === undefined || rawIss === null ? '' : JSON.stringify(rawIss);
  const sub = typeof claims['sub'] === 'string' ? claims['sub'] : '';

  // Steps 3–5: issuer present, entries exist, an entry with exactly this issuer.
  if (iss === '') issues.push(issue('noIssuer', 'Token does not contain issuer'));
  else if (entries.length === 0) issues.push(issue('notConfigured', 'Robot does not have federated login configured'));
  else if (!entries.some((e) => e.issuer === iss)) issues.push(issue('issuerNotConfigured', `issuer ${iss} not configured for this robot`));

  // Step 7: kid, algorithm, required claims, iat, exp, sub type (signature and issuer document: only Quay can tell).
  const kid = header['kid'];
  if (kid === undefined || kid === null) issues.push(issue('missingKid', 'Invalid token: Missing `kid` header'));
  const alg = header['alg'];
  if (alg === undefined) issues.push(issue('algorithm', 'Invalid token: Algorithm not specified'));
  else if (typeof alg !== 'string' || !QUAY_ALGORITHMS.includes(alg)) issues.push(issue('algorithm', 'Invalid token: The specified alg value is not allowed', `the token is signed with ${JSON.stringify(alg)}`));
  for (const claim of ['iat', 'exp'] as const) {
    if (claims[claim] === undefined || claims[claim] === null) issues.push(issue('missingClaim', `Invalid token: Token is missing the "${claim}" claim`, claim));
  }
  const nowS = now / 1000;
  const iat = seconds(claims['iat']);
  if (claims['iat'] !== undefined && claims['iat'] !== null) {
    if (iat === undefined) issues.push(issue('missingClaim', 'Invalid token: Issued At claim (iat) must be an integer.', 'iat'));
    else if (iat > nowS + CLOCK_LEEWAY_S) issues.push(issue('notYetValid', 'Invalid token: The token is not yet valid (iat)', `issued at ${new Date(iat * 1000).toISOString()}`));
  }
  const exp = seconds(claims['exp']);
  if (claims['exp'] !== undefined && claims['exp'] !== null) {
    if (exp === undefined) issues.push(issue('missingClaim', 'Invalid token: Expiration Time claim (exp) must be an integer.', 'exp'));
    else if (exp <= nowS - CLOCK_LEEWAY_S) issues.push(issue('expired', 'Invalid token: Signature has expired', `expired at ${new Date(exp * 1000).toISOString()}`));
  }
  // PyJWT checks aud after exp, when an entry of the token's issuer has audiences (Quay 3.18).
  const audiences = checkedAudiences(entries, iss);
  if (audiences !== undefined) {
    const aud = claims['aud'];
    const values = typeof aud === 'string' ? [aud] : aud;
    const wanted = `one of ${audiences.join(', ')}`;
    if (aud === undefined || aud === null || aud === '' || (Array.isArray(aud) && aud.length === 0)) issues.push(issue('audience', 'Invalid token: Token is missing the "aud" claim', `Quay wants ${wanted}`));
    else if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) issues.push(issue('audience', 'Invalid token: Invalid claim format in token', 'aud'));
    else if (!audiences.some((a) => (values as readonly string[]).includes(a))) issues.push(issue('audience', "Invalid token: Audience doesn't match", `the token's aud is ${values.join(', ')}; Quay wants ${wanted}`));
  }
  if ('sub' in claims && typeof claims['sub'] !== 'string') issues.push(issue('subjectNotString', 'Invalid token: Subject must be a string'));

  // Step 8: the subject among the entries of that issuer.
  const match = entries.find((e) => e.issuer === iss && e.subject === sub);
  if (match === undefined && entries.some((e) => e.issuer === iss)) issues.push(issue('subjectMismatch', 'Token does not match robot'));
  if (match !== undefined) return { match, issues };
  const closest = closestEntry(entries, iss, sub);
  return { ...(closest !== undefined ? { closest } : {}), issues };
}
