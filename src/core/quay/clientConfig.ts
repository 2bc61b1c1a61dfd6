import { obj, ShapeError, type JsonObject } from './parse';
import type { Transport } from './transport';
import type { RequestSpec } from './transportTypes';
import type { CallOptions } from './types';

/**
 * What `GET /config` tells about an instance (contract §13; Quay's `endpoints/web.py` `config`): only what the
 * extension uses, validated here. Unknown keys are ignored; values of the wrong type count as not said.
 */
export interface ClientConfig {
  /** `version_number` without its `Quay ` prefix (`3.18.0`, `v3.18.0`, `local-dev`); undefined when empty (billing on: quay.io). */
  readonly version?: string;
  /** Major and minor of `version`, when it has them (`v3.19.0-nightly-20260820` → 3.19). */
  readonly versionParts?: { readonly major: number; readonly minor: number };
  /**
   * `ROBOTS_DISALLOW` as Quay reads it (`data/model/user.py`: `if config.app_config.get("ROBOTS_DISALLOW", False)`,
   * Python truthiness). Undefined when `/config` does not show it: unset, or a Quay older than 3.17, which does not
   * whitelist it (so it may still be set).
   */
  readonly robotsDisallow?: boolean;
  /** `features`: every `FEATURE_*` flag without its prefix, as Quay's `FeatureNameValue.__bool__` reads it. */
  readonly features: ReadonlyMap<string, boolean>;
  /** `config.SERVER_HOSTNAME`, when a string. */
  readonly serverHostname?: string;
  /** `config.REGISTRY_TITLE`, when a string. */
  readonly registryTitle?: string;
}

/** More flags than any Quay has (about 90): the rest of a hostile answer is ignored. */
const MAX_FEATURES = 500;
const MAX_TEXT = 100;
const FEATURE_NAME = /^[A-Z][A-Z0-9_]{0,99}$/;

/**
 * `GET /config`, without any credential (the view has no auth decorator). Resolves undefined when the instance
 * answers 404 (a Quay without the route, or a proxy in front that does not pass it): capabilities unknown.
 * Any other failure throws a QuayApiError; the body is size-capped by the transport like every call's.
 */
export async function getClientConfig(t: Transport, options: CallOptions = {}): Promise<ClientConfig | undefined> {
  const spec: RequestSpec = {
    method: 'GET',
    path: '/config',
    anonymous: true,
    answerStatuses: [404],
    operation: {
      action: 'read its client configuration (GET /config)',
      hints: { invalidResponse: 'The instance did not answer GET /config as Quay does; the extension offers every action, as for a Quay whose capabilities are unknown.' },
    },
    signal: options.signal,
  };
  const response = await t.request(spec);
  if (response.status === 404) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(response.text) as unknown;
  } catch {
    throw t.invalid(spec, 'the body of GET /config is not JSON', response.status);
  }
  try {
    return parseClientConfig(body);
  } catch (error) {
    if (error instanceof ShapeError) throw t.invalid(spec, `${error.message} (GET /config)`, response.status);
    throw error;
  }
}

/** Python's truthiness of a JSON value, as `if app.config.get(…)` sees it. */
export function pythonTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** `features.FeatureNameValue.__bool__`: a string is true only when it reads "true" (any case); anything else by truthiness. */
export function featureTruthy(value: unknown): boolean {
  return typeof value === 'string' ? value.toLowerCase() === 'true' : pythonTruthy(value);
}

/** A short printable string, or undefined (a control character or an overlong value is not shown anywhere). */
function text(value: unknown): string | undefined {
  // eslint-disable-next-line no-control-regex
  return typeof value === 'string' && value.length <= MAX_TEXT && !/[\u0000-\u001f\u007f-\u009f]/.test(value) ? value : undefined;
}

export function parseClientConfig(body: unknown): ClientConfig {
  const root = obj(body, '');
  const config = obj(root['config'], 'config');
  const features = parseFeatures(obj(root['features'], 'features'));
  const versionText = text(root['version_number']);
  const version = versionText?.replace(/^Quay\s+/, '').trim();
  const parts = version !== undefined ? /^v?(\d{1,4})\.(\d{1,4})(?:\.|$|-)/.exec(version) : null;
  const serverHostname = text(config['SERVER_HOSTNAME']);
  const registryTitle = text(config['REGISTRY_TITLE']);
  return {
    ...(version !== undefined && version !== '' ? { version } : {}),
    ...(parts !== null ? { versionParts: { major: Number(parts[1]), minor: Number(parts[2]) } } : {}),
    ...('ROBOTS_DISALLOW' in config ? { robotsDisallow: pythonTruthy(config['ROBOTS_DISALLOW']) } : {}),
    features,
    ...(serverHostname !== undefined ? { serverHostname } : {}),
    ...(registryTitle !== undefined ? { registryTitle } : {}),
  };
}

function parseFeatures(o: JsonObject): ReadonlyMap<string, boolean> {
  const out = new Map<string, boolean>();
  for (const [name, value] of Object.entries(o)) {
    if (out.size >= MAX_FEATURES) break;
    if (FEATURE_NAME.test(name)) out.set(name, featureTruthy(value));
  }
  return out;
}

/** True when the version is known and at least `major.minor`; undefined when it is not known. */
export function versionAtLeast(config: ClientConfig, major: number, minor: number): boolean | undefined {
  const v = config.versionParts;
  if (v === undefined) return undefined;
  return v.major > major || (v.major === major && v.minor >= minor);
}
