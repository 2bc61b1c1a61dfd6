/**
 * Find every pod spec in a manifest file (and every ServiceAccount, whose top-level `imagePullSecrets` plays
 * the same role), with the offsets the planners and diagnostics need. Objects inside `kind: List` (and
 * `*List`) `items`, and OpenShift `Template` `objects`, are found too.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { ParsedNode } from 'yaml';
import type { TextRange } from './edits';
import { directPair, findPair, getValue, mapPath, resolve, stringOf } from './nodes';
import type { MapNode } from './nodes';
import type { ManifestDocument, ParsedManifests, YamlDocument } from './parse';

/** Where each kind keeps its pod spec. ServiceAccount's entry is the object itself. */
export const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  DeploymentConfig: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
  ServiceAccount: [],
};

/** Whether objects of this kind have a pod spec (or are a ServiceAccount). */
export function isPodSpecKind(kind: string): boolean {
  return Object.hasOwn(POD_SPEC_PATHS, kind);
}

/** The key holding the objects of a `List` (and `*List`) or an OpenShift `Template`; undefined for other kinds. */
export function objectListKey(kind: string): 'items' | 'objects' | undefined {
  return kind === 'List' || kind.endsWith('List') ? 'items' : kind === 'Template' ? 'objects' : undefined;
}

export type ContainerField = 'containers' | 'initContainers' | 'ephemeralContainers';
export const CONTAINER_FIELDS: readonly ContainerField[] = ['initContainers', 'containers', 'ephemeralContainers'];

export interface ContainerImage {
  /** The image string as written. */
  readonly image: string;
  /** The scalar's source span (quotes included). */
  readonly range: TextRange;
  readonly field: ContainerField;
  readonly container: string | undefined;
}

export interface PullSecretRef {
  readonly name: string;
  readonly range: TextRange;
}

export interface Workload {
  readonly documentIndex: number;
  /** Index in the enclosing `List` `items` / `Template` `objects`, when the object is inside one. */
  readonly itemIndex: number | undefined;
  readonly kind: string;
  readonly apiVersion: string | undefined;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  /** `serviceAccountName` (or the deprecated `serviceAccount`) of the pod spec. */
  readonly serviceAccountName: string | undefined;
  readonly images: readonly ContainerImage[];
  /** Names already listed in `imagePullSecrets` (through aliases and `<<` merges). */
  readonly imagePullSecrets: readonly PullSecretRef[];
  /** The `imagePullSecrets` value's span, when the key exists. */
  readonly imagePullSecretsRange: TextRange | undefined;
  /** The pod spec map's span (the object itself for a ServiceAccount); undefined when the shape is wrong. */
  readonly podSpecRange: TextRange | undefined;
  /** The whole object's span (the document's, or the list item's). */
  readonly objectRange: TextRange;
  /** Keys from the object to the pod spec. */
  readonly podSpecPath: readonly string[];
  /** Why the pod spec could not be read (missing, a scalar, an unresolved alias…). */
  readonly problem: string | undefined;
  /** The object's map node (planner use). */
  readonly objectNode: MapNode;
  /** The pod spec map node (planner use); for a ServiceAccount, the object. */
  readonly podSpecNode: MapNode | undefined;
}

export function isServiceAccount(w: Pick<Workload, 'kind'>): boolean {
  return w.kind === 'ServiceAccount';
}

function span(node: ParsedNode): TextRange {
  return { start: node.range[0], end: node.range[1] };
}

function str(doc: YamlDocument, map: MapNode, path: readonly string[]): string | undefined {
  return stringOf(mapPath(doc, map, path));
}

/** The objects of a `List` (`*List`) or `Template` document, aliases followed, with their item index; none for other kinds. */
export function listedObjects(d: ManifestDocument): { obj: MapNode; itemIndex: number }[] {
  const root = d.doc.contents;
  const listKey = d.kind === undefined ? undefined : objectListKey(d.kind);
  const items = listKey === undefined || !isMap(root) ? undefined : getValue(d.doc, root, listKey);
  if (!isSeq(items)) return [];
  return items.items.flatMap((item, itemIndex) => {
    const obj = resolve(d.doc, item);
    return isMap(obj) ? [{ obj, itemIndex }] : [];
  });
}

/** Every pod spec and ServiceAccount in the file, in document order. Memoised on the parse. */
export function findWorkloads(parsed: ParsedManifests): readonly Workload[] {
  return parsed.cached('workloads', () => parsed.documents.flatMap((d) => workloadsIn(parsed, d)));
}

/** The pod specs and ServiceAccounts of one document (List items included). Memoised on the parse. */
export function workloadsIn(parsed: ParsedManifests, d: ManifestDocument): readonly Workload[] {
  return parsed.cached(`workloads:${d.index}`, () => {
    const root = d.doc.contents;
    const kind = d.kind;
    if (!isMap(root) || kind === undefined) return [];
    const fullRange = { start: d.range.start, end: d.range.end };
    if (isPodSpecKind(kind)) return [readWorkload(d.doc, d.index, undefined, root, kind, fullRange)];
    return listedObjects(d).flatMap(({ obj, itemIndex }) => {
      const itemKind = str(d.doc, obj, ['kind']);
      return itemKind !== undefined && isPodSpecKind(itemKind) ? [readWorkload(d.doc, d.index, itemIndex, obj, itemKind, span(obj))] : [];
    });
  });
}

function readWorkload(
  doc: YamlDocument,
  documentIndex: number,
  itemIndex: number | undefined,
  obj: MapNode,
  kind: string,
  objectRange: TextRange,
): Workload {
  const path = POD_SPEC_PATHS[kind] ?? [];
  const base = {
    documentIndex,
    itemIndex,
    kind,
    apiVersion: str(doc, obj, ['apiVersion']),
    name: str(doc, obj, ['metadata', 'name']),
    namespace: str(doc, obj, ['metadata', 'namespace']),
    objectRange,
    podSpecPath: path,
    objectNode: obj,
  };
  let node: ParsedNode | null | undefined = obj;
  let problem: string | undefined;
  for (let i = 0; i < path.length; i++) {
    const key = path[i] ?? '';
    if (!isMap(node)) break;
    const found = findPair(doc, node, key);
    if (found === undefined) {
      problem = `${kind} has no ${path.slice(0, i + 1).join('.')}`;
      node = undefined;
      break;
    }
    const value: ParsedNode | null = found.pair.value;
    node = resolve(doc, value);
    if (value !== null && node === undefined) {
      problem = `${path.slice(0, i + 1).join('.')} is an alias to an anchor that does not exist`;
      break;
    }
  }
  if (problem === undefined && !isMap(node)) problem = `${[kind, ...path].join('.')} is not a mapping`;
  if (problem !== undefined || !isMap(node)) {
    return {
      ...base,
      serviceAccountName: undefined,
      images: [],
      imagePullSecrets: [],
      imagePullSecretsRange: undefined,
      podSpecRange: undefined,
      problem,
      podSpecNode: undefined,
    };
  }
  const spec = node;
  const ips = findPair(doc, spec, 'imagePullSecrets');
  const ipsValue = ips?.pair.value ?? null;
  const ipsList = resolve(doc, ipsValue);
  const secrets: PullSecretRef[] = [];
  if (isSeq(ipsList)) {
    for (const item of ipsList.items) {
      const entry = resolve(doc, item);
      if (isMap(entry)) {
        const nameNode = getValue(doc, entry, 'name');
        const name = stringOf(nameNode);
        if (name !== undefined && nameNode) secrets.push({ name, range: span(nameNode) });
      } else if (isScalar(entry) && typeof entry.value === 'string') {
        // Not valid Kubernetes, but a name nonetheless: enough to see that it is present.
        secrets.push({ name: entry.value, range: span(entry) });
      }
    }
  }
  const images: ContainerImage[] = [];
  if (kind !== 'ServiceAccount') {
    for (const field of CONTAINER_FIELDS) {
      const list = getValue(doc, spec, field);
      if (!isSeq(list)) continue;
      for (const item of list.items) {
        const c = resolve(doc, item);
        if (!isMap(c)) continue;
        const imageNode = directPair(c, 'image')?.value ?? getValue(doc, c, 'image');
        const image = stringOf(imageNode);
        if (image === undefined || !imageNode) continue;
        images.push({ image, range: span(imageNode), field, container: stringOf(getValue(doc, c, 'name')) });
      }
    }
  }
  return {
    ...base,
    serviceAccountName: stringOf(getValue(doc, spec, 'serviceAccountName')) ?? stringOf(getValue(doc, spec, 'serviceAccount')),
    images,
    imagePullSecrets: secrets,
    imagePullSecretsRange: ipsValue !== null ? span(ipsValue) : undefined,
    podSpecRange: span(spec),
    problem: undefined,
    podSpecNode: spec,
  };
}
