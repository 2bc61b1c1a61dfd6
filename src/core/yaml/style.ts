/**
 * The layout a document already uses, so inserted lines look like their neighbours: indentation width,
 * whether a block sequence is indented under its key (`key:\n  - a`) or not (`key:\n- a`, kubectl's style),
 * and the spaces after `-`. Evidence is taken from the nearest place first: the map being edited, then its
 * document, then the whole file; defaults are 2 / indented / one space.
 */
import { isMap, isScalar, isSeq, visit } from 'yaml';
import type { ParsedNode } from 'yaml';
import { columnOf, lineStart, seqDashOffsets } from './nodes';
import type { MapNode, MapPair } from './nodes';
import type { ParsedManifests } from './parse';

export interface BlockStyle {
  /** Spaces per nesting level. */
  readonly indent: number;
  /** Column of `-` minus column of the sequence's key (0 = not indented). */
  readonly seqOffset: number;
  /** Spaces between `-` and the item. */
  readonly dashGap: number;
}

interface Evidence {
  indent: Map<number, number>;
  seqOffset: Map<number, number>;
  dashGap: Map<number, number>;
}

function emptyEvidence(): Evidence {
  return { indent: new Map(), seqOffset: new Map(), dashGap: new Map() };
}

function vote(m: Map<number, number>, v: number): void {
  m.set(v, (m.get(v) ?? 0) + 1);
}

function winner(m: Map<number, number>): number | undefined {
  let best: number | undefined;
  let count = 0;
  for (const [v, c] of m) {
    if (c > count) {
      best = v;
      count = c;
    }
  }
  return best;
}

/** Record what one pair says about the layout (block values starting on a later line only). */
function observePair(text: string, pair: MapPair, ev: Evidence): void {
  const key = pair.key;
  const value = pair.value;
  if (!isScalar(key) || value === null) return;
  const keyCol = columnOf(text, key.range[0]);
  const keyLine = lineStart(text, key.range[0]);
  if (isSeq(value) && value.flow !== true) {
    const dashes = seqDashOffsets(value);
    const dash = dashes[0];
    if (dash === undefined || lineStart(text, dash) === keyLine) return;
    vote(ev.seqOffset, columnOf(text, dash) - keyCol);
    const first = value.items[0] as ParsedNode | null | undefined;
    if (first && first.range[0] - dash - 1 >= 1 && lineStart(text, first.range[0]) === lineStart(text, dash)) {
      vote(ev.dashGap, first.range[0] - dash - 1);
    }
  } else if (isMap(value) && value.flow !== true) {
    const firstKey = (value.items[0] as MapPair | undefined)?.key;
    if (!firstKey || lineStart(text, firstKey.range[0]) === keyLine) return;
    const delta = columnOf(text, firstKey.range[0]) - keyCol;
    if (delta > 0) vote(ev.indent, delta);
  }
}

function observeNode(text: string, node: ParsedNode | null | undefined, ev: Evidence): void {
  if (!node) return;
  visit(node, {
    Pair(_k, pair) {
      observePair(text, pair as MapPair, ev);
    },
  });
}

function fromEvidence(ev: Evidence): Partial<BlockStyle> {
  return { indent: winner(ev.indent), seqOffset: winner(ev.seqOffset), dashGap: winner(ev.dashGap) };
}

function documentStyle(parsed: ParsedManifests, documentIndex: number): Partial<BlockStyle> {
  return parsed.cached(`style:${documentIndex}`, () => {
    const ev = emptyEvidence();
    const d = parsed.document(documentIndex);
    if (d !== undefined) observeNode(parsed.text, d.doc.contents, ev);
    return fromEvidence(ev);
  });
}

function fileStyle(parsed: ParsedManifests): Partial<BlockStyle> {
  return parsed.cached('style:file', () => {
    const ev = emptyEvidence();
    for (const d of parsed.documents) observeNode(parsed.text, d.doc.contents, ev);
    return fromEvidence(ev);
  });
}

/** The style to use for lines inserted in `map` (a block map of document `documentIndex`). */
export function blockStyleFor(parsed: ParsedManifests, documentIndex: number, map: MapNode | undefined): BlockStyle {
  const local = emptyEvidence();
  if (map !== undefined) for (const pair of map.items) observePair(parsed.text, pair, local);
  const near = fromEvidence(local);
  let indent = near.indent;
  let seqOffset = near.seqOffset;
  let dashGap = near.dashGap;
  if (indent === undefined || seqOffset === undefined || dashGap === undefined) {
    const doc = documentStyle(parsed, documentIndex);
    indent ??= doc.indent;
    seqOffset ??= doc.seqOffset;
    dashGap ??= doc.dashGap;
  }
  if (indent === undefined || seqOffset === undefined || dashGap === undefined) {
    const file = fileStyle(parsed);
    indent ??= file.indent;
    seqOffset ??= file.seqOffset;
    dashGap ??= file.dashGap;
  }
  indent ??= 2;
  return { indent, seqOffset: seqOffset ?? indent, dashGap: dashGap ?? 1 };
}
