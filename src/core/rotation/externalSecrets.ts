/**
 * Vault-backed ExternalSecrets that render a robot's pull Secret from a token kept in a secret store (AGENTS.md
 * "Token rotation"): after a regeneration Quay refuses the old token at once (`data/model/user.py` `regenerate_robot_token`),
 * but the ExternalSecret keeps rendering it until its next refresh (`spec.refreshInterval`, 1 h by default and
 * in `vaultExternalSecret`). A rotation therefore lists them as "update the vault, then refresh", and can refresh
 * them in a cluster by changing an annotation once the user has updated the vault.
 *
 * ESO v2.9.0 (external-secrets/external-secrets `378bdb62`), read for this:
 * - `pkg/controllers/externalsecret/externalsecret_controller.go` `shouldRefresh` / `shouldRefreshPeriodic`: an
 *   ExternalSecret is synced again when `status.syncedResourceVersion` differs from
 *   `pkg/controllers/util/util.go` `GetResourceVersion` = generation + a hash of the labels and **annotations**
 *   (`HashMeta`). So changing any annotation forces a sync, for `refreshPolicy` `Periodic` (the default) and
 *   `OnChange`; never for `CreatedOnce`, nor for a periodic one with `refreshInterval: 0` once synced.
 * - The documented manual refresh is `kubectl annotate es my-es force-sync=$(date +%s) --overwrite`
 *   (`docs/api/externalsecret.md` "Manual Refresh", `docs/introduction/faq.md`): the key `force-sync`.
 *   `apis/externalsecrets/v1/externalsecret_types.go` `AnnotationForceSync = "external-secrets.io/force-sync"` is
 *   the key a ClusterExternalSecret copies to its ExternalSecrets (`docs/api/clusterexternalsecret.md`); on an
 *   ExternalSecret any key works, and we use the documented `force-sync`.
 * - Keyless ExternalSecrets (`dataFrom[].sourceRef.generatorRef`, the `QuayAccessToken` generator) mint a new
 *   token every refresh and do not hold the robot's static token: they are not listed.
 */
import { pullSecretName } from '../k8s/credentials';
import { parseManifests } from '../yaml/parse';

/** The annotation ESO documents for a manual refresh of an ExternalSecret. */
export const FORCE_SYNC_ANNOTATION = 'force-sync';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A vault-backed ExternalSecret that renders the robot's credentials. */
export interface VaultExternalSecret {
  readonly name: string;
  readonly namespace: string | undefined;
  /** The Secret it writes (`spec.target.name`, else its own name). */
  readonly target: string;
  /** `spec.secretStoreRef` (or the first `sourceRef.storeRef`), e.g. `ClusterSecretStore/vault-backend`. */
  readonly store: string | undefined;
  /** Where the token is read from: `remoteRef.key` (`#property` when given), or `dataFrom` extracts. */
  readonly remoteKeys: readonly string[];
  readonly refreshInterval: string | undefined;
  readonly refreshPolicy: string | undefined;
  /** Why an annotation will not refresh it (`CreatedOnce`, `refreshInterval: 0`), or undefined when it will. */
  readonly noForceSync: string | undefined;
}

/** Every string value under a value, for the template's text. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else {
    const o = obj(value);
    if (o !== undefined) for (const v of Object.values(o)) strings(v, out);
  }
  return out;
}

/** A `refreshInterval` that is zero: `0`, `0s`, `0m0s`, `0h0m0s`. */
const ZERO_DURATION = /^(?:0+(?:\.0+)?(?:ns|us|µs|ms|s|m|h)?)+$/;

/**
 * The ExternalSecret as a vault-backed one of `robot`, or undefined: an `external-secrets.io` ExternalSecret that
 * reads from a secret store (not only from a generator) and either names the robot in its target template (as
 * `vaultExternalSecret` does: `printf "%s:%s" "acme+ci" .token`) or writes one of the `knownSecrets` (Quay's name
 * for the robot's pull Secret, or a Secret found holding the robot).
 */
export function asVaultExternalSecret(content: unknown, robot: string, knownSecrets: ReadonlySet<string>): VaultExternalSecret | undefined {
  const o = obj(content);
  if (o === undefined || o.kind !== 'ExternalSecret' || !(str(o.apiVersion) ?? '').startsWith('external-secrets.io/')) return undefined;
  const metadata = obj(o.metadata);
  const spec = obj(o.spec);
  const name = str(metadata?.name);
  if (name === undefined || spec === undefined) return undefined;
  const data = list(spec.data).map(obj).filter((d): d is Json => d !== undefined);
  const dataFrom = list(spec.dataFrom).map(obj).filter((d): d is Json => d !== undefined);
  const fromStore = dataFrom.filter((d) => obj(obj(d.sourceRef)?.generatorRef) === undefined);
  if (data.length === 0 && fromStore.length === 0) return undefined; // generator only (keyless) or empty
  const targetSpec = obj(spec.target);
  const target = str(targetSpec?.name) ?? name;
  const mentionsRobot = strings(targetSpec?.template).some((s) => s.includes(robot));
  if (!mentionsRobot && !knownSecrets.has(target)) return undefined;
  const storeRef = obj(spec.secretStoreRef) ?? [...data, ...fromStore].map((d) => obj(obj(d.sourceRef)?.storeRef)).find((r) => r !== undefined);
  const store = storeRef !== undefined && str(storeRef.name) !== undefined ? `${str(storeRef.kind) ?? 'SecretStore'}/${str(storeRef.name) ?? ''}` : undefined;
  const remoteKeys = [
    ...data.map((d) => obj(d.remoteRef)).flatMap((r) => (r !== undefined && str(r.key) !== undefined ? [`${str(r.key) ?? ''}${str(r.property) !== undefined ? `#${str(r.property) ?? ''}` : ''}`] : [])),
    ...fromStore.map((d) => str(obj(d.extract)?.key) ?? (obj(d.find) !== undefined ? 'find' : undefined)).filter((k): k is string => k !== undefined),
  ];
  const refreshInterval = typeof spec.refreshInterval === 'string' ? spec.refreshInterval : typeof spec.refreshInterval === 'number' ? String(spec.refreshInterval) : undefined;
  const refreshPolicy = str(spec.refreshPolicy);
  const noForceSync =
    refreshPolicy === 'CreatedOnce'
      ? 'refreshPolicy CreatedOnce: ESO never syncs it again; delete its Secret to have it recreated'
      : refreshPolicy !== 'OnChange' && refreshInterval !== undefined && ZERO_DURATION.test(refreshInterval.trim())
        ? 'refreshInterval 0: ESO does not sync it again after the first time; delete its Secret to have it recreated'
        : undefined;
  return { name, namespace: str(metadata?.namespace), target, store, remoteKeys, refreshInterval, refreshPolicy, noForceSync };
}

/** A vault-backed ExternalSecret in a file, with its 1-based position. */
export interface FileVaultExternalSecret extends VaultExternalSecret {
  readonly line: number;
  readonly column: number;
}

/** Quick test on a file's text before it is parsed. */
export function mayHoldExternalSecrets(text: string): boolean {
  return text.includes('ExternalSecret');
}

/** The vault-backed ExternalSecrets of `robot` in a YAML file's text. */
export function vaultExternalSecretsIn(text: string, robot: string, knownSecrets: ReadonlySet<string>): FileVaultExternalSecret[] {
  if (!mayHoldExternalSecrets(text)) return [];
  const parsed = parseManifests(text);
  const out: FileVaultExternalSecret[] = [];
  for (const d of parsed.documents) {
    if (d.kind !== 'ExternalSecret') continue;
    let content: unknown;
    try {
      content = d.doc.toJS({ maxAliasCount: 100 });
    } catch {
      continue;
    }
    const found = asVaultExternalSecret(content, robot, knownSecrets);
    if (found === undefined) continue;
    const position = parsed.positionAt(d.doc.contents?.range[0] ?? d.regionStart);
    out.push({ ...found, line: position.line + 1, column: position.character + 1 });
  }
  return out;
}

/** The Secret names an ExternalSecret of the robot may write even when its template does not name the robot. */
export function knownPullSecretNames(robot: string): string[] {
  const name = pullSecretName(robot);
  return [name, name.toLowerCase()];
}

/** `force-sync=<unix seconds>`: the value ESO's documentation uses (`$(date +%s)`). */
export function forceSyncValue(now: Date): string {
  return String(Math.floor(now.getTime() / 1000));
}
