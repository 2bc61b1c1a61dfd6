/**
 * The External Secrets Operator's own schemas (../shared/crds/external-secrets/bundle.yaml, see its SOURCE.md),
 * compiled with Ajv: tests only, nothing of this enters the extension bundle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../yaml/helpers';

export const ESO_BUNDLE = join(repoRoot(), '..', 'shared', 'crds', 'external-secrets', 'bundle.yaml');

interface CrdVersion {
  readonly name: string;
  readonly served: boolean;
  readonly schema?: { readonly openAPIV3Schema?: object };
}

interface Crd {
  readonly kind?: string;
  readonly spec?: { readonly group: string; readonly names: { readonly kind: string }; readonly versions: readonly CrdVersion[] };
}

export interface EsoVersion {
  readonly served: boolean;
  readonly validate: ValidateFunction;
}

let cache: Map<string, EsoVersion> | undefined;

/** `group/version` + `/` + `Kind` → the version's validator and whether the operator serves it. */
export function esoSchemas(): Map<string, EsoVersion> {
  if (cache !== undefined) return cache;
  const ajv = new Ajv({ strict: false, allErrors: true, formats: { int32: true, int64: true, byte: true, 'date-time': true, duration: true, uri: true } });
  cache = new Map();
  for (const d of parseAllDocuments(readFileSync(ESO_BUNDLE, 'utf8'))) {
    if (!('toJS' in d)) continue;
    const crd = d.toJS() as Crd | null;
    if (crd?.kind !== 'CustomResourceDefinition' || crd.spec === undefined) continue;
    for (const v of crd.spec.versions) {
      const schema = v.schema?.openAPIV3Schema;
      if (schema === undefined) continue;
      cache.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, { served: v.served, validate: ajv.compile(schema) });
    }
  }
  return cache;
}

/** Problems of one object against its CRD version's schema ([] when valid); throws for an unknown kind. */
export function esoProblems(object: { apiVersion?: unknown; kind?: unknown }): { served: boolean; errors: string[] } {
  const key = `${String(object.apiVersion)}/${String(object.kind)}`;
  const found = esoSchemas().get(key);
  if (found === undefined) throw new Error(`no schema for ${key}`);
  const ok = found.validate(object);
  return { served: found.served, errors: ok ? [] : (found.validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`) };
}
