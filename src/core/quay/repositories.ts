import { bool, obj, optBool, optNum, optStr, str, listAt } from './parse';
import { followPages } from './paths';
import type { Transport } from './transport';
import type { CallOptions, Repository, RepositoryPage, RepositoryRef } from './types';

/** Query of `GET /api/v1/repository` (contract §2). */
export interface RepositoryQuery {
  /** Only repositories of this namespace. */
  readonly namespace: string;
  /** Also ask for `last_modified` (epoch seconds → Date). */
  readonly lastModified?: boolean;
  /** Also include public repositories visible to the caller. */
  readonly public?: boolean;
}

/**
 * One page (100 repositories, by id) of `GET /api/v1/repository`, for lazy UIs with a "Load more" node.
 * `query` may be just the namespace.
 */
export function listRepositoriesPage(t: Transport, query: RepositoryQuery | string, nextPage?: string, options: CallOptions = {}): Promise<RepositoryPage> {
  const q: RepositoryQuery = typeof query === 'string' ? { namespace: query } : query;
  return t.call(
    {
      method: 'GET',
      path: '/api/v1/repository',
      query: {
        namespace: q.namespace,
        last_modified: q.lastModified === true ? 'true' : undefined,
        public: q.public === true ? 'true' : undefined,
        next_page: nextPage,
      },
      operation: { action: 'list repositories of', object: q.namespace },
      signal: options.signal,
    },
    parseRepositoryPage,
  );
}

/** Every page, following `next_page` until Quay stops sending one. Stops early if Quay repeats a token. */
export function listRepositories(t: Transport, query: RepositoryQuery, options: CallOptions = {}): AsyncGenerator<RepositoryPage, void, undefined> {
  return followPages((next) => listRepositoriesPage(t, query, next, options));
}

export function parseRepositoryPage(body: unknown): RepositoryPage {
  const o = obj(body, '');
  const nextPage = optStr(o, 'next_page', '');
  return {
    repositories: listAt(o, 'repositories', '').map((entry, i) => parseRepository(entry, `repositories[${i}]`)),
    ...(nextPage !== undefined && nextPage !== '' ? { nextPage } : {}),
  };
}

export function parseRepository(value: unknown, at: string): Repository {
  const o = obj(value, at);
  const kind = optStr(o, 'kind', at);
  const state = optStr(o, 'state', at);
  const lastModified = optNum(o, 'last_modified', at);
  const popularity = optNum(o, 'popularity', at);
  const isStarred = optBool(o, 'is_starred', at);
  return {
    namespace: str(o, 'namespace', at),
    name: str(o, 'name', at),
    description: optStr(o, 'description', at) ?? '',
    isPublic: bool(o, 'is_public', at),
    ...(kind !== undefined ? { kind } : {}),
    ...(state !== undefined ? { state } : {}),
    ...(lastModified !== undefined ? { lastModified: new Date(lastModified * 1000) } : {}),
    ...(popularity !== undefined ? { popularity } : {}),
    ...(isStarred !== undefined ? { isStarred } : {}),
  };
}

export interface NewRepository extends RepositoryRef {
  readonly visibility: 'public' | 'private';
  readonly description?: string;
}

/** `POST /api/v1/repository` (201). Not idempotent: a repeat fails with "Repository already exists". */
export function createRepository(t: Transport, repo: NewRepository, options: CallOptions = {}): Promise<RepositoryRef> {
  return t.call(
    {
      method: 'POST',
      path: '/api/v1/repository',
      body: { namespace: repo.namespace, repository: repo.name, visibility: repo.visibility, description: repo.description ?? '', repo_kind: 'image' },
      operation: { action: 'create repository', object: `${repo.namespace}/${repo.name}` },
      signal: options.signal,
    },
    (body) => {
      if (body === undefined) return { namespace: repo.namespace, name: repo.name };
      const o = obj(body, '');
      return { namespace: optStr(o, 'namespace', '') ?? repo.namespace, name: optStr(o, 'name', '') ?? repo.name };
    },
  );
}

