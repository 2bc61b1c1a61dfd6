/**
 * Changing a robot's trusted (issuer, subject) entries (issue 12 §1). Quay's POST replaces the whole list
 * (contract §6.1), so every change is a read-modify-write: the caller shows the list it read (`basis`), the
 * change is applied, and the list is read again just before writing; if it changed meanwhile, both versions
 * come back instead of a write. Entries are validated with Quay's own rules and messages first.
 */
import { QuayApiError } from '../quay/errors';
import type { CallOptions, FederationEntry, Namespace } from '../quay/types';

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

/** A 404 on the federation path: this Quay predates robot federation. */
export function federationUnsupported(error: unknown): boolean {
  return QuayApiError.is(error, 'notFound') && error.status === 404 && /\/federation$/.test(error.path);
}
export const FEDERATION_UNSUPPORTED = 'This Quay has no robot federation: it is older than 3.13.';

export type TrustUpdate =
  | { readonly kind: 'saved'; readonly before: readonly FederationEntry[]; readonly after: readonly FederationEntry[] }
  | { readonly kind: 'unchanged'; readonly entries: readonly FederationEntry[] }
  | { readonly kind: 'invalid'; readonly proposed: readonly FederationEntry[]; readonly problems: readonly TrustProblem[] }
  /** Someone changed the list since `basis` was read: `proposed` is the change on `basis`, `rebased` the change on `current`. */
  | { readonly kind: 'conflict'; readonly basis: readonly FederationEntry[]; readonly current: readonly FederationEntry[]; readonly proposed: readonly FederationEntry[]; readonly rebased: readonly FederationEntry[] }
  | { readonly kind: 'unsupported'; readonly message: string };

const sameList = (a: readonly FederationEntry[], b: readonly FederationEntry[]): boolean => a.length === b.length && a.every((e, i) => same(e, b[i] ?? { issuer: '', subject: '' }));

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
    const after = await api.setFederation(robot.namespace, robot.name, proposed, call);
    return { kind: 'saved', before: basis, after };
  } catch (error) {
    if (federationUnsupported(error)) return { kind: 'unsupported', message: FEDERATION_UNSUPPORTED };
    throw error;
  }
}
