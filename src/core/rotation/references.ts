/**
 * What a rotation cannot update from the workspace, listed so the user knows what is left (AGENTS.md "Token rotation"):
 * SealedSecrets and SOPS-encrypted Secrets that produce a Secret known to hold the robot's credentials, and the
 * External Secrets Operator objects that read or push such a Secret. A Secret is known to hold them when a
 * usage was found inside it in the workspace, or when it has Quay's own name for the robot's pull Secret.
 */
import { pullSecretName } from '../k8s/credentials';
import type { TextRange } from '../yaml/edits';
import { parseManifests } from '../yaml/parse';
import type { ManifestDocument } from '../yaml/parse';

export type ReferenceKind = 'sealedSecret' | 'sops' | 'externalSecret' | 'secretStore' | 'pushSecret';

export interface SecretReference {
  readonly kind: ReferenceKind;
  /** The Secret it produces, reads or pushes. */
  readonly secretName: string;
  /** 1-based, of the document's first content. */
  readonly line: number;
  readonly column: number;
}

/** Cheap test on a file's bytes before it is parsed: it may hold one of the kinds above. */
export const REFERENCE_HINT = 'Secret';
const REFERENCE_KINDS = /SealedSecret|ExternalSecret|SecretStore|PushSecret|\bsops\b/;

/**
 * The words {@link mayHoldReferences} looks for, as bytes: a file holding none of them (or not {@link REFERENCE_HINT})
 * has no reference, so the finder's readers need not send it back to be parsed.
 */
export const REFERENCE_WORDS: readonly string[] = ['SealedSecret', 'ExternalSecret', 'SecretStore', 'PushSecret', 'sops'];

export function mayHoldReferences(text: string): boolean {
  return REFERENCE_KINDS.test(text);
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function contentOf(d: ManifestDocument): Json | undefined {
  try {
    return obj(d.doc.toJS({ maxAliasCount: 100 }));
  } catch {
    return undefined;
  }
}

/** Names of the Secrets (kind Secret) whose document contains one of the given ranges. */
export function secretsHolding(text: string, ranges: readonly TextRange[]): string[] {
  if (!text.includes('Secret')) return [];
  const names = new Set<string>();
  for (const d of parseManifests(text).documents) {
    if (d.kind !== 'Secret' || d.name === undefined) continue;
    if (ranges.some((r) => r.start >= d.range.start && r.end <= d.range.end)) names.add(d.name);
  }
  return [...names];
}

/** The Secret names a find starts from: Quay's name for the robot's pull Secret. */
export function conventionalSecretNames(robot: string): string[] {
  return [pullSecretName(robot)];
}

/** Every `{name, key}` selector under a value (ESO's SecretKeySelector), for stores' credentials. */
function selectorNames(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const v of value) selectorNames(v, out);
    return out;
  }
  const o = obj(value);
  if (o === undefined) return out;
  const name = str(o.name);
  if (name !== undefined && str(o.key) !== undefined) out.push(name);
  for (const v of Object.values(o)) selectorNames(v, out);
  return out;
}

const ENCRYPTED = /^ENC\[/;

/** The Secret names a document refers to, by kind; empty for other documents. */
function referencedSecrets(d: ManifestDocument, sops: boolean): { kind: ReferenceKind; names: string[] } | undefined {
  const content = contentOf(d);
  if (content === undefined) return undefined;
  const spec = obj(content.spec);
  const ownName = d.name;
  switch (d.kind) {
    case 'SealedSecret': {
      const name = str(obj(obj(spec?.template)?.metadata)?.name) ?? ownName;
      return { kind: 'sealedSecret', names: name === undefined ? [] : [name] };
    }
    case 'ExternalSecret': {
      const name = str(obj(spec?.target)?.name) ?? ownName;
      return { kind: 'externalSecret', names: name === undefined ? [] : [name] };
    }
    case 'SecretStore':
    case 'ClusterSecretStore':
      return { kind: 'secretStore', names: selectorNames(spec) };
    case 'PushSecret': {
      const name = str(obj(obj(spec?.selector)?.secret)?.name);
      return { kind: 'pushSecret', names: name === undefined ? [] : [name] };
    }
    case 'Secret':
      return sops && ownName !== undefined && !ENCRYPTED.test(ownName) ? { kind: 'sops', names: [ownName] } : undefined;
    default:
      return undefined;
  }
}

/** True for a SOPS-encrypted YAML or JSON file: a top-level `sops` mapping with its `mac`. */
function isSops(documents: readonly ManifestDocument[]): boolean {
  return documents.some((d) => obj(contentOf(d)?.sops)?.mac !== undefined);
}

/** The references in a file to Secrets named in `known`. */
export function findReferences(text: string, known: ReadonlySet<string>): SecretReference[] {
  if (!mayHoldReferences(text)) return [];
  const parsed = parseManifests(text);
  const documents = parsed.documents;
  const sops = text.includes('sops') && isSops(documents);
  const out: SecretReference[] = [];
  for (const d of documents) {
    const ref = referencedSecrets(d, sops);
    if (ref === undefined) continue;
    const position = parsed.positionAt(d.doc.contents?.range[0] ?? d.regionStart);
    for (const secretName of new Set(ref.names)) {
      if (known.has(secretName)) out.push({ kind: ref.kind, secretName, line: position.line + 1, column: position.character + 1 });
    }
  }
  return out;
}
