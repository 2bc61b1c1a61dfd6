/**
 * What every planner result must satisfy, checked by the property and corpus tests:
 * - the output parses, with no new YAML errors and the same number of documents (plus inserted ones);
 * - per document, `toJS()` of input and output are equal once the added `{name: <secret>}` entries are taken
 *   out of every `imagePullSecrets` (and lists left empty, or null, dropped on both sides);
 * - every edit only inserts text, except the replacement of an explicit `null`/`~` value;
 * - bytes outside the edits are unchanged, and inserted text uses the file's line ending and no tabs;
 * - the targeted objects now list the secret, and planning again changes nothing.
 */
import assert from 'node:assert/strict';
import { planAddImagePullSecret } from '../../../src/core/yaml/addImagePullSecret';
import type { AddPullSecretOptions } from '../../../src/core/yaml/addImagePullSecret';
import { applyEdits, normalizeEdits } from '../../../src/core/yaml/edits';
import type { TextEdit } from '../../../src/core/yaml/edits';
import { parseManifests } from '../../../src/core/yaml/parse';
import type { ParsedManifests } from '../../../src/core/yaml/parse';
import { findWorkloads } from '../../../src/core/yaml/workloads';

function stripSecret(value: unknown, secret: string): unknown {
  if (Array.isArray(value)) return value.map((v) => stripSecret(v, secret));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === 'imagePullSecrets' && (v === null || Array.isArray(v))) {
      const kept = (v ?? []).filter((e: unknown) => !(e === secret || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === secret && Object.keys(e).length === 1)));
      if (kept.length > 0) out[k] = kept.map((x) => stripSecret(x, secret));
      continue;
    }
    out[k] = stripSecret(v, secret);
  }
  return out;
}

function jsOf(parsed: ParsedManifests, index: number): { ok: true; value: unknown } | { ok: false } {
  const d = parsed.documents[index];
  if (d === undefined) return { ok: false };
  try {
    return { ok: true, value: d.doc.toJS({ maxAliasCount: -1 }) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Check that the bytes outside the edits are the input's, in order, and the inserted text's line endings. */
export function checkBytes(input: string, output: string, edits: readonly TextEdit[], eol: string): void {
  const sorted = normalizeEdits(edits);
  let inAt = 0;
  let outAt = 0;
  for (const e of sorted) {
    const keep = e.offset - inAt;
    assert.equal(output.slice(outAt, outAt + keep), input.slice(inAt, e.offset), 'bytes before an edit are unchanged');
    outAt += keep;
    const deleted = input.slice(e.offset, e.offset + e.length);
    assert.match(deleted, /^(?:null|Null|NULL|~)?$/, `an edit only replaces an explicit null (deleted ${JSON.stringify(deleted)})`);
    assert.equal(output.slice(outAt, outAt + e.text.length), e.text);
    assert.ok(!e.text.includes('\t'), 'no tabs inserted');
    if (eol === '\r\n') assert.ok(!/(^|[^\r])\n/.test(e.text), 'CRLF file: no bare LF inserted');
    else assert.ok(!e.text.includes('\r'), 'LF file: no CR inserted');
    outAt += e.text.length;
    inAt = e.offset + e.length;
  }
  assert.equal(output.slice(outAt), input.slice(inAt), 'bytes after the last edit are unchanged');
}

export interface CheckOutcome {
  readonly status: 'changed' | 'unchanged' | 'refused';
  readonly code?: string;
  readonly edits: number;
  readonly added: number;
  readonly semanticDocs: number;
}

/** Plan, apply and check every invariant; returns what happened for the tallies. */
export function checkAddPlan(input: string, secret: string, options: AddPullSecretOptions = {}): CheckOutcome {
  const parsed = parseManifests(input);
  const plan = planAddImagePullSecret(parsed, secret, options);
  if (plan.status === 'refused') return { status: 'refused', code: plan.code, edits: 0, added: 0, semanticDocs: 0 };
  const output = applyEdits(input, plan.edits);
  if (plan.status === 'unchanged') {
    assert.equal(plan.edits.length, 0);
    return { status: 'unchanged', edits: 0, added: 0, semanticDocs: 0 };
  }
  checkBytes(input, output, plan.edits, parsed.eol);
  const after = parseManifests(output);
  assert.equal(after.documents.length, parsed.documents.length, 'same number of documents');
  let semanticDocs = 0;
  parsed.documents.forEach((d, i) => {
    const a = after.documents[i];
    assert.ok(a !== undefined);
    assert.ok(a.errors.length <= d.errors.length, `document ${i}: no new YAML errors (${a.errors[0]?.message ?? ''})`);
    const before = jsOf(parsed, i);
    const now = jsOf(after, i);
    if (before.ok && now.ok) {
      assert.deepEqual(stripSecret(now.value, secret), stripSecret(before.value, secret), `document ${i}: only the entry was added`);
      semanticDocs++;
    }
  });
  // The targeted objects now carry the secret.
  const targeted = new Set(plan.targets.map((t) => `${t.documentIndex}/${t.itemIndex ?? ''}/${t.kind}/${t.name ?? ''}`));
  const withSecret = findWorkloads(after).filter((w) => targeted.has(`${w.documentIndex}/${w.itemIndex ?? ''}/${w.kind}/${w.name ?? ''}`));
  for (const w of withSecret) assert.ok(w.imagePullSecrets.some((s) => s.name === secret), `${w.kind} ${w.name ?? ''} lists the secret`);
  // Idempotent.
  const again = planAddImagePullSecret(after, secret, 'documentIndex' in (options.target ?? {}) ? options : { include: options.include });
  if (options.target === undefined || 'documentIndex' in options.target) assert.equal(again.status, 'unchanged', 'planning again changes nothing');
  return { status: 'changed', edits: plan.edits.length, added: plan.targets.filter((t) => t.outcome === 'added').length, semanticDocs };
}
