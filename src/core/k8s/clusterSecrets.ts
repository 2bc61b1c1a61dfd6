/**
 * Pull Secrets in clusters that hold a robot's credentials: the matcher (one Secret object → a match, nothing,
 * or a problem), the listing across every namespace the user may list (through {@link Kubectl}), and the update
 * of a Secret's Docker config to new credentials with its `resourceVersion` as a precondition.
 *
 * Robots are matched by the user name inside `auths` (`username`, else decoded from `auth`), so no token is
 * needed; a rotation also passes the Quay host, so the same robot name on another registry is not touched.
 * A Secret managed by External Secrets or by another controller is listed but never updated: the controller
 * would overwrite the change (update its source instead).
 *
 * A Secret's name and namespace come from the API server's answer and are later passed to kubectl: each is
 * checked against Kubernetes' own rules (DNS-1123, names.ts) first, and a Secret whose names break them is
 * reported as malformed, never touched; positionals also follow `--`, so none can become a kubectl flag.
 */
import { basicAuth, dockerConfigAuths } from './credentials';
import { KubectlError, type Kubectl } from './kubectl';
import { isDnsLabel, isDnsSubdomain } from './names';

export const DOCKER_CONFIG_JSON = 'kubernetes.io/dockerconfigjson';
export const DOCKER_CFG = 'kubernetes.io/dockercfg';
const DATA_KEY: Record<string, string> = { [DOCKER_CONFIG_JSON]: '.dockerconfigjson', [DOCKER_CFG]: '.dockercfg' };
export const ESO_MANAGED_LABEL = 'reconcile.external-secrets.io/managed';

/** A Secret as the API returns it (only what is read here). */
export interface KubeSecret {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly resourceVersion?: string;
    readonly labels?: Record<string, string>;
    readonly ownerReferences?: readonly { readonly apiVersion?: string; readonly kind?: string; readonly name?: string; readonly controller?: boolean }[];
  };
  readonly type?: string;
  readonly data?: Record<string, string>;
  readonly stringData?: Record<string, string>;
}

/** A Secret that holds the robot's credentials. */
export interface SecretMatch {
  readonly context: string;
  readonly namespace: string;
  readonly name: string;
  readonly type: string;
  /** The first `auths` key holding the robot (a registry host, or `host/namespace`). */
  readonly registry: string;
  /** `null`, `external-secrets`, or the controller owning the Secret (`Kind.group`). */
  readonly managedBy: string | null;
  /** The Secret as read, for the update's precondition. */
  readonly secret: KubeSecret;
}

/** Something in a cluster that could not be searched: a namespace the user may not list, or a malformed Secret. */
export interface SecretProblem {
  readonly context: string;
  readonly kind: 'forbidden' | 'malformed';
  /** `*` when even the list of namespaces is forbidden. */
  readonly namespace: string;
  readonly name?: string;
  readonly reason: string;
}

export interface ClusterSecrets {
  readonly matches: readonly SecretMatch[];
  readonly problems: readonly SecretProblem[];
}

/** Which robot to look for: its full name, and (for a rotation) the registry host it belongs to. */
export interface RobotFilter {
  readonly robot: string;
  /** `host[:port]`; `auths` keys on another host are ignored. Undefined: any host. */
  readonly host?: string;
  /** Only entries that still hold this token (Finish Rotation looks for what is left of the old one). */
  readonly token?: string;
}

/** `null`, `external-secrets`, or `Kind.group` of the controller that owns the Secret. */
export function managedBy(secret: KubeSecret): string | null {
  const meta = secret.metadata ?? {};
  const owners = meta.ownerReferences ?? [];
  if (meta.labels?.[ESO_MANAGED_LABEL] !== undefined || owners.some((o) => (o.apiVersion ?? '').startsWith('external-secrets.io/'))) return 'external-secrets';
  const controller = owners.find((o) => o.controller === true);
  if (controller === undefined) return null;
  const group = (controller.apiVersion ?? '').includes('/') ? (controller.apiVersion ?? '').split('/')[0] : '';
  return `${controller.kind ?? 'unknown'}${group !== '' ? `.${group}` : ''}`;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The Docker config text of a pull Secret (`stringData` wins, as the API server merges it), or why not. */
function configText(secret: KubeSecret, key: string): { text: string } | { reason: string } {
  const plain = secret.stringData?.[key];
  if (typeof plain === 'string') return { text: plain };
  const encoded = secret.data?.[key];
  if (typeof encoded !== 'string') return { reason: `has no ${key}` };
  if (!BASE64.test(encoded)) return { reason: `data[${key}] is not valid base64` };
  return { text: Buffer.from(encoded, 'base64').toString('utf8') };
}

/** The user name and password of an `auths` entry: `username`/`password`, else the decoded `auth` split at `:`. */
function entryCredentials(entry: unknown): { user: string; password: string | undefined } | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const e = entry as Record<string, unknown>;
  if (typeof e.username === 'string') return { user: e.username, password: typeof e.password === 'string' ? e.password : undefined };
  if (typeof e.auth !== 'string' || !BASE64.test(e.auth)) return undefined;
  const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) } : undefined;
}

const keyHost = (key: string): string => key.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '').split('/')[0] ?? '';

/** The `auths` keys of a pull Secret that hold the robot, or undefined when it is not a pull Secret. */
export function matchSecret(secret: KubeSecret, filter: RobotFilter): { keys: string[] } | { reason: string } | undefined {
  const key = DATA_KEY[secret.type ?? ''];
  if (key === undefined) return undefined;
  const text = configText(secret, key);
  if ('reason' in text) return text;
  const auths = dockerConfigAuths(text.text, secret.type === DOCKER_CFG, key);
  if ('reason' in auths) return auths;
  const entries = Object.entries(auths.auths);
  const holds = (k: string, entry: unknown): boolean => {
    const c = entryCredentials(entry);
    return c?.user === filter.robot && (filter.host === undefined || keyHost(k) === filter.host) && (filter.token === undefined || c.password === filter.token);
  };
  const keys = entries.filter(([k, entry]) => holds(k, entry)).map(([k]) => k);
  // An entry whose user cannot be read might be the robot's: said, unless the robot was found anyway.
  const unreadable = entries.find(([, entry]) => entryCredentials(entry) === undefined);
  if (keys.length === 0 && unreadable !== undefined) return { reason: `${key}: the auths entry ${JSON.stringify(unreadable[0])} has no username and no readable auth` };
  return { keys };
}

/** Sorts listed Secrets into matches and malformed ones. */
export function matchSecrets(context: string, secrets: readonly KubeSecret[], filter: RobotFilter): ClusterSecrets {
  const matches: SecretMatch[] = [];
  const problems: SecretProblem[] = [];
  for (const secret of secrets) {
    const m = matchSecret(secret, filter);
    if (m === undefined) continue;
    const namespace = secret.metadata?.namespace ?? '';
    const name = secret.metadata?.name ?? '';
    const badName = secretNamesProblem(namespace, name);
    if (badName !== undefined) problems.push({ context, kind: 'malformed', namespace: printable(namespace), name: printable(name), reason: badName });
    else if ('reason' in m) problems.push({ context, kind: 'malformed', namespace, name, reason: m.reason });
    else if (m.keys.length > 0) matches.push({ context, namespace, name, type: secret.type ?? '', registry: m.keys[0] ?? '', managedBy: managedBy(secret), secret });
  }
  return { matches, problems };
}

/** A name from the API server as it may be shown: control characters escaped, at most 100 characters. */
function printable(text: string): string {
  const shown = JSON.stringify(text.slice(0, 100)).slice(1, -1);
  return text.length > 100 ? `${shown}…` : shown;
}

/**
 * Why a Secret's namespace or name as the API server returned them are not Kubernetes names (a label and a
 * DNS-1123 subdomain), or undefined. A real API server never returns such names; a hostile one (or a proxy) could
 * name a Secret `--as=system:admin` to have it read as a kubectl flag.
 */
export function secretNamesProblem(namespace: string, name: string): string | undefined {
  if (!isDnsLabel(namespace)) return `the API server returned the namespace "${printable(namespace)}", which is not a valid namespace name; the Secret is not touched`;
  if (!isDnsSubdomain(name)) return `the API server returned the Secret name "${printable(name)}", which is not a valid Kubernetes object name; the Secret is not touched`;
  return undefined;
}

function items(list: unknown): KubeSecret[] {
  const all = (list as { items?: unknown } | null)?.items;
  return Array.isArray(all) ? (all as KubeSecret[]) : [];
}

/** Namespaces whose Secrets could not be listed (`*`: not even the namespace list), with kubectl's reason. */
export interface ForbiddenNamespace {
  readonly namespace: string;
  readonly reason: string;
}

/**
 * Every Secret of one context: all namespaces at once when allowed, else namespace by namespace, each forbidden one
 * reported. A cluster that cannot be reached (or a missing kubectl) throws. Shared by the rotation's search for one
 * robot (`findClusterSecrets`) and the hygiene review's inventory (`core/hygiene/clusters.ts`).
 */
export async function listContextSecrets(kubectl: Pick<Kubectl, 'getJson'>, context: string): Promise<{ secrets: KubeSecret[]; forbidden: ForbiddenNamespace[] }> {
  try {
    return { secrets: items(await kubectl.getJson(context, ['secrets', '--all-namespaces'])), forbidden: [] };
  } catch (e) {
    if (!(e instanceof KubectlError) || e.kind !== 'forbidden') throw e;
  }
  let namespaces: string[];
  try {
    namespaces = items(await kubectl.getJson(context, ['namespaces'])).map((n) => n.metadata?.name ?? '').filter((n) => n !== '');
  } catch (e) {
    if (!(e instanceof KubectlError) || e.kind !== 'forbidden') throw e;
    return { secrets: [], forbidden: [{ namespace: '*', reason: e.message }] };
  }
  const secrets: KubeSecret[] = [];
  const forbidden: ForbiddenNamespace[] = [];
  for (const namespace of namespaces) {
    try {
      secrets.push(...items(await kubectl.getJson(context, ['secrets', '-n', namespace])));
    } catch (e) {
      if (!(e instanceof KubectlError) || e.kind !== 'forbidden') throw e;
      forbidden.push({ namespace, reason: e.message });
    }
  }
  return { secrets, forbidden };
}

/** Every pull Secret holding the robot in one context (`listContextSecrets`), with what could not be read. */
export async function findClusterSecrets(kubectl: Kubectl, context: string, filter: RobotFilter): Promise<ClusterSecrets> {
  const { secrets, forbidden } = await listContextSecrets(kubectl, context);
  const found = matchSecrets(context, secrets, filter);
  return { matches: found.matches, problems: [...forbidden.map((f): SecretProblem => ({ context, kind: 'forbidden', namespace: f.namespace, reason: f.reason })), ...found.problems] };
}

/** What a search over kubeconfig contexts found, in the contexts' order. */
export interface ContextsSearch {
  readonly contexts: readonly string[];
  readonly matches: readonly SecretMatch[];
  readonly problems: readonly SecretProblem[];
  /** Contexts that could not be reached (or kubectl missing), with kubectl's sentence. */
  readonly unreachable: readonly { readonly context: string; readonly reason: string }[];
}

/** What a caller of `searchContexts` does around each context: `before` it is searched (progress), `also` after. */
export interface ContextHooks {
  readonly before?: (context: string) => void;
  /** Runs after the context's Secrets were found (a rotation looks for ExternalSecrets there); a `KubectlError` it throws makes that context unreachable too. */
  readonly also?: (context: string, found: ClusterSecrets) => Promise<void>;
}

/**
 * Every context in turn (`findClusterSecrets`); one that cannot be reached is listed with why, never thrown, and
 * the search goes on.
 */
export async function searchContexts(kubectl: Kubectl, contexts: readonly string[], filter: RobotFilter, hooks: ContextHooks = {}): Promise<ContextsSearch> {
  const matches: SecretMatch[] = [];
  const problems: SecretProblem[] = [];
  const unreachable: { context: string; reason: string }[] = [];
  for (const context of contexts) {
    hooks.before?.(context);
    try {
      const found = await findClusterSecrets(kubectl, context, filter);
      matches.push(...found.matches);
      problems.push(...found.problems);
      await hooks.also?.(context, found);
    } catch (e) {
      if (!(e instanceof KubectlError)) throw e;
      unreachable.push({ context, reason: e.message });
    }
  }
  return { contexts, matches, problems, unreachable };
}

/** New credentials for the robot's `auths` entries (a successor changes the user name too). */
export interface SecretCredentials {
  readonly oldUser: string;
  readonly newUser: string;
  readonly newToken: string;
}

/**
 * The Secret with each of `keys`' entries holding the new credentials; every other entry and field is kept.
 * The result carries the read `resourceVersion`, so the API server refuses it if the Secret changed since.
 */
export function updatedSecret(secret: KubeSecret, keys: readonly string[], c: SecretCredentials): KubeSecret {
  const key = DATA_KEY[secret.type ?? ''] ?? '';
  const text = configText(secret, key);
  if ('reason' in text) throw new Error(text.reason);
  const legacy = secret.type === DOCKER_CFG;
  const parsed = JSON.parse(text.text) as Record<string, unknown>;
  const auths = (legacy ? parsed : parsed.auths) as Record<string, Record<string, unknown>>;
  for (const k of keys) {
    const entry = { ...auths[k] };
    if ('username' in entry || 'password' in entry) {
      entry.username = c.newUser;
      entry.password = c.newToken;
    }
    if ('auth' in entry) entry.auth = basicAuth(c.newUser, c.newToken);
    auths[k] = entry;
  }
  const { stringData: _dropped, ...rest } = secret;
  return { ...rest, apiVersion: 'v1', kind: 'Secret', data: { ...secret.data, [key]: Buffer.from(JSON.stringify(parsed), 'utf8').toString('base64') } };
}

export type SecretUpdate =
  | { readonly match: SecretMatch; readonly outcome: 'updated' }
  | { readonly match: SecretMatch; readonly outcome: 'skipped'; readonly reason: string }
  | { readonly match: SecretMatch; readonly outcome: 'failed'; readonly reason: string };

/**
 * Replaces the Secret's Docker config with the new credentials, with its `resourceVersion` as the precondition.
 * A Secret changed in between is read again and planned again (once): if it no longer holds the robot, or is now
 * managed by a controller, it is skipped; it is never overwritten blindly.
 */
export async function updateClusterSecret(kubectl: Kubectl, match: SecretMatch, c: SecretCredentials, filter: RobotFilter): Promise<SecretUpdate> {
  if (match.managedBy !== null) return { match, outcome: 'skipped', reason: `managed by ${match.managedBy}: update its source instead` };
  const badName = secretNamesProblem(match.namespace, match.name);
  if (badName !== undefined) return { match, outcome: 'failed', reason: badName };
  let secret = match.secret;
  for (let attempt = 0; ; attempt++) {
    const planned = matchSecret(secret, filter);
    if (planned === undefined || 'reason' in planned || planned.keys.length === 0) {
      return { match, outcome: 'skipped', reason: planned !== undefined && 'reason' in planned ? `changed since the scan: ${planned.reason}` : 'changed since the scan and no longer holds the robot' };
    }
    const controller = managedBy(secret);
    if (controller !== null) return { match, outcome: 'skipped', reason: `changed since the scan: now managed by ${controller}` };
    try {
      await kubectl.replace(match.context, updatedSecret(secret, planned.keys, c));
      return { match, outcome: 'updated' };
    } catch (e) {
      if (!(e instanceof KubectlError)) throw e;
      if (e.kind !== 'conflict' || attempt > 0) return { match, outcome: 'failed', reason: e.message };
    }
    try {
      secret = (await kubectl.getJson(match.context, ['-n', match.namespace, '--', 'secret', match.name])) as KubeSecret;
    } catch (e) {
      if (!(e instanceof KubectlError)) throw e;
      return e.kind === 'notFound' ? { match, outcome: 'skipped', reason: 'deleted since the scan' } : { match, outcome: 'failed', reason: e.message };
    }
  }
}
