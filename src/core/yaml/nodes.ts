/** Small readers over eemeli `yaml` nodes and their source offsets, shared by the finders and planners. */
import { isAlias, isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { CST, Document, Pair, ParsedNode, YAMLMap, YAMLSeq } from 'yaml';

/** One parsed document of a manifest stream (keeping its source ranges). */
export type YamlDocument = Document.Parsed<ParsedNode, true>;

export type MapNode = YAMLMap.Parsed;
export type SeqNode = YAMLSeq.Parsed;
export type MapPair = Pair<ParsedNode, ParsedNode | null>;

/** A key lookup: the pair, and the map that holds it (differs from the asked map when found through `<<`). */
export interface Found {
  readonly pair: MapPair;
  readonly owner: MapNode;
  /** True when the pair came from a `<<` merge source. */
  readonly merged: boolean;
}

function isKey(node: ParsedNode | null, key: string): boolean {
  return isScalar(node) && node.value === key;
}

/** `<<` (a Symbol value when parsed with `merge: true`, the string otherwise). */
export function isMergeKey(node: ParsedNode | null): boolean {
  return isScalar(node) && (node.value === '<<' || (typeof node.value === 'symbol' && node.source === '<<'));
}

/** The direct pair with this scalar key (quoted or plain alike). */
export function directPair(map: MapNode, key: string): MapPair | undefined {
  for (const pair of map.items) if (isKey(pair.key, key)) return pair;
  return undefined;
}

/**
 * Look a key up like Kubernetes' YAML decoder would: the map's own pair first, then its `<<` merge sources
 * in order (an alias or a sequence of aliases), aliases followed to their anchors.
 */
export function findPair(doc: YamlDocument, map: MapNode, key: string, depth = 0): Found | undefined {
  const own = directPair(map, key);
  if (own !== undefined) return { pair: own, owner: map, merged: false };
  if (depth > 8) return undefined;
  for (const pair of map.items) {
    if (!isMergeKey(pair.key)) continue;
    const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const source of sources) {
      const target = resolve(doc, source);
      if (!isMap(target)) continue;
      const found = findPair(doc, target, key, depth + 1);
      if (found !== undefined) return { ...found, merged: true };
    }
  }
  return undefined;
}

/** The value of a key (through merges and aliases), or undefined when absent. Null values come back as null. */
export function getValue(doc: YamlDocument, map: MapNode, key: string): ParsedNode | null | undefined {
  const found = findPair(doc, map, key);
  if (found === undefined) return undefined;
  return found.pair.value === null ? null : (resolve(doc, found.pair.value) ?? null);
}

/** Follow an alias to its anchored node (undefined when the anchor does not exist). Other nodes pass through. */
export function resolve(doc: YamlDocument, node: ParsedNode | null | undefined): ParsedNode | undefined {
  if (node === null || node === undefined) return undefined;
  if (!isAlias(node)) return node;
  const target = node.resolve(doc);
  return (target as ParsedNode | undefined) ?? undefined;
}

/** A scalar's string value (numbers and booleans are not names in Kubernetes; they come back undefined). */
export function stringOf(node: ParsedNode | null | undefined): string | undefined {
  return isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
}

/** Walk a path of keys from a map, following aliases and merges; undefined when a step is missing. */
export function mapPath(doc: YamlDocument, map: MapNode, path: readonly string[]): ParsedNode | null | undefined {
  let node: ParsedNode | null | undefined = map;
  for (const key of path) {
    if (!isMap(node)) return undefined;
    node = getValue(doc, node, key);
  }
  return node;
}

/** True for a null scalar with no source at all (`key:` with nothing after it). */
export function isEmptyValue(node: ParsedNode | null): boolean {
  return node === null || (isScalar(node) && node.value === null && node.range[0] === node.range[1]);
}

/**
 * Offset just after the last character of a node's content: trailing comments and blank lines excluded
 * (the `range[2]` of a block collection includes them; the last item's own end does not).
 */
export function contentEnd(node: ParsedNode): number {
  if (isMap(node) || isSeq(node)) {
    if (node.flow === true || node.items.length === 0) return node.range[1];
    const last = node.items[node.items.length - 1];
    if (isMap(node)) {
      const pair = last as MapPair;
      const keyEnd = pair.key !== null ? contentEnd(pair.key) : node.range[0];
      if (pair.value === null) return keyEnd;
      return Math.max(keyEnd, contentEnd(pair.value));
    }
    return last === undefined || last === null ? node.range[1] : contentEnd(last as ParsedNode);
  }
  return node.range[1];
}

/**
 * The offset where the line holding `offset` starts. A leading U+FEFF is not part of line 1: when the text
 * starts with a BOM, line 1 starts at offset 1 (so columns on that line match what the YAML parser sees).
 */
export function lineStart(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return start === 0 && offset > 0 && text.charCodeAt(0) === 0xfeff ? 1 : start;
}

export function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

export interface LinePoint {
  /** Where new lines go. */
  readonly offset: number;
  /** True when that point is the end of a text without a final line break (a break must come first). */
  readonly needsBreak: boolean;
}

/**
 * The start of the line after the one where `end` lies (so an inline comment after a value stays on its
 * line), then past any comment lines indented deeper than `column` (they belong to the value above, e.g. a
 * commented-out list item). Comment lines at `column` or shallower stay below the insertion point: they
 * are the parent's own trailing comments or introduce what follows.
 */
export function lineAfter(text: string, end: number, column: number): LinePoint {
  let pos: number;
  if (end > 0 && text.charCodeAt(end - 1) === 10) pos = end;
  else {
    const nl = text.indexOf('\n', end);
    if (nl < 0) return { offset: text.length, needsBreak: true };
    pos = nl + 1;
  }
  let best = pos;
  let scan = pos;
  while (scan < text.length) {
    const nl = text.indexOf('\n', scan);
    const next = nl < 0 ? text.length : nl + 1;
    let i = scan;
    while (text.charCodeAt(i) === 32) i++;
    const c = text.charCodeAt(i);
    if (i >= text.length || c === 10 || c === 13) {
      scan = next;
      continue;
    }
    if (c === 35 /* # */ && i - scan > column) {
      best = next;
      scan = next;
      continue;
    }
    break;
  }
  return { offset: best, needsBreak: best === text.length && text.length > 0 && text.charCodeAt(text.length - 1) !== 10 };
}

/** The `-` indicator tokens of a block sequence (from its CST token). */
export function seqDashOffsets(seq: SeqNode): number[] {
  const token = seq.srcToken as CST.Token | undefined;
  if (token?.type !== 'block-seq') return [];
  const out: number[] = [];
  for (const item of token.items) {
    const dash = item.start.find((t) => t.type === 'seq-item-ind');
    if (dash !== undefined) out.push(dash.offset);
  }
  return out;
}

/** The closing `]` / `}` of a flow collection (from its CST token). */
export function flowEndOffset(node: MapNode | SeqNode): number | undefined {
  const token = node.srcToken as CST.Token | undefined;
  if (token?.type !== 'flow-collection') return undefined;
  const end = token.end.find((t) => t.type === 'flow-map-end' || t.type === 'flow-seq-end');
  return end?.offset;
}

/** The opening `[` / `{` of a flow collection. */
export function flowStartOffset(node: MapNode | SeqNode): number | undefined {
  const token = node.srcToken as CST.Token | undefined;
  return token?.type === 'flow-collection' ? token.start.offset : undefined;
}

export type QuoteStyle = 'plain' | 'double' | 'single';

export function quoteStyleOf(node: ParsedNode | null): QuoteStyle {
  if (!isScalar(node)) return 'plain';
  if (node.type === Scalar.QUOTE_DOUBLE) return 'double';
  if (node.type === Scalar.QUOTE_SINGLE) return 'single';
  return 'plain';
}

/** Render a name that needs no escaping (a DNS-1123 name or a Kubernetes key) in a quote style. */
export function quoteAs(value: string, style: QuoteStyle): string {
  if (style === 'double') return `"${value}"`;
  if (style === 'single') return `'${value}'`;
  return value;
}
