/**
 * Mirror configurations, read only: what a client needs to tell which mirror uses a robot before deleting it
 * (AGENTS.md "Deleting a robot"). quay/quay at `ffba0c70` (unchanged since v3.18.0):
 *
 * - `GET /api/v1/repository/{repo}/mirror` — `endpoints/api/mirror.py` `RepoMirrorResource.get`
 *   (`getRepoMirrorConfig`): `@show_if(features.REPO_MIRROR)`. Off, the route does not exist and the path is
 *   `Repository.get` of a repository named `<name>/mirror` (`apirepopath` takes nested names,
 *   `path_converters.py`): `require_repo_read` (org admins pass), then `NotFound`, the same 404 as "no mirror".
 *   `@require_repo_admin` (else `Unauthorized`: 401 anonymous, 403 otherwise), then `NotFound` (404 problem-JSON)
 *   for an unknown repository or one without a `RepoMirrorConfig`. 200 is `ViewMirrorConfig`, whose
 *   `robot_username` is the full robot name; dates are `isoformat() + "Z"` (`_dt_to_string`).
 * - `GET /api/v1/organization/{org}/mirror` — `endpoints/api/org_mirror.py` `OrgMirrorConfig.get`
 *   (`getOrgMirrorConfig`, Quay 3.17+): `@show_if(features.ORG_MIRROR)`, organization admin (else
 *   `Unauthorized`), `NotFound` for an unknown organization or one without an organization mirror.
 *
 * The delete endpoint (`endpoints/api/robot.py` `OrgRobot.delete` / `UserRobot.delete`) refuses with 400
 * `Robot is being used by a mirror` when `robot_has_mirror` (`data/model/repo_mirror.py`) finds a
 * `RepoMirrorConfig` of the robot; it does not look at organization mirrors (see `Model.deleteRobot`).
 */
import { ok, renderHtml404, type RequestContext } from '../context';
import { notFound } from '../errors';
import type { JsonObject } from '../json';
import type { Model, Repository } from '../model';
import type { Router } from '../router';
import { api, type Route } from './common';

/** `_dt_to_string`: `datetime.isoformat() + "Z"` of a naive UTC datetime (no microseconds when they are 0). */
export function isoZ(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2026-12-07T12:00:00.000Z
  const millis = iso.slice(20, 23);
  return millis === '000' ? `${iso.slice(0, 19)}Z` : `${iso.slice(0, 19)}.${millis}000Z`;
}

function repoMirrorView(repo: Repository): JsonObject {
  const m = repo.mirror;
  if (!m) throw notFound();
  return {
    is_enabled: m.isEnabled,
    mirror_type: 'PULL',
    external_reference: m.externalReference,
    external_registry_username: null,
    external_registry_config: {},
    sync_interval: m.syncInterval,
    sync_start_date: m.syncStartDate === null ? null : isoZ(m.syncStartDate),
    sync_expiration_date: null,
    sync_retries_remaining: 3,
    sync_status: 'NEVER_RUN',
    root_rule: { rule_kind: 'tag_glob_csv', rule_value: m.tagPatterns },
    robot_username: m.robot,
    skopeo_timeout_interval: 300,
    architecture_filter: [],
  };
}

function orgMirrorView(model: Model, org: string): JsonObject {
  const m = model.orgMirrors.get(org);
  if (!m) throw notFound();
  return {
    is_enabled: m.isEnabled,
    external_registry_type: m.externalRegistryType,
    external_registry_url: m.externalRegistryUrl,
    external_namespace: m.externalNamespace,
    external_registry_username: null,
    has_external_registry_password: false,
    external_registry_config: {},
    repository_filters: [],
    robot_username: m.robot,
    visibility: 'private',
    sync_interval: m.syncInterval,
    sync_start_date: null,
    sync_expiration_date: null,
    sync_status: 'NEVER_RUN',
    sync_retries_remaining: 3,
    repo_sync_status_counts: {},
    skopeo_timeout: 300,
    creation_date: isoZ(m.created),
  };
}

export function registerMirrors(router: Router<Route>): void {
  api(router, 'GET', '/repository/<repo:repository>/mirror', (ctx: RequestContext, services) => {
    const { namespace, name } = ctx.repoParam();
    if (!services.config.repoMirror) {
      if (!ctx.auth.canReadRepo(namespace, `${name}/mirror`)) throw ctx.unauthorized();
      throw notFound();
    }
    if (!ctx.auth.isRepoAdmin(namespace, name)) throw ctx.unauthorized();
    const repo = ctx.model.repo(namespace, name);
    if (!repo) throw notFound();
    return ok(repoMirrorView(repo));
  });
  api(router, 'GET', '/organization/<org>/mirror', (ctx: RequestContext, services) => {
    if (!services.config.orgMirror) return renderHtml404();
    const org = ctx.param('org');
    if (!ctx.auth.isOrgAdmin(org)) throw ctx.unauthorized();
    if (!ctx.model.org(org)) throw notFound();
    return ok(orgMirrorView(ctx.model, org));
  });
}
