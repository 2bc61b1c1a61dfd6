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
import type { YamlDocument } from './nodes';
import type { ManifestDocument, ParsedManifests } from './parse';

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

/** Kinds whose content is data, never a pod spec, whatever keys it has. */
const DATA_KINDS = new Set(['ConfigMap', 'Secret', 'CustomResourceDefinition']);

/**
 * Argo Workflows: the workflow spec carries `imagePullSecrets` and `serviceAccountName` for every pod of the
 * workflow; the images are in its `templates` (`container`, `script`, `initContainers`, `sidecars`, `containerSet`).
 */
export const ARGO_WORKFLOW_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Workflow: ['spec'],
  WorkflowTemplate: ['spec'],
  ClusterWorkflowTemplate: ['spec'],
  CronWorkflow: ['spec', 'workflowSpec'],
};

/** Argo's workflow kinds (`argoproj.io`), whose pod settings sit in the workflow spec. */
export function isArgoWorkflowKind(kind: string, apiVersion: string | undefined): boolean {
  return Object.hasOwn(ARGO_WORKFLOW_SPEC_PATHS, kind) && apiVersion?.startsWith('argoproj.io/') === true;
}

/** Whether objects of this kind may embed pod specs (custom resources: RayCluster, JobSet, MPIJob…). */
export function mayEmbedPodSpecs(kind: string): boolean {
  return !isPodSpecKind(kind) && !DATA_KINDS.has(kind) && objectListKey(kind) === undefined;
}

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
    if (objectListKey(kind) === undefined) return mayEmbedPodSpecs(kind) ? embeddedWorkloads(d.doc, d.index, undefined, root, kind, fullRange) : [];
    return listedObjects(d).flatMap(({ obj, itemIndex }) => {
      const itemKind = str(d.doc, obj, ['kind']);
      if (itemKind === undefined) return [];
      if (isPodSpecKind(itemKind)) return [readWorkload(d.doc, d.index, itemIndex, obj, itemKind, span(obj))];
      return mayEmbedPodSpecs(itemKind) ? embeddedWorkloads(d.doc, d.index, itemIndex, obj, itemKind, span(obj)) : [];
    });
  });
}

type WorkloadBase = Pick<Workload, 'documentIndex' | 'itemIndex' | 'kind' | 'apiVersion' | 'name' | 'namespace' | 'objectRange' | 'podSpecPath' | 'objectNode'>;

function workloadBase(doc: YamlDocument, documentIndex: number, itemIndex: number | undefined, obj: MapNode, kind: string, objectRange: TextRange, path: readonly string[]): WorkloadBase {
  return {
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
}

/** A mapping whose `containers` is a non-empty sequence of mappings, each with an `image`: a pod spec. */
function isPodSpecMap(doc: YamlDocument, node: MapNode): boolean {
  const list = getValue(doc, node, 'containers');
  if (!isSeq(list) || list.items.length === 0) return false;
  return list.items.every((item) => {
    const c = resolve(doc, item);
    return isMap(c) && stringOf(getValue(doc, c, 'image')) !== undefined;
  });
}

/**
 * The pod specs embedded in a custom resource: every mapping under a key `spec` (`template.spec`,
 * `workerGroupSpecs[0].template.spec`, `workerTemplate.spec`…) that {@link isPodSpecMap}, not looking inside
 * one found; for Argo's workflow kinds, the workflow spec.
 */
function embeddedWorkloads(doc: YamlDocument, documentIndex: number, itemIndex: number | undefined, obj: MapNode, kind: string, objectRange: TextRange): Workload[] {
  const apiVersion = str(doc, obj, ['apiVersion']);
  if (isArgoWorkflowKind(kind, apiVersion)) {
    const path = ARGO_WORKFLOW_SPEC_PATHS[kind] ?? [];
    const spec = mapPath(doc, obj, path);
    if (!isMap(spec)) return [];
    return [specWorkload(doc, workloadBase(doc, documentIndex, itemIndex, obj, kind, objectRange, path), spec, argoImages(doc, spec))];
  }
  const out: Workload[] = [];
  const seen = new Set<ParsedNode>();
  const walk = (node: ParsedNode | null | undefined, path: string[]): void => {
    const n = resolve(doc, node ?? null);
    if (n === undefined || n === null || seen.has(n)) return;
    seen.add(n);
    if (isMap(n)) {
      if (path[path.length - 1] === 'spec' && isPodSpecMap(doc, n)) {
        out.push(specWorkload(doc, workloadBase(doc, documentIndex, itemIndex, obj, kind, objectRange, path), n, containerImages(doc, n)));
        return;
      }
      for (const pair of n.items) {
        const key = stringOf(pair.key);
        if (key !== undefined && key !== 'metadata' && key !== 'status') walk(pair.value, [...path, key]);
      }
    } else if (isSeq(n)) n.items.forEach((item, i) => walk(item, [...path, String(i)]));
  };
  walk(obj, []);
  return out;
}

function containerImages(doc: YamlDocument, spec: MapNode): ContainerImage[] {
  const images: ContainerImage[] = [];
  for (const field of CONTAINER_FIELDS) {
    const list = getValue(doc, spec, field);
    if (!isSeq(list)) continue;
    for (const item of list.items) {
      const c = resolve(doc, item);
      if (!isMap(c)) continue;
      const image = containerImage(doc, c, field);
      if (image !== undefined) images.push(image);
    }
  }
  return images;
}

function containerImage(doc: YamlDocument, c: MapNode, field: ContainerField): ContainerImage | undefined {
  const imageNode = directPair(c, 'image')?.value ?? getValue(doc, c, 'image');
  const image = stringOf(imageNode);
  if (image === undefined || !imageNode) return undefined;
  return { image, range: span(imageNode), field, container: stringOf(getValue(doc, c, 'name')) };
}

/** The images of an Argo workflow spec's templates (a `container`/`script` counts as a container). */
function argoImages(doc: YamlDocument, spec: MapNode): ContainerImage[] {
  const templates = getValue(doc, spec, 'templates');
  if (!isSeq(templates)) return [];
  const images: ContainerImage[] = [];
  for (const item of templates.items) {
    const t = resolve(doc, item);
    if (!isMap(t)) continue;
    const lists: [ParsedNode | null | undefined, ContainerField][] = [
      [getValue(doc, t, 'initContainers'), 'initContainers'],
      [getValue(doc, t, 'container'), 'containers'],
      [getValue(doc, t, 'script'), 'containers'],
      [getValue(doc, t, 'sidecars'), 'containers'],
    ];
    const set = getValue(doc, t, 'containerSet');
    if (isMap(set)) lists.push([getValue(doc, set, 'containers'), 'containers']);
    for (const [value, field] of lists) {
      const list = resolve(doc, value ?? null);
      for (const entry of isSeq(list) ? list.items : [list]) {
        const c = resolve(doc, entry ?? null);
        const image = isMap(c) ? containerImage(doc, c, field) : undefined;
        if (image !== undefined) images.push(image);
      }
    }
  }
  return images;
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
  const base = workloadBase(doc, documentIndex, itemIndex, obj, kind, objectRange, path);
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
  return specWorkload(doc, base, node, kind === 'ServiceAccount' ? [] : containerImages(doc, node));
}

/** The facts of a pod spec (or ServiceAccount) map found at `base.podSpecPath`. */
function specWorkload(doc: YamlDocument, base: WorkloadBase, spec: MapNode, images: ContainerImage[]): Workload {
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
