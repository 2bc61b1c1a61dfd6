/**
 * `GET /api/v1/repository` (contract §2, `RepositoryList.get`) and `POST /api/v1/repository`
 * (`createRepo`): visibility from the database, page size 100 by id with a Fernet `next_page`,
 * creator admin + prototypes on creation.
 */
import { ok, type RequestContext } from '../context';
import { badRequestB, invalidRequest, ModelError } from '../errors';
import { PyFloat, type Json, type JsonObject } from '../json';
import type { Repository } from '../model';
import type { PageState } from '../pageToken';
import type { Router } from '../router';
import { SCHEMAS } from '../schema';
import { api, type Route, type Services } from './common';

const REPOS_PER_PAGE = 100;
const REPO_NAME_RE = /^(?=.{0,255}$)[a-z0-9][.a-z0-9_-]*(?:\/[a-z0-9][.a-z0-9_-]*)*$/;
const KNOWN_KINDS = new Set(['image', 'application']);

function repoView(repo: Repository, options: { lastModified: boolean; popularity: boolean; starred: Set<number> | undefined }): JsonObject {
  const view: Record<string, Json> = {
    namespace: repo.namespace,
    name: repo.name,
    description: repo.description,
    is_public: repo.visibility === 'public',
    kind: repo.kind,
    state: repo.state,
  };
  if (options.lastModified) view['last_modified'] = repo.lastModified;
  if (options.popularity) view['popularity'] = new PyFloat(repo.actionCount);
  if (options.starred) view['is_starred'] = options.starred.has(repo.id);
  return view;
}

/** `filter_to_repos_for_user`: public (if asked), direct grants, team grants, org-admin namespaces. */
function visibilityFilter(ctx: RequestContext, includePublic: boolean): (repo: Repository) => boolean {
  const user = ctx.auth.user;
  if (!user) return (repo) => includePublic && repo.visibility === 'public';
  const model = ctx.model;
  const direct = new Set(model.userPerms(user.username).map((p) => p.repoId));
  const viaTeams = new Set<number>();
  const adminOrgs = new Set<string>();
  for (const team of model.teamsById.values()) {
    if (!team.members.has(user.username)) continue;
    if (team.role === 'admin') adminOrgs.add(team.org);
    for (const p of model.teamPerms(team)) viaTeams.add(p.repoId);
  }
  return (repo) => (includePublic && repo.visibility === 'public') || direct.has(repo.id) || viaTeams.has(repo.id) || adminOrgs.has(repo.namespace);
}

function listRepositories(ctx: RequestContext, services: Services): JsonObject {
  const namespace = ctx.arg('namespace');
  const starred = ctx.boolArg('starred', false);
  const includePublic = ctx.boolArg('public', false);
  const lastModified = ctx.boolArg('last_modified', false);
  const popularity = ctx.boolArg('popularity', false);
  const repoKind = ctx.arg('repo_kind') ?? 'image';
  const pageToken = services.pageTokens.decrypt(ctx.arg('next_page'));
  if (!namespace && !starred && !includePublic) throw invalidRequest('namespace, starred or public are required for this API call');
  const user = ctx.auth.user;
  if (starred && !user) throw badRequestB();
  if (!KNOWN_KINDS.has(repoKind)) throw new ModelError('Unknown repository kind');
  const model = ctx.model;
  const starSet = user ? (model.stars.get(user.username) ?? new Set<number>()) : undefined;
  let page: Repository[];
  let next: JsonObject | undefined;
  if (starred && user) {
    // In-memory list, not paginated like the rest (quirk): first page = 99 items, no next_page.
    const visible = [...(starSet ?? [])]
      .map((id) => model.repos.get(id))
      .filter((r): r is Repository => r !== undefined && r.kind === repoKind && (r.visibility === 'public' || ctx.auth.canReadRepo(r.namespace, r.name)));
    const startIndex = typeof pageToken?.['start_index'] === 'number' ? pageToken['start_index'] : undefined;
    if (pageToken && startIndex !== undefined) {
      const index = startIndex === 0 ? 1 : startIndex;
      page = visible.slice((index - 1) * REPOS_PER_PAGE, Math.min(visible.length, (index - 1) * REPOS_PER_PAGE + REPOS_PER_PAGE + 1)).slice(0, REPOS_PER_PAGE);
      next = { start_index: index + 1, page_number: index + 1, is_datetime: false, offset_val: 0 };
    } else page = visible.slice(0, REPOS_PER_PAGE - 1);
  } else {
    const startId = typeof pageToken?.['start_index'] === 'number' ? pageToken['start_index'] : undefined;
    const visible = visibilityFilter(ctx, includePublic);
    const results: Repository[] = [];
    if (user || includePublic) {
      for (const repo of model.allRepos()) {
        if (repo.kind !== repoKind) continue;
        if (startId !== undefined && repo.id < startId) continue;
        if (namespace && repo.namespace !== namespace) continue;
        if (!visible(repo)) continue;
        results.push(repo);
        if (results.length > REPOS_PER_PAGE) break;
      }
    }
    page = results.slice(0, REPOS_PER_PAGE);
    const first = results[REPOS_PER_PAGE];
    if (first) next = { start_index: first.id, page_number: 1, is_datetime: false, offset_val: 0 };
  }
  const body: Record<string, Json> = { repositories: page.map((r) => repoView(r, { lastModified, popularity, starred: starSet })) };
  if (next) body['next_page'] = services.pageTokens.encrypt(next as PageState);
  return body;
}

export function registerRepositories(router: Router<Route>): void {
  api(router, 'GET', '/repository', (ctx, services) => ok(listRepositories(ctx, services)));

  api(router, 'POST', '/repository', (ctx) => {
    const req = ctx.validateJson(SCHEMAS.NewRepo, false) as { repository: string; visibility: 'public' | 'private'; namespace?: string; description: string; repo_kind?: string | null };
    const owner = ctx.auth.user;
    // `"namespace" not in "req"` tests a string literal, so this always fires for anonymous callers.
    if (!owner) throw invalidRequest('Must provide a namespace or must be logged in.');
    const namespace = req.namespace ?? owner.username;
    if (!ctx.auth.canCreateRepo(namespace)) throw ctx.unauthorized();
    if (ctx.model.repo(namespace, req.repository)) throw invalidRequest('Repository already exists');
    if (!REPO_NAME_RE.test(req.repository)) throw invalidRequest('Invalid repository name');
    const kind = req.repo_kind || 'image';
    const repo = ctx.model.createRepo(namespace, req.repository, owner, { visibility: req.visibility, description: req.description });
    ctx.log('create_repo', namespace, { repo: req.repository, namespace }, { repo });
    return ok({ namespace, name: req.repository, kind }, 201);
  });
}
