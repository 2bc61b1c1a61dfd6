/**
 * Changing a robot's trusted (issuer, subject) entries (AGENTS.md "Keyless federation"). Quay's POST replaces
 * the whole list (contract §6.1), so every change is a read-modify-write: the caller shows the list it read (`basis`), the
 * change is applied, and the list is read again just before writing; if it changed meanwhile, both versions
 * come back instead of a write. Entries are validated with Quay's own rules and messages first.
 */
import { QuayApiError } from '../quay/errors';
import type { CallOptions, FederationEntry, Namespace } from '../quay/types';
import { errorMessage } from '../log';

/** The same audiences, in any order (absent = none). */
export function sameAudiences(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = [...new Set(a ?? [])].sort();
  const y = [...new Set(b ?? [])].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** The two calls this needs (`QuayClient` has them). */
export interface TrustApi {
  getFederation(ns: Namespace, name: string, options?: CallOptions): Promise<readonly FederationEntry[]>;
  setFederation(ns: Namespace, name: string, entries: readonly FederationEntry[], options?: CallOptions): Promise<readonly FederationEntry[]>;
}

export interface RobotRef {
  readonly namespace: Namespace;
  /** Short or full name. */
  readonly name: string;
}

export type TrustChange = (entries: readonly FederationEntry[]) => readonly FederationEntry[];

const same = (a: FederationEntry, b: FederationEntry): boolean => a.issuer === b.issuer && a.subject === b.subject;

export const addEntry =
  (entry: FederationEntry): TrustChange =>
  (entries) => [...entries, entry];
export const removeEntry =
  (entry: FederationEntry): TrustChange =>
  (entries) => entries.filter((e) => !same(e, entry));
export const replaceEntry =
  (old: FederationEntry, entry: FederationEntry): TrustChange =>
  (entries) => entries.map((e) => (same(e, old) ? entry : e));

export interface TrustProblem {
  /** Index of the entry in the proposed list. */
  readonly index: number;
  /** Quay's message for it (contract §6.1, in Quay's order). */
  readonly message: string;
}

/** Quay's validation of a federation list (`_parse_federation_config`): the first problem is what Quay would answer. */
export function validateTrust(entries: readonly FederationEntry[]): TrustProblem[] {
  const problems: TrustProblem[] = [];
  const seen = new Set<string>();
  entries.forEach((e, index) => {
    if (e.issuer === '' || e.subject === '') problems.push({ index, message: 'Missing one or more required fields (issuer, subject)' });
    else if (!(e.issuer.startsWith('http://') || e.issuer.startsWith('https://'))) problems.push({ index, message: 'Issuer must be a URL (http:// or https://)' });
    const key = JSON.stringify([e.issuer, e.subject]);
    if (seen.has(key)) problems.push({ index, message: 'Duplicate federation config entry' });
    seen.add(key);
  });
  return problems;
}

/** A 404 on the federation path: this Quay predates robot federation (of organizations: 3.13; of user namespaces: 3.18). */
export function federationUnsupported(error: unknown): boolean {
  return QuayApiError.is(error, 'notFound') && error.status === 404 && /\/federation$/.test(error.path);
}

/** A robot's federation entries as a plan copies them: read (none on a Quay without robot federation), or unreadable with why. */
export type FederationToCopy = { readonly kind: 'read'; readonly entries: readonly FederationEntry[] } | { readonly kind: 'unreadable'; readonly message: string };

/**
 * Reads the entries a successor robot gets. Only a Quay without robot federation (a 404 on the federation path)
 * means "none"; any other failure (a refusal, an outage) is kept with Quay's text, never read as an empty list.
 */
export async function federationToCopy(read: Promise<readonly FederationEntry[]>): Promise<FederationToCopy> {
  try {
    return { kind: 'read', entries: await read };
  } catch (error) {
    if (federationUnsupported(error)) return { kind: 'read', entries: [] };
    return { kind: 'unreadable', message: errorMessage(error) };
  }
}

/** Which federation routes: an organization's robots (`/organization/{org}/robots/…`) or the user's own (`/user/robots/…`). */
export type FederationScope = Namespace['kind'];

/**
 * What a federation route's 404 tells (contract §6.1, §13): `GET /config` says nothing about robot federation, so
 * its absence is known only from the route's answer. Organization robots have it since Quay 3.13
 * (`OrgRobotFederation`); robots of a user namespace since 3.18 (`UserRobotFederation`, commit ebae08fe2,
 * backported to 3.17.2).
 */
export interface FederationGap {
  readonly scope: FederationScope;
  /** The Quay version that added the route. */
  readonly minVersion: '3.13' | '3.18';
  /** The route, as a template (the same for every robot of the scope). */
  readonly route: string;
  /** What is missing, what is needed, and how it was learned. */
  readonly message: string;
  /** How it was learned, alone: "Quay answered 404 on <route>". */
  readonly learnedFrom: string;
}

export const FEDERATION_ROUTES: Readonly<Record<FederationScope, string>> = {
  org: '/api/v1/organization/{org}/robots/{robot}/federation',
  user: '/api/v1/user/robots/{robot}/federation',
};

export function federationGapFor(scope: FederationScope): FederationGap {
  const route = FEDERATION_ROUTES[scope];
  const learnedFrom = `Quay answered 404 on ${route}`;
  return scope === 'org'
    ? { scope, minVersion: '3.13', route, learnedFrom, message: `Needs Quay 3.13: this Quay answered 404 on ${route}, so it has no robot federation (it is older than 3.13).` }
    : {
        scope,
        minVersion: '3.18',
        route,
        learnedFrom,
        message: `Needs Quay 3.18 (3.17.2 on the 3.17 line): this Quay answered 404 on ${route}, so it has no federation for robots of a user namespace (organization robots have it since 3.13).`,
      };
}

/** The gap a federation call's failure shows, from its path; undefined for any other failure. */
export function federationGap(error: unknown): FederationGap | undefined {
  if (!federationUnsupported(error) || !(error instanceof QuayApiError)) return undefined;
  return federationGapFor(/^\/api\/v1\/user\//.test(error.path) ? 'user' : 'org');
}

export type TrustUpdate =
  /** `audiencesNotStored`: entries written with audiences that Quay's answer holds without them (Quay 3.18 drops them). */
  | { readonly kind: 'saved'; readonly before: readonly FederationEntry[]; readonly after: readonly FederationEntry[]; readonly audiencesNotStored: readonly FederationEntry[] }
  | { readonly kind: 'unchanged'; readonly entries: readonly FederationEntry[] }
  | { readonly kind: 'invalid'; readonly proposed: readonly FederationEntry[]; readonly problems: readonly TrustProblem[] }
  /** Someone changed the list since `basis` was read: `proposed` is the change on `basis`, `rebased` the change on `current`. */
  | { readonly kind: 'conflict'; readonly basis: readonly FederationEntry[]; readonly current: readonly FederationEntry[]; readonly proposed: readonly FederationEntry[]; readonly rebased: readonly FederationEntry[] }
  | { readonly kind: 'unsupported'; readonly message: string; readonly gap?: FederationGap };

/** Same entries in the same order, audiences included (a change of audiences alone is a change). */
const sameList = (a: readonly FederationEntry[], b: readonly FederationEntry[]): boolean =>
  a.length === b.length &&
  a.every((e, i) => {
    const o = b[i];
    return o !== undefined && same(e, o) && sameAudiences(e.audiences, o.audiences);
  });

/**
 * The entries of `written` that have audiences which `stored` (Quay's answer, or the list read back) does not hold
 * for the same issuer and subject: Quay 3.18 accepts an `audiences` key and stores only issuer and subject.
 */
export function audiencesNotStored(written: readonly FederationEntry[], stored: readonly FederationEntry[]): FederationEntry[] {
  return written.filter((e) => (e.audiences?.length ?? 0) > 0 && !stored.some((o) => same(e, o) && sameAudiences(e.audiences, o.audiences)));
}

/**
 * Applies `change` to the list the user saw (`basis`; read now when not given), validates it, reads the list
 * again and writes only when it is still `basis`. Quay's refusal of the write is thrown as its `QuayApiError`.
 */
export async function updateTrust(api: TrustApi, robot: RobotRef, change: TrustChange, options: CallOptions & { readonly basis?: readonly FederationEntry[] } = {}): Promise<TrustUpdate> {
  const call = options.signal !== undefined ? { signal: options.signal } : {};
  try {
    const basis = options.basis ?? (await api.getFederation(robot.namespace, robot.name, call));
    const proposed = change(basis);
    if (sameList(proposed, basis)) return { kind: 'unchanged', entries: basis };
    const problems = validateTrust(proposed);
    if (problems.length > 0) return { kind: 'invalid', proposed, problems };
    const current = await api.getFederation(robot.namespace, robot.name, call);
    if (!sameList(current, basis)) return { kind: 'conflict', basis, current, proposed, rebased: change(current) };
    const answer = await api.setFederation(robot.namespace, robot.name, proposed, call);
    // Written with audiences: what Quay keeps is read back, so that nothing claims an audience Quay did not store.
    const after = proposed.some((e) => (e.audiences?.length ?? 0) > 0) ? await api.getFederation(robot.namespace, robot.name, call) : answer;
    return { kind: 'saved', before: basis, after, audiencesNotStored: audiencesNotStored(proposed, after) };
  } catch (error) {
    const gap = federationGap(error);
    if (gap !== undefined) return { kind: 'unsupported', message: gap.message, gap };
    throw error;
  }
}
