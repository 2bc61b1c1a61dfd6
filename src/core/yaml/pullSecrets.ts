/**
 * Pull Secrets written in a manifest file: `type: kubernetes.io/dockerconfigjson` (and the legacy
 * `kubernetes.io/dockercfg`), with the registries their credentials are for. `data` values are base64;
 * `stringData` values are the JSON itself. Tokens are never returned, only keys and user names.
 */
import { isMap } from 'yaml';
import { readDockerConfig } from '../k8s/credentials';
import type { DockerAuthEntry } from '../k8s/credentials';
import type { TextRange } from './edits';
import { getValue, mapPath, stringOf } from './nodes';
import type { MapNode } from './nodes';
import type { YamlDocument } from './nodes';
import type { ManifestDocument, ParsedManifests } from './parse';
import { listedObjects } from './workloads';

export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
export const DOCKER_CFG_TYPE = 'kubernetes.io/dockercfg';

export interface PullSecretInfo {
  readonly documentIndex: number;
  readonly itemIndex: number | undefined;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  readonly type: typeof DOCKER_CONFIG_JSON_TYPE | typeof DOCKER_CFG_TYPE;
  /** Where the credentials were read from. */
  readonly source: 'data' | 'stringData' | undefined;
  /** The `auths` keys (registry hosts, or `host/namespace` for Quay's organization scope). */
  readonly authsKeys: readonly string[];
  /** Key and user name (from `username` or the decoded `auth`) of each entry. */
  readonly entries: readonly DockerAuthEntry[];
  /** Why the credentials could not be read (bad base64, not JSON…); `authsKeys` is then empty. */
  readonly problem: string | undefined;
  /** The Secret object's span. */
  readonly range: TextRange;
  /** The span of the encoded value, for rewriting it (rotation). */
  readonly valueRange: TextRange | undefined;
}

const BASE64 = /^[A-Za-z0-9+/=\s]*$/;

function readSecret(doc: YamlDocument, documentIndex: number, itemIndex: number | undefined, obj: MapNode, range: TextRange): PullSecretInfo | undefined {
  if (stringOf(getValue(doc, obj, 'kind')) !== 'Secret') return undefined;
  const type = stringOf(getValue(doc, obj, 'type'));
  if (type !== DOCKER_CONFIG_JSON_TYPE && type !== DOCKER_CFG_TYPE) return undefined;
  const field = type === DOCKER_CONFIG_JSON_TYPE ? '.dockerconfigjson' : '.dockercfg';
  const base = {
    documentIndex,
    itemIndex,
    name: stringOf(mapPath(doc, obj, ['metadata', 'name'])),
    namespace: stringOf(mapPath(doc, obj, ['metadata', 'namespace'])),
    type,
    range,
  } as const;
  let json: string | undefined;
  let source: PullSecretInfo['source'];
  let valueRange: TextRange | undefined;
  let problem: string | undefined;
  // stringData wins over data on the API server (it is merged into data on write).
  const stringNode = mapPath(doc, obj, ['stringData', field]);
  const dataNode = mapPath(doc, obj, ['data', field]);
  const plain = stringOf(stringNode);
  const encoded = stringOf(dataNode);
  if (plain !== undefined && stringNode) {
    json = plain;
    source = 'stringData';
    valueRange = { start: stringNode.range[0], end: stringNode.range[1] };
  } else if (encoded !== undefined && dataNode) {
    source = 'data';
    valueRange = { start: dataNode.range[0], end: dataNode.range[1] };
    if (!BASE64.test(encoded)) problem = `data.${field} is not base64`;
    else json = Buffer.from(encoded.replace(/\s+/g, ''), 'base64').toString('utf8');
  } else problem = `no ${field} in data or stringData`;
  let entries: DockerAuthEntry[] = [];
  if (json !== undefined) {
    const read = readDockerConfig(json, type === DOCKER_CFG_TYPE);
    if (read === undefined) problem = `${field} is not a docker config (${type === DOCKER_CFG_TYPE ? '{"<registry>": …}' : '{"auths": …}'})`;
    else entries = read;
  }
  return { ...base, source, authsKeys: entries.map((e) => e.key), entries, problem, valueRange };
}

/** Every docker-config Secret in the file, in document order (List items included). Memoised on the parse. */
export function findPullSecrets(parsed: ParsedManifests): readonly PullSecretInfo[] {
  return parsed.cached('pullSecrets', () => parsed.documents.flatMap((d) => pullSecretsIn(parsed, d)));
}

/** The docker-config Secrets of one document (List items included). Memoised on the parse. */
export function pullSecretsIn(parsed: ParsedManifests, d: ManifestDocument): readonly PullSecretInfo[] {
  return parsed.cached(`pullSecrets:${d.index}`, () => {
    const root = d.doc.contents;
    if (!isMap(root) || d.kind === undefined) return [];
    if (d.kind === 'Secret') {
      const s = readSecret(d.doc, d.index, undefined, root, d.range);
      return s !== undefined ? [s] : [];
    }
    return listedObjects(d).flatMap(({ obj, itemIndex }) => readSecret(d.doc, d.index, itemIndex, obj, { start: obj.range[0], end: obj.range[1] }) ?? []);
  });
}
