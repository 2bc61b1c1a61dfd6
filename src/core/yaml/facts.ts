/**
 * What diagnostics, the hover and the permission check read from each document of a file: its pod specs
 * (images, pull secret names, ServiceAccount), its pull Secrets, and whether it can be read safely. A document
 * not parsed yet is read with the quick reader (scan.ts) when it has the usual shape, so that diagnostics on a
 * newly opened large file do not wait for a full parse; any other document is parsed, and read by the finders.
 * Callers that look for something in particular (pullCredentials.ts `imagePulls`, `filePullSecrets` here) first
 * test each unread document's text, and skip it unread when it cannot hold what they look for: a change to what
 * the finders read must keep those tests true for every document it can matter in (test/unit/yaml/facts.test.ts).
 */
import { DOCKER_CFG_TYPE, DOCKER_CONFIG_JSON_TYPE, pullSecretsIn } from './pullSecrets';
import type { PullSecretInfo } from './pullSecrets';
import { documentRefusal } from './guards';
import type { ManifestDocument, ParsedManifests } from './parse';
import { childPath, PATH_SEPARATOR, scanDocument } from './scan';
import type { ScanNode } from './scan';
import { ARGO_WORKFLOW_SPEC_PATHS, CONTAINER_FIELDS, isPodSpecKind, mayEmbedPodSpecs, objectListKey, POD_SPEC_PATHS, workloadsIn } from './workloads';
import type { ContainerImage, PullSecretRef, Workload } from './workloads';

export type WorkloadFacts = Pick<Workload, 'documentIndex' | 'itemIndex' | 'kind' | 'name' | 'namespace' | 'serviceAccountName' | 'images' | 'imagePullSecrets'>;

export interface DocumentFacts {
  /** False when a planner would refuse the document (YAML errors, template directives, tabs). */
  readonly readable: boolean;
  readonly workloads: readonly WorkloadFacts[];
  readonly pullSecrets: readonly PullSecretInfo[];
}

const NOTHING: DocumentFacts = { readable: true, workloads: [], pullSecrets: [] };

function parsedFacts(parsed: ParsedManifests, d: ManifestDocument): DocumentFacts {
  return { readable: documentRefusal(parsed, d) === undefined, workloads: workloadsIn(parsed, d), pullSecrets: pullSecretsIn(parsed, d) };
}

/**
 * The facts of what the quick reader read, or undefined when the document needs the finders: a pull Secret
 * (its credentials are decoded from the parse), a `List` / `Template` of objects, or a custom resource that may
 * embed a pod spec (it has a `containers` key somewhere, or is one of Argo's workflow kinds).
 */
export function scannedFacts(nodes: ReadonlyMap<string, ScanNode>, documentIndex: number): DocumentFacts | undefined {
  const node = (path: string): ScanNode | undefined => nodes.get(path);
  const str = (path: string): string | undefined => {
    const n = node(path);
    return n?.t === 'scalar' ? n.value : undefined;
  };
  if (node('')?.t !== 'map') return NOTHING;
  const kind = str('kind');
  if (kind === undefined) return NOTHING;
  if (kind === 'Secret') {
    const type = str('type');
    return type === DOCKER_CONFIG_JSON_TYPE || type === DOCKER_CFG_TYPE ? undefined : NOTHING;
  }
  if (objectListKey(kind) !== undefined) return undefined;
  if (!isPodSpecKind(kind)) return mayEmbedPodSpecs(kind) && (Object.hasOwn(ARGO_WORKFLOW_SPEC_PATHS, kind) || hasContainersKey(nodes)) ? undefined : NOTHING;
  let spec: string | undefined = '';
  for (const key of POD_SPEC_PATHS[kind] ?? []) spec = spec !== undefined && node(spec)?.t === 'map' ? childPath(spec, key) : undefined;
  const base = { documentIndex, itemIndex: undefined, kind, name: str(childPath('metadata', 'name')), namespace: str(childPath('metadata', 'namespace')) };
  if (spec === undefined || node(spec)?.t !== 'map') return { ...NOTHING, workloads: [{ ...base, serviceAccountName: undefined, images: [], imagePullSecrets: [] }] };
  const items = (path: string): string[] => {
    const n = node(path);
    return n?.t === 'seq' ? Array.from({ length: n.length }, (_, i) => childPath(path, i)) : [];
  };
  const imagePullSecrets: PullSecretRef[] = [];
  for (const item of items(childPath(spec, 'imagePullSecrets'))) {
    const n = node(item);
    const nameNode = n?.t === 'map' ? node(childPath(item, 'name')) : n;
    if (nameNode?.t === 'scalar' && nameNode.value !== undefined) imagePullSecrets.push({ name: nameNode.value, range: { start: nameNode.start, end: nameNode.end } });
  }
  const images: ContainerImage[] = [];
  if (kind !== 'ServiceAccount') {
    for (const field of CONTAINER_FIELDS) {
      for (const item of items(childPath(spec, field))) {
        const image = node(childPath(item, 'image'));
        if (node(item)?.t !== 'map' || image?.t !== 'scalar' || image.value === undefined) continue;
        images.push({ image: image.value, range: { start: image.start, end: image.end }, field, container: str(childPath(item, 'name')) });
      }
    }
  }
  const serviceAccountName = str(childPath(spec, 'serviceAccountName')) ?? str(childPath(spec, 'serviceAccount'));
  return { ...NOTHING, workloads: [{ ...base, serviceAccountName, images, imagePullSecrets }] };
}

function hasContainersKey(nodes: ReadonlyMap<string, ScanNode>): boolean {
  for (const path of nodes.keys()) if (path === 'containers' || path.endsWith(`${PATH_SEPARATOR}containers`)) return true;
  return false;
}

/**
 * The facts of every document, in order; with `wanted`, a document not read yet is read (and parsed if need be)
 * only when its text passes `wanted`, so callers that look for something in particular skip the rest: a test
 * that may say yes wrongly but never no wrongly leaves their answer unchanged. Memoised per document on the parse.
 */
export function documentFacts(parsed: ParsedManifests, wanted?: (text: string) => boolean): readonly DocumentFacts[] {
  const out: DocumentFacts[] = [];
  const lazy = parsed.lazy;
  const memo = parsed.cached(lazy ? 'facts' : 'facts:whole', () => new Map<number, DocumentFacts>());
  for (let i = 0; i < parsed.documentCount; i++) {
    let facts = memo.get(i);
    if (facts === undefined) {
      const span = parsed.unparsedSpan(i);
      if (span !== undefined && wanted !== undefined && !wanted(parsed.text.slice(span.start, span.end))) continue;
      const scanned = span === undefined ? undefined : scanDocument(parsed.text, span.start, span.end);
      facts = scanned === undefined ? undefined : scannedFacts(scanned, i);
      if (facts === undefined) {
        const d = parsed.document(i);
        // The chunks did not line up after all: the whole stream was parsed, read that.
        if (lazy && !parsed.lazy) return documentFacts(parsed, wanted);
        if (d === undefined) continue;
        facts = parsedFacts(parsed, d);
      }
      memo.set(i, facts);
    }
    out.push(facts);
  }
  return out;
}

/** May this document's text hold a docker-config Secret? (Its `type` names it; an escape could hide it.) */
function mayHoldPullSecret(text: string): boolean {
  return text.includes('kubernetes.io/docker') || text.includes('\\');
}

/** The pull Secrets written in the file. */
export function filePullSecrets(parsed: ParsedManifests): PullSecretInfo[] {
  return documentFacts(parsed, mayHoldPullSecret).flatMap((f) => f.pullSecrets);
}
