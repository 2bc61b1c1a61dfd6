/**
 * `GET /config` and `OPTIONS /config` (contract §13): Quay's `endpoints/web.py` `config` at `ffba0c70`.
 * No authentication; `@crossorigin(anonymous=False)` adds no CORS header while `CORS_ORIGIN` is unset (the
 * default, `util/request.py` `crossorigin`), so the answer is a bare Flask `jsonify`. The route lists
 * `OPTIONS` itself, so Flask's automatic OPTIONS answer does not apply: OPTIONS gets the same JSON.
 *
 * - `config` is `config.py` `frontend_visible_config(app.config)`: every key of `CLIENT_WHITELIST` that
 *   `app.config` holds. `app.config` starts from `DefaultConfig`, so a whitelisted key with a default is always
 *   there; `ROBOTS_DISALLOW` has none, so it appears only when the instance's config.yaml sets it, and only since
 *   3.17 (PR #4694 added it to the whitelist).
 * - `features` is `features.get_features()`: every `FEATURE_*` of `app.config`, without the prefix.
 * - `version_number` is `"Quay " + __version__` unless `features.BILLING` (quay.io), then `""`.
 */
import type { Json, JsonObject } from '../json';
import { renderHtml404, renderJsonify } from '../context';
import type { Router } from '../router';
import { web, type Route, type Services } from './common';

/** `DefaultConfig`'s `FEATURE_*` values at `ffba0c70` (`config.py`), without the prefix. */
export const DEFAULT_FEATURES: Readonly<Record<string, boolean>> = {
  PERMANENT_SESSIONS: true,
  SUPER_USERS: true,
  ANONYMOUS_ACCESS: true,
  BILLING: false,
  USER_LOG_ACCESS: false,
  GITHUB_LOGIN: false,
  GOOGLE_LOGIN: false,
  GITHUB_BUILD: false,
  BITBUCKET_BUILD: false,
  GITLAB_BUILD: false,
  BUILD_SUPPORT: true,
  MAILING: true,
  ORG_SHARED_EMAIL: false,
  USER_CREATION: true,
  INVITE_ONLY_USER_CREATION: false,
  USER_RENAME: false,
  REQUIRE_ENCRYPTED_BASIC_AUTH: false,
  STORAGE_REPLICATION: false,
  DIRECT_LOGIN: true,
  ADVERTISE_V2: true,
  USER_EVENTS: true,
  IMAGE_PULL_STATS: false,
  RESTRICTED_V1_PUSH: false,
  ACTION_LOG_ROTATION: false,
  LIBRARY_SUPPORT: true,
  REQUIRE_TEAM_INVITE: true,
  PROXY_STORAGE: false,
  USER_METADATA: false,
  SIGNING: false,
  PUBLIC_CATALOG: false,
  READER_BUILD_LOGS: false,
  PARTIAL_USER_AUTOCOMPLETE: true,
  USERNAME_CONFIRMATION: true,
  FIPS: false,
  SECURITY_SCANNER: false,
  SECURITY_NOTIFICATIONS: false,
  SECURITY_SCANNER_V2: false,
  REPO_MIRROR: false,
  ORG_MIRROR: false,
  RECAPTCHA: false,
  TEAM_SYNCING: false,
  NONSUPERUSER_TEAM_SYNCING_SETUP: false,
  CHANGE_TAG_EXPIRATION: true,
  IMMUTABLE_TAGS: false,
  IMMUTABLE_TAGS_CAN_EXPIRE: false,
  APP_SPECIFIC_TOKENS: true,
  USER_LAST_ACCESSED: true,
  AGGREGATED_LOG_COUNT_RETRIEVAL: true,
  RATE_LIMITS: false,
  LOG_EXPORT: true,
  DISABLE_PULL_LOGS_FOR_FREE_NAMESPACES: false,
  BLACKLISTED_EMAILS: false,
  GARBAGE_COLLECTION: true,
  NAMESPACE_GARBAGE_COLLECTION: true,
  REPOSITORY_GARBAGE_COLLECTION: true,
  CLEAR_EXPIRED_RAC_ENTRIES: false,
  GENERAL_OCI_SUPPORT: true,
  HELM_OCI_SUPPORT: true,
  REFERRERS_API: true,
  REPOSITORY_ACTION_COUNTER: true,
  MANIFEST_SIZE_BACKFILL: true,
  MANIFEST_SUBJECT_BACKFILL: true,
  USER_INITIALIZE: false,
  PROGRAMMATIC_BOOTSTRAP: false,
  EXTENDED_REPOSITORY_NAMES: true,
  QUOTA_MANAGEMENT: false,
  EDIT_QUOTA: true,
  VERIFY_QUOTA: true,
  QUOTA_SUPPRESS_FAILURES: false,
  QUOTA_NOTIFICATIONS: false,
  PROXY_CACHE: false,
  EXTENDED_ACTION_LOGGING: false,
  PROXY_CACHE_BLOB_DOWNLOAD: true,
  EXPORT_COMPLIANCE: false,
  UI_V2: true,
  UI_MODELCARD: true,
  SECURITY_SCANNER_NOTIFY_ON_NEW_INDEX: true,
  SUPERUSERS_FULL_ACCESS: false,
  SUPERUSERS_ORG_CREATION_ONLY: false,
  RESTRICTED_USERS: false,
  ENTITLEMENT_RECONCILIATION: false,
  RH_MARKETPLACE: false,
  AUTO_PRUNE: false,
  UI_DELAY_AFTER_WRITE: false,
  ASSIGN_OAUTH_TOKEN: true,
  IMAGE_EXPIRY_TRIGGER: false,
  SPAM_DETECTION: false,
  SUPERUSER_CONFIGDUMP: false,
  OTEL_TRACING: false,
  SPARSE_INDEX: false,
  ENABLE_STALE_MPU_CLEANUP: true,
};

/** The `FEATURE_*` keys of `CLIENT_WHITELIST` (they are in `config` too, with the prefix). */
const WHITELISTED_FEATURES = ['REPO_MIRROR', 'ORG_MIRROR', 'QUOTA_MANAGEMENT', 'QUOTA_NOTIFICATIONS', 'EDIT_QUOTA', 'PROXY_CACHE', 'ASSIGN_OAUTH_TOKEN', 'IMAGE_EXPIRY_TRIGGER', 'AUTO_PRUNE', 'IMMUTABLE_TAGS_CAN_EXPIRE'];

/** What the sandbox's Quay is configured with, as far as `/config` tells. */
export interface ClientConfigOptions {
  /** `__version__` (e.g. `3.16.0` or `v3.18.0`): decides whether `ROBOTS_DISALLOW` is whitelisted (3.17+). */
  readonly quayVersion: string;
  /** `FEATURE_*` values that differ from `DEFAULT_FEATURES` (e.g. `{ BILLING: true }` for quay.io). */
  readonly features: Readonly<Record<string, boolean>>;
  /** false: answer Flask's 404, as a Quay without the route or a proxy that does not pass it. */
  readonly served: boolean;
}

/** Major and minor of a Quay version such as `3.16.0`, `v3.18.0` or `v3.19.0-nightly-20260820`; undefined otherwise (`local-dev`). */
export function quayMinor(version: string): readonly [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(version);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** True when `version` is at least `major.minor` (an unparsable version counts as the newest: a dev build). */
export function atLeast(version: string, major: number, minor: number): boolean {
  const v = quayMinor(version);
  return v === undefined || v[0] > major || (v[0] === major && v[1] >= minor);
}

export function featuresOf(services: Services): Record<string, boolean> {
  return { ...DEFAULT_FEATURES, ...services.config.clientConfig.features };
}

/** `frontend_visible_config(app.config)` for the sandbox's configuration (its `DefaultConfig` keys, Project Quay flavour). */
function visibleConfig(services: Services, scheme: string): JsonObject {
  const features = featuresOf(services);
  const config: Record<string, Json> = {
    SERVER_HOSTNAME: services.config.hostname,
    PREFERRED_URL_SCHEME: scheme,
    SENTRY_PUBLIC_DSN: null,
    AUTHENTICATION_TYPE: 'Database',
    REGISTRY_TITLE: 'Project Quay',
    REGISTRY_TITLE_SHORT: 'Project Quay',
    CONTACT_INFO: [],
    AVATAR_KIND: 'local',
    LOCAL_OAUTH_HANDLER: '/oauth/localapp',
    STATIC_SITE_BUCKET: null,
    RECAPTCHA_SITE_KEY: null,
    TAG_EXPIRATION_OPTIONS: ['0s', '1d', '1w', '2w', '4w'],
    SEARCH_RESULTS_PER_PAGE: 10,
    SEARCH_MAX_RESULT_PAGE_COUNT: 10,
    BRANDING: { logo: '/static/img/quay-horizontal-color.svg', logo_dark: '/static/img/quay-horizontal-whiteblue-nobackground.svg', footer_img: null, footer_url: null },
    DOCUMENTATION_ROOT: 'https://docs.projectquay.io/',
    QUOTA_BACKFILL: true,
    PERMANENTLY_DELETE_TAGS: false,
    UI_V2_FEEDBACK_FORM: null,
    FOOTER_LINKS: {},
    UI_DELAY_AFTER_WRITE_SECONDS: 3,
    DEFAULT_NAMESPACE_AUTOPRUNE_POLICY: null,
    DEFAULT_UI: 'react',
    DISABLE_ANGULAR_UI: false,
  };
  for (const name of WHITELISTED_FEATURES) config[`FEATURE_${name}`] = features[name] ?? false;
  // Not in DefaultConfig: present only when config.yaml sets it, and whitelisted only since 3.17.
  if (services.config.robotsDisallow && atLeast(services.config.clientConfig.quayVersion, 3, 17)) config['ROBOTS_DISALLOW'] = true;
  return config;
}

export function registerClientConfig(router: Router<Route>): void {
  const handler = (ctx: { readonly url: URL }, services: Services) => {
    const options = services.config.clientConfig;
    if (!options.served) return renderHtml404();
    const features = featuresOf(services);
    return renderJsonify(200, {
      config: visibleConfig(services, ctx.url.protocol.replace(/:$/, '')),
      features,
      // get_oauth_config(): no external login service is configured in the sandbox.
      oauth: {},
      external_login: [],
      registry_state: 'normal',
      account_recovery_mode: false,
      version_number: features['BILLING'] === true ? '' : `Quay ${options.quayVersion}`,
    });
  };
  web(router, 'GET', '/config', handler);
  web(router, 'OPTIONS', '/config', handler);
}
