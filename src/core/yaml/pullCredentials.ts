/**
 * Which credentials each image on a Quay host is pulled with: the pod spec's own `imagePullSecrets`, else
 * those of its ServiceAccount in the same text (`serviceAccountName`, else `default`; same namespace when
 * both say one), and behind those Secrets the robot accounts (user names `namespace+name`) whose `auths` key
 * covers the image. Diagnostics, the permission check and the hover all start here.
 */
import { isRobotName } from '../k8s/credentials';
import { authsKeyCovers, DOCKER_HUB, parseAuthsKey, parseImageReference } from '../k8s/imageReference';
import type { ImageReference } from '../k8s/imageReference';
import type { TextRange } from './edits';
import { documentFacts } from './facts';
import type { ParsedManifests } from './parse';
import type { PullSecretInfo } from './pullSecrets';
import { isServiceAccount } from './workloads';

export interface ImagePull {
  /** The image string as written, and its scalar's span. */
  readonly image: string;
  readonly range: TextRange;
  readonly ref: ImageReference;
  readonly documentIndex: number;
  readonly itemIndex: number | undefined;
  /** The workload's `metadata.namespace`, when written. */
  readonly namespace: string | undefined;
  readonly serviceAccountName: string | undefined;
  /** Pull secret names the pod uses: its own, else its ServiceAccount's; empty when none. */
  readonly secrets: readonly string[];
  /** Where `secrets` come from, for messages: `this pod spec` or `ServiceAccount "x"`. */
  readonly via: string;
}

export interface PullRobot {
  readonly secret: string;
  /** Full robot name, `namespace+name`. */
  readonly robot: string;
  /** The `auths` key that covers the image. */
  readonly key: string;
}

/** Same namespace, or one side does not say (it lands wherever it is applied). */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

/** `quay.io`, `https://quay.example.com:8443/` → the set of `host[:port]`. */
export function normalizeHosts(hosts: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const h of hosts) {
    const k = parseAuthsKey(h.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, ''));
    if (k !== undefined) out.add(k.host);
  }
  return out;
}

/**
 * Whether a document's text may hold an image on one of `hosts` or a ServiceAccount; the others are not read.
 * An image's host is matched case-insensitively as written; an escape could hide it, and a Docker Hub image
 * may name no host at all.
 */
function mayHoldPullOrAccount(hosts: ReadonlySet<string>): ((text: string) => boolean) | undefined {
  if (hosts.has(DOCKER_HUB)) return undefined;
  const written = new RegExp([...hosts].map((h) => h.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'i');
  return (text) => written.test(text) || text.includes('ServiceAccount') || text.includes('\\');
}

/** Every image of a readable pod spec whose registry is one of `quayHosts`, with the pull secrets it uses. */
export function imagePulls(parsed: ParsedManifests, quayHosts: readonly string[]): ImagePull[] {
  const hosts = normalizeHosts(quayHosts);
  if (hosts.size === 0) return [];
  const readable = documentFacts(parsed, mayHoldPullOrAccount(hosts))
    .filter((f) => f.readable)
    .flatMap((f) => f.workloads);
  const accounts = readable.filter(isServiceAccount);
  const out: ImagePull[] = [];
  for (const w of readable) {
    if (isServiceAccount(w) || w.images.length === 0) continue;
    let secrets: readonly string[] = w.imagePullSecrets.map((s) => s.name);
    let via = 'this pod spec';
    if (secrets.length === 0) {
      const saName = w.serviceAccountName ?? 'default';
      const sa = accounts.find((a) => a.name === saName && sameNamespace(a.namespace, w.namespace) && a.imagePullSecrets.length > 0);
      if (sa !== undefined) {
        secrets = sa.imagePullSecrets.map((s) => s.name);
        via = `ServiceAccount "${saName}"`;
      }
    }
    for (const image of w.images) {
      const ref = parseImageReference(image.image);
      if (ref === undefined || !hosts.has(ref.host)) continue;
      out.push({
        image: image.image,
        range: image.range,
        ref,
        documentIndex: w.documentIndex,
        itemIndex: w.itemIndex,
        namespace: w.namespace,
        serviceAccountName: w.serviceAccountName,
        secrets,
        via,
      });
    }
  }
  return out;
}

/** The known, readable Secret behind each name the pull uses (undefined where a name is not known). */
export function secretsOf(pull: ImagePull, known: readonly PullSecretInfo[]): (PullSecretInfo | undefined)[] {
  return pull.secrets.map((name) => known.find((s) => s.name === name && sameNamespace(s.namespace, pull.namespace) && s.problem === undefined));
}

/** The robot accounts whose credentials (in known Secrets the pull uses) cover the image. */
export function pullRobots(pull: ImagePull, known: readonly PullSecretInfo[]): PullRobot[] {
  const out: PullRobot[] = [];
  for (const s of secretsOf(pull, known)) {
    for (const e of s?.entries ?? []) {
      if (s?.name === undefined || e.username === undefined || !isRobotName(e.username) || !authsKeyCovers(e.key, pull.ref)) continue;
      if (!out.some((r) => r.robot === e.username && r.secret === s.name)) out.push({ secret: s.name, robot: e.username, key: e.key });
    }
  }
  return out;
}

/** Known Secrets (this file's and the workspace's) in the pull's namespace whose credentials cover its image: names to suggest. */
export function coveringSecrets(pull: ImagePull, known: readonly PullSecretInfo[]): PullSecretInfo[] {
  return known.filter((s) => s.name !== undefined && s.problem === undefined && sameNamespace(s.namespace, pull.namespace) && s.authsKeys.some((k) => authsKeyCovers(k, pull.ref)));
}
