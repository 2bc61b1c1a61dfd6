/**
 * Plan "add `imagePullSecrets: - name: <secret>`" for pod specs and ServiceAccounts as minimal text edits.
 *
 * Where the entry goes:
 * - An existing `imagePullSecrets` list gets one more item after its last one, in the same style: a block
 *   item at the same `-` column, copying the last item's form (`- name: a`, `- {name: a}`, quoting); a flow
 *   list gets `, <item>` after its last item (or the item inside `[]`). A name already present is not added.
 * - An empty `imagePullSecrets:` gets a block list under it; an explicit `null`/`~` is replaced by `[{name: …}]`.
 * - Otherwise the key is added as the pod spec's last key: on the line after the last key's value (so an
 *   inline comment on that line stays with it), after comment lines indented deeper than the pod spec's keys
 *   (they belong to the last value), before comment lines at the pod spec's column or shallower (they close
 *   the spec or introduce what follows). It is written at the pod spec's column, with the document's sequence
 *   indentation and `-` spacing (see style.ts) and the file's line ending. A flow pod spec gets
 *   `, imagePullSecrets: [{name: …}]` before its `}`.
 * - Aliases are followed: a pod spec or list that is an alias (or comes through a `<<` merge) is edited at
 *   its anchor, so every user of that anchor sees the new entry; the target is reported as `shared`.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { ParsedNode } from 'yaml';
import { objectNameProblem } from '../k8s/names';
import { normalizeEdits } from './edits';
import type { TextEdit } from './edits';
import { documentRefusal, refusal } from './guards';
import type { Refusal } from './guards';
import {
  columnOf,
  contentEnd,
  findPair,
  flowEndOffset,
  flowStartOffset,
  isEmptyValue,
  lineAfter,
  lineStart,
  quoteAs,
  quoteStyleOf,
  resolve,
  seqDashOffsets,
} from './nodes';
import type { MapNode, MapPair, QuoteStyle, SeqNode } from './nodes';
import type { YamlDocument } from './nodes';
import type { ManifestDocument, ParsedManifests } from './parse';
import { blockStyleFor } from './style';
import { isServiceAccount, workloadsIn } from './workloads';
import type { Workload } from './workloads';

export type PlanTargetSelector =
  /** The object under a cursor: the List item holding the offset, else every object of its document. */
  | { readonly offset: number }
  /** Every object of one document. */
  | { readonly documentIndex: number };

export interface AddPullSecretOptions {
  /** Without a target, every pod spec and ServiceAccount in the file; any unusable document refuses the plan. */
  readonly target?: PlanTargetSelector;
  /** Which objects to edit (default `all`). */
  readonly include?: 'workloads' | 'serviceAccounts' | 'all';
}

export interface PlannedTarget {
  readonly documentIndex: number;
  readonly itemIndex: number | undefined;
  readonly kind: string;
  readonly name: string | undefined;
  /** `added` by this plan, or already `present`. */
  readonly outcome: 'added' | 'present';
  /** The edit landed on an anchored node that other objects share through aliases or `<<`. */
  readonly shared: boolean;
}

export interface EditPlan {
  readonly status: 'changed' | 'unchanged';
  readonly edits: readonly TextEdit[];
  readonly targets: readonly PlannedTarget[];
}

export type AddPullSecretResult = EditPlan | Refusal;

interface Ctx {
  readonly parsed: ParsedManifests;
  readonly text: string;
  readonly eol: string;
  readonly doc: YamlDocument;
  readonly documentIndex: number;
}

/** Select the documents and objects a plan applies to, refusing where a document cannot be edited. */
export function selectTargets(
  parsed: ParsedManifests,
  options: AddPullSecretOptions,
): { workloads: Workload[]; documents: ManifestDocument[] } | Refusal {
  const include = options.include ?? 'all';
  const target = options.target;
  let documents: ManifestDocument[];
  if (target === undefined) documents = [...parsed.documents];
  else {
    const d = 'offset' in target ? parsed.documentAt(target.offset) : parsed.document(target.documentIndex);
    if (d === undefined) return refusal('no-target', 'There is no YAML document at that position.');
    documents = [d];
  }
  for (const d of documents) {
    const problem = documentRefusal(parsed, d);
    if (problem === undefined) continue;
    // A template with no workload in the selection (a Helm ConfigMap): "no pod spec or ServiceAccount" is the answer.
    if (problem.code === 'template' && documents.every((x) => workloadsIn(parsed, x).length === 0)) return { workloads: [], documents };
    return problem;
  }
  if (target === undefined && parsed.streamErrors.length > 0) {
    return refusal('yaml-error', `The file is not valid YAML: ${parsed.streamErrors[0]?.message ?? ''}`);
  }
  let workloads = documents.flatMap((d) => workloadsIn(parsed, d)).filter((w) => include === 'all' || (include === 'serviceAccounts') === isServiceAccount(w));
  if (target !== undefined && 'offset' in target) {
    const under = workloads.filter((w) => w.objectRange.start <= target.offset && target.offset <= w.objectRange.end);
    const items = under.filter((w) => w.itemIndex !== undefined);
    if (items.length > 0) workloads = items;
    else if (under.length > 0) workloads = under;
  }
  return { workloads, documents };
}

/** Plan adding `secretName` to the `imagePullSecrets` of the selected pod specs and ServiceAccounts. */
export function planAddImagePullSecret(
  parsed: ParsedManifests,
  secretName: string,
  options: AddPullSecretOptions = {},
): AddPullSecretResult {
  const nameProblem = objectNameProblem(secretName);
  if (nameProblem !== undefined) return refusal('invalid-name', nameProblem);
  const selected = selectTargets(parsed, options);
  if ('status' in selected) return selected;
  const { workloads } = selected;
  if (workloads.length === 0) {
    const where = options.target === undefined ? 'in the file' : 'there';
    return refusal('no-target', `No pod spec (Pod, Deployment, StatefulSet, DaemonSet, Job, CronJob…) or ServiceAccount ${where}.`);
  }
  return planWorkloads(parsed, secretName, workloads);
}

/**
 * Plan the edits for given objects (from {@link findWorkloads}; their documents must already have passed
 * {@link documentRefusal}). Objects sharing an anchored pod spec or list are edited once.
 */
export function planWorkloads(parsed: ParsedManifests, secretName: string, workloads: readonly Workload[]): AddPullSecretResult {
  const nameProblem = objectNameProblem(secretName);
  if (nameProblem !== undefined) return refusal('invalid-name', nameProblem);
  const edits: TextEdit[] = [];
  const targets: PlannedTarget[] = [];
  /** Nodes already edited (an anchor shared by several objects is edited once). */
  const editedNodes = new Map<ParsedNode, boolean>();
  for (const w of workloads) {
    const base = { documentIndex: w.documentIndex, itemIndex: w.itemIndex, kind: w.kind, name: w.name };
    if (w.imagePullSecrets.some((s) => s.name === secretName)) {
      targets.push({ ...base, outcome: 'present', shared: false });
      continue;
    }
    const spec = w.podSpecNode;
    if (spec === undefined) {
      const label = `${w.kind}${w.name !== undefined ? ` "${w.name}"` : ''}`;
      return refusal('unknown-shape', `${label} (document ${w.documentIndex + 1}): ${w.problem ?? 'no pod spec'}.`, w.documentIndex, w.objectRange);
    }
    const d = parsed.document(w.documentIndex);
    if (d === undefined) continue;
    const ctx: Ctx = { parsed, text: parsed.text, eol: parsed.eol, doc: d.doc, documentIndex: d.index };
    const planned = planForSpec(ctx, spec, secretName, w);
    if ('status' in planned) return planned;
    const already = editedNodes.get(planned.node);
    if (already === undefined) {
      edits.push(...planned.edits);
      editedNodes.set(planned.node, planned.shared);
    }
    targets.push({ ...base, outcome: 'added', shared: planned.shared || already !== undefined });
  }
  const normalized = normalizeEdits(edits);
  return { status: normalized.length > 0 ? 'changed' : 'unchanged', edits: normalized, targets };
}

interface SpecEdit {
  readonly edits: TextEdit[];
  /** The node the edit lands on, for de-duplication across objects sharing an anchor. */
  readonly node: ParsedNode;
  readonly shared: boolean;
}

function pad(n: number): string {
  return ' '.repeat(Math.max(0, n));
}

/** Key and value quoting for new text: plain, unless the map's keys are quoted (JSON-like YAML). */
function quotingOf(map: MapNode): { key: QuoteStyle; value: QuoteStyle } {
  const first = map.items[0] as MapPair | undefined;
  const style = first ? quoteStyleOf(first.key) : 'plain';
  return { key: style, value: style };
}

function planForSpec(ctx: Ctx, spec: MapNode, secret: string, w: Workload): SpecEdit | Refusal {
  const found = findPair(ctx.doc, spec, 'imagePullSecrets');
  const label = `${w.kind}${w.name !== undefined ? ` "${w.name}"` : ''}`;
  if (found === undefined) return addKey(ctx, spec, secret);
  const raw = found.pair.value;
  const shared = found.merged || found.owner !== spec || spec.anchor !== undefined;
  if (raw === null || isEmptyValue(raw)) return addUnderEmptyKey(ctx, found.owner, found.pair, secret, shared);
  const list = resolve(ctx.doc, raw);
  const viaAlias = list !== raw;
  if (isSeq(list)) {
    const quoting = quotingOf(found.owner);
    const edits = list.flow === true ? appendFlow(ctx, list, secret, quoting) : appendBlock(ctx, list, secret, quoting);
    if ('status' in edits) return edits;
    return { edits, node: list, shared: shared || viaAlias || list.anchor !== undefined };
  }
  if (isScalar(list) && list.value === null) {
    const quoting = quotingOf(found.owner);
    const item = `{${quoteAs('name', quoting.key)}: ${quoteAs(secret, quoting.value)}}`;
    return { edits: [{ offset: list.range[0], length: list.range[1] - list.range[0], text: `[${item}]` }], node: list, shared };
  }
  return refusal(
    'unknown-shape',
    `${label} (document ${w.documentIndex + 1}): imagePullSecrets is not a list.`,
    w.documentIndex,
    { start: raw.range[0], end: raw.range[1] },
  );
}

/** `imagePullSecrets:` with no value: a block list on the following lines. */
function addUnderEmptyKey(ctx: Ctx, owner: MapNode, pair: MapPair, secret: string, shared: boolean): SpecEdit | Refusal {
  const key = pair.key;
  if (!isScalar(key)) return refusal('unknown-shape', 'imagePullSecrets has a complex key.', ctx.documentIndex);
  if (owner.flow === true) {
    // `{imagePullSecrets: }` in a flow map: the value goes after the colon.
    const at = pair.value !== null ? pair.value.range[0] : contentEnd(key) + 1;
    return { edits: [{ offset: at, length: 0, text: `[{name: ${secret}}]` }], node: key, shared };
  }
  const style = blockStyleFor(ctx.parsed, ctx.documentIndex, owner);
  const keyCol = columnOf(ctx.text, key.range[0]);
  const quoting = quotingOf(owner);
  const end = pair.value !== null ? Math.max(contentEnd(key), pair.value.range[1]) : contentEnd(key);
  const point = lineAfter(ctx.text, end, keyCol);
  const line = `${pad(keyCol + style.seqOffset)}-${pad(style.dashGap)}${quoteAs('name', quoting.key)}: ${quoteAs(secret, quoting.value)}`;
  const text = point.needsBreak ? `${ctx.eol}${line}` : `${line}${ctx.eol}`;
  return { edits: [{ offset: point.offset, length: 0, text }], node: key, shared };
}

/** No `imagePullSecrets` key: add one as the map's last key. */
function addKey(ctx: Ctx, spec: MapNode, secret: string): SpecEdit | Refusal {
  const quoting = quotingOf(spec);
  const k = (s: string): string => quoteAs(s, quoting.key);
  const v = (s: string): string => quoteAs(s, quoting.value);
  const shared = spec.anchor !== undefined;
  if (spec.flow === true) {
    const inner = ctx.text.charCodeAt((flowStartOffset(spec) ?? spec.range[0]) + 1) === 32 ? ' ' : '';
    const entry = `${k('imagePullSecrets')}: [{${inner}${k('name')}: ${v(secret)}${inner}}]`;
    const last = spec.items[spec.items.length - 1] as MapPair | undefined;
    if (last === undefined) {
      const start = flowStartOffset(spec);
      if (start === undefined) return refusal('unknown-shape', 'Cannot locate the pod spec braces.', ctx.documentIndex);
      return { edits: [{ offset: start + 1, length: 0, text: entry }], node: spec, shared };
    }
    const end = last.value !== null ? contentEnd(last.value) : last.key !== null ? contentEnd(last.key) : spec.range[0] + 1;
    const sep = flowSeparator(ctx, spec);
    return { edits: [{ offset: end, length: 0, text: `${sep}${entry}` }], node: spec, shared };
  }
  const first = spec.items[0] as MapPair | undefined;
  if (first === undefined || first.key === null) return refusal('unknown-shape', 'The pod spec is empty.', ctx.documentIndex);
  const col = columnOf(ctx.text, first.key.range[0]);
  const style = blockStyleFor(ctx.parsed, ctx.documentIndex, spec);
  const point = lineAfter(ctx.text, contentEnd(spec), col);
  const lines = [`${pad(col)}${k('imagePullSecrets')}:`, `${pad(col + style.seqOffset)}-${pad(style.dashGap)}${k('name')}: ${v(secret)}`];
  const body = lines.join(ctx.eol);
  const text = point.needsBreak ? `${ctx.eol}${body}` : `${body}${ctx.eol}`;
  return { edits: [{ offset: point.offset, length: 0, text }], node: spec, shared };
}

/** The separator a flow collection uses between its last two entries (`, ` when it cannot tell). */
function flowSeparator(ctx: Ctx, node: MapNode | SeqNode): string {
  const items = node.items as (ParsedNode | MapPair | null)[];
  const n = items.length;
  const startOf = (x: ParsedNode | MapPair | null): number | undefined =>
    x === null ? undefined : 'range' in x && x.range ? x.range[0] : isPairLike(x) && x.key ? (x.key).range[0] : undefined;
  const endOf = (x: ParsedNode | MapPair | null): number | undefined =>
    x === null ? undefined : isPairLike(x) ? (x.value ? contentEnd(x.value) : x.key ? contentEnd(x.key) : undefined) : contentEnd(x);
  if (n >= 2) {
    const a = endOf(items[n - 2] ?? null);
    const b = startOf(items[n - 1] ?? null);
    if (a !== undefined && b !== undefined) {
      const between = ctx.text.slice(a, b);
      if (/^[ \t]*,[ \t]*(?:\r?\n[ \t]*)?$/.test(between)) return between;
    }
  } else if (n === 1) {
    const open = flowStartOffset(node);
    const b = startOf(items[0] ?? null);
    if (open !== undefined && b !== undefined) {
      const between = ctx.text.slice(open + 1, b);
      if (/^[ \t]*\r?\n[ \t]*$/.test(between)) return `,${between.replace(/^[ \t]*/, '')}`;
    }
  }
  return ', ';
}

function isPairLike(x: unknown): x is MapPair {
  return typeof x === 'object' && x !== null && 'key' in x && 'value' in x && !('range' in x);
}

/** A new item shaped like an existing one (`name: a` → `name: b`, quotes kept), if that one is a lone `name`. */
function itemLike(ctx: Ctx, item: ParsedNode | null | undefined, secret: string): string | undefined {
  if (!isMap(item) || item.items.length !== 1) return undefined;
  const pair = item.items[0];
  if (!isScalar(pair.key) || pair.key.value !== 'name' || !isScalar(pair.value)) return undefined;
  const style = quoteStyleOf(pair.value);
  if (pair.value.type !== 'PLAIN' && style === 'plain') return undefined;
  const start = item.range[0];
  const end = contentEnd(item);
  const src = ctx.text.slice(start, end);
  if (src.includes('\n')) return undefined;
  const [vs, ve] = pair.value.range;
  return src.slice(0, vs - start) + quoteAs(secret, style) + src.slice(ve - start);
}

function appendBlock(ctx: Ctx, list: SeqNode, secret: string, quoting: { key: QuoteStyle; value: QuoteStyle }): TextEdit[] | Refusal {
  const dashes = seqDashOffsets(list);
  const lastDash = dashes[dashes.length - 1];
  const last = list.items[list.items.length - 1] as ParsedNode | null | undefined;
  if (lastDash === undefined || !last) return refusal('unknown-shape', 'Cannot locate the imagePullSecrets items.', ctx.documentIndex);
  const dashCol = columnOf(ctx.text, lastDash);
  // Spaces after the last `-`, when its item starts on that line (an empty item `-` gives none to copy).
  const sameLine = lineStart(ctx.text, last.range[0]) === lineStart(ctx.text, lastDash);
  const gap = sameLine && last.range[0] - lastDash - 1 >= 1 ? last.range[0] - lastDash - 1 : 1;
  const body = itemLike(ctx, last, secret) ?? `${quoteAs('name', quoting.key)}: ${quoteAs(secret, quoting.value)}`;
  const line = `${pad(dashCol)}-${pad(gap)}${body}`;
  const point = lineAfter(ctx.text, contentEnd(list), dashCol);
  return [{ offset: point.offset, length: 0, text: point.needsBreak ? `${ctx.eol}${line}` : `${line}${ctx.eol}` }];
}

function appendFlow(ctx: Ctx, list: SeqNode, secret: string, quoting: { key: QuoteStyle; value: QuoteStyle }): TextEdit[] | Refusal {
  const items = list.items as (ParsedNode | null)[];
  const last = items[items.length - 1];
  const body = itemLike(ctx, last, secret) ?? `{${quoteAs('name', quoting.key)}: ${quoteAs(secret, quoting.value)}}`;
  if (last === undefined || last === null) {
    const open = flowStartOffset(list);
    if (open === undefined || flowEndOffset(list) === undefined) return refusal('unknown-shape', 'Cannot locate the imagePullSecrets brackets.', ctx.documentIndex);
    return [{ offset: open + 1, length: 0, text: body }];
  }
  if (!('range' in last) || !last.range) return refusal('unknown-shape', 'imagePullSecrets has an unexpected item.', ctx.documentIndex);
  return [{ offset: contentEnd(last), length: 0, text: `${flowSeparator(ctx, list)}${body}` }];
}
