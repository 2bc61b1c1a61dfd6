import type { Namespace, RepositoryRef } from './types';
import { splitRobotName } from '../robotName';

/**
 * Path building for the API (contract §0.1: trailing slashes are significant, so each path is written
 * exactly as Quay declares it at the call site).
 */

/**
 * One path segment, percent-encoded; `+` stays literal (robot names read better in logs, and Werkzeug accepts both).
 * An empty name, `.` or `..` would make the URL name another endpoint (`…/permissions/user/..` is `…/permissions/`),
 * which would then receive the request and the token: refused.
 */
export function seg(value: string): string {
  if (value === '' || value === '.' || value === '..') throw new TypeError(`"${value}" cannot be a name in a Quay API path`);
  return encodeURIComponent(value).replace(/%2B/gi, '+');
}

/** `namespace/name` with each segment encoded; nested names keep their slashes (`apirepopath`). */
export function repoPath(repo: RepositoryRef): string {
  return [repo.namespace, ...repo.name.split('/')].map(seg).join('/');
}

export function repoDisplay(repo: RepositoryRef): string {
  return `${repo.namespace}/${repo.name}`;
}

/** `/api/v1/organization/{org}/robots` or `/api/v1/user/robots`. */
export function robotsBase(ns: Namespace): string {
  return ns.kind === 'org' ? `/api/v1/organization/${seg(ns.name)}/robots` : '/api/v1/user/robots';
}

/**
 * Accepts a short name (`ci`) or a full name (`acme+ci`) and returns the short name. A full name of
 * another namespace is a programming error, not a request for Quay.
 */
export function robotShortName(ns: Namespace, name: string): string {
  if (!name.includes('+')) return name;
  const { namespace, shortName } = splitRobotName(name);
  if (ns.name !== '' && namespace !== ns.name) throw new TypeError(`Robot ${name} does not belong to namespace ${ns.name}`);
  return shortName;
}

export function robotFullName(ns: Namespace, name: string): string {
  return name.includes('+') ? name : `${ns.name}+${name}`;
}

/**
 * Every page of a list Quay pages with an opaque `next_page`, in order; stops when Quay sends none, or if it
 * repeats a token (a broken server must not loop us forever).
 */
export async function* followPages<P extends { readonly nextPage?: string }>(fetchPage: (nextPage: string | undefined) => Promise<P>): AsyncGenerator<P, void, undefined> {
  let next: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await fetchPage(next);
    yield page;
    next = page.nextPage;
    if (next !== undefined) {
      if (seen.has(next)) return;
      seen.add(next);
    }
  } while (next !== undefined);
}
