/**
 * External Secrets Operator objects that make a robot's pull Secret without a token in any file:
 * - keyless (ESO's `QuayAccessToken` generator, Quay's token exchange: contract §6.2): the operator mints a service account token, exchanges it
 *   at Quay's `/oauth2/federation/robot/token` for a one-hour robot token, and an `ExternalSecret` refreshing
 *   every 55 minutes renders the `.dockerconfigjson`;
 * - vault-backed: an `ExternalSecret` reads the stored robot token from a `SecretStore` and renders the
 *   same `.dockerconfigjson`.
 * Both templates render to the structure of Quay's own pull Secret (`dockerConfigJson`, registry scope for the
 * generator, whose `registry` value is the host).
 */
import { blockYaml } from './blockYaml';
import type { YamlValue } from './blockYaml';
import { authsKey, checkRobotName, pullSecretName, registryHost, robotPrefix } from './credentials';
import type { SecretScope } from './credentials';
import type { ManifestStyle } from './manifests';
import { namespaceProblem, objectNameProblem } from './names';

export type ExternalSecretsVersion = 'v1' | 'v1beta1';
export const EXTERNAL_SECRETS_GROUP = 'external-secrets.io';
export const QUAY_GENERATOR_API_VERSION = 'generators.external-secrets.io/v1alpha1';
export const QUAY_GENERATOR_KIND = 'QuayAccessToken';
/** The generator's credentials live one hour: refresh a little before. */
export const KEYLESS_REFRESH_INTERVAL = '55m';
/** The static token changes only when it is rotated. */
export const VAULT_REFRESH_INTERVAL = '1h';
export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';

export function externalSecretApiVersion(version: ExternalSecretsVersion): string {
  return `${EXTERNAL_SECRETS_GROUP}/${version}`;
}

/** Why `v1beta1` is a risk, for the UI and the CLI. */
export const V1BETA1_WARNING =
  'external-secrets.io/v1beta1 is no longer served by current External Secrets Operator releases (only v1): they refuse this ExternalSecret. Use v1 unless the cluster runs an older operator.';

function check(problem: string | undefined): void {
  if (problem !== undefined) throw new Error(problem);
}

/** The `.dockerconfigjson` template: Quay's pull Secret structure with the values of `registry` and `auth`. */
function dockerConfigTemplate(registry: string, auth: string): string {
  return `{\n  "auths": {\n    "${registry}": {\n      "auth": "${auth}",\n      "email": ""\n    }\n  }\n}\n`;
}

function target(secretName: string, template: string): YamlValue {
  return {
    name: secretName,
    creationPolicy: 'Owner',
    template: { type: DOCKER_CONFIG_JSON_TYPE, data: { '.dockerconfigjson': template } },
  };
}

function metadata(name: string, namespace: string | undefined): YamlValue {
  return { name, namespace };
}

export interface KeylessOptions {
  /** Quay's host (`https://` and a trailing `/` are dropped; a path is refused). */
  readonly host: string;
  /** Full robot name `ns+name`. */
  readonly robot: string;
  /** Written as `metadata.namespace` when given. */
  readonly namespace?: string;
  readonly serviceAccount: string;
  readonly audiences?: readonly string[];
  /** The pull Secret's name (default Quay's `<prefix>-pull-secret`). */
  readonly secretName?: string;
  readonly apiVersion?: ExternalSecretsVersion;
}

export interface KeylessManifests {
  readonly secretName: string;
  readonly generatorName: string;
  readonly serviceAccount: string;
  readonly generator: string;
  readonly externalSecret: string;
}

/** The generator's name for a robot: `<prefix>-quay-token`. */
export function generatorName(robot: string): string {
  return `${robotPrefix(robot)}-quay-token`.toLowerCase();
}

/** The default pull Secret name, lower-cased so that robots with capitals still give a valid object name. */
export function defaultSecretName(robot: string): string {
  return pullSecretName(robot).toLowerCase();
}

/** ServiceAccount, QuayAccessToken and ExternalSecret (seed 003), each a document without `---`. Throws on invalid input. */
export function keylessManifests(o: KeylessOptions, style: ManifestStyle = {}): KeylessManifests {
  checkRobotName(o.robot);
  const host = registryHost(o.host);
  const secretName = o.secretName ?? defaultSecretName(o.robot);
  const generator = generatorName(o.robot);
  for (const n of [secretName, generator, o.serviceAccount]) check(objectNameProblem(n));
  if (o.namespace !== undefined) check(namespaceProblem(o.namespace));
  const audiences = (o.audiences ?? []).map((a) => a.trim()).filter((a) => a !== '');
  return {
    secretName,
    generatorName: generator,
    serviceAccount: blockYaml({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(o.serviceAccount, o.namespace) }, style),
    generator: blockYaml(
      {
        apiVersion: QUAY_GENERATOR_API_VERSION,
        kind: QUAY_GENERATOR_KIND,
        metadata: metadata(generator, o.namespace),
        spec: {
          url: host,
          robotAccount: o.robot,
          serviceAccountRef: { name: o.serviceAccount, audiences: audiences.length > 0 ? audiences : undefined },
        },
      },
      style,
    ),
    externalSecret: blockYaml(
      {
        apiVersion: externalSecretApiVersion(o.apiVersion ?? 'v1'),
        kind: 'ExternalSecret',
        metadata: metadata(secretName, o.namespace),
        spec: {
          refreshInterval: KEYLESS_REFRESH_INTERVAL,
          dataFrom: [{ sourceRef: { generatorRef: { apiVersion: QUAY_GENERATOR_API_VERSION, kind: QUAY_GENERATOR_KIND, name: generator } } }],
          target: target(secretName, dockerConfigTemplate('{{ .registry }}', '{{ .auth }}')),
        },
      },
      style,
    ),
  };
}

export type SecretStoreKind = 'SecretStore' | 'ClusterSecretStore';

export interface VaultOptions {
  readonly host: string;
  readonly robot: string;
  readonly scope: SecretScope;
  readonly store: { readonly kind: SecretStoreKind; readonly name: string };
  /** The remote key holding the robot token (and `property` within it, when the store keeps JSON). */
  readonly remoteKey: string;
  readonly property?: string;
  readonly namespace?: string;
  readonly secretName?: string;
  readonly apiVersion?: ExternalSecretsVersion;
}

/** An ExternalSecret reading the robot token into `token` and rendering the pull Secret from it. Throws on invalid input. */
export function vaultExternalSecret(o: VaultOptions, style: ManifestStyle = {}): { secretName: string; manifest: string } {
  checkRobotName(o.robot);
  if (/["\\{}]/.test(o.robot)) throw new Error(`"${o.robot}" is not a robot name Quay allows.`);
  const secretName = o.secretName ?? defaultSecretName(o.robot);
  check(objectNameProblem(secretName));
  check(objectNameProblem(o.store.name));
  if (o.namespace !== undefined) check(namespaceProblem(o.namespace));
  if (o.remoteKey.trim() === '') throw new Error('The remote key is empty.');
  const key = authsKey(o.host, o.robot, o.scope);
  // The robot name is a Go template string literal: it has no quotes or backslashes (robot names are [a-z0-9_+]).
  const auth = `{{ printf "%s:%s" "${o.robot}" .token | b64enc }}`;
  const property = o.property?.trim();
  const manifest = blockYaml(
    {
      apiVersion: externalSecretApiVersion(o.apiVersion ?? 'v1'),
      kind: 'ExternalSecret',
      metadata: metadata(secretName, o.namespace),
      spec: {
        refreshInterval: VAULT_REFRESH_INTERVAL,
        secretStoreRef: { kind: o.store.kind, name: o.store.name },
        data: [{ secretKey: 'token', remoteRef: { key: o.remoteKey.trim(), property: property === '' ? undefined : property } }],
        target: target(secretName, dockerConfigTemplate(key, auth)),
      },
    },
    style,
  );
  return { secretName, manifest };
}
