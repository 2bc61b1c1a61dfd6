/**
 * A quick reader for the usual shape of a Kubernetes manifest document: block mappings and sequences, with
 * plain or one-line quoted scalars, one-line flow collections where nothing is read from them, block scalars
 * skipped. It records every scalar and collection by its path, without building YAML nodes, so that
 * diagnostics can read a large file in a fraction of a full parse (test/bench/yaml.ts).
 *
 * It reads one document and gives up (returns undefined) on anything else: anchors, aliases, tags, merge keys,
 * multi-line or escaped scalars, complex keys, directives, tabs, lone CRs, template directives, duplicate keys, a line
 * that is not where the indentation says it should be. The caller then parses the document with `yaml`, so
 * giving up is always safe. What it does accept reads the same as the parse: test/unit/yaml/scan.test.ts
 * compares both on every golden file, the corpus and generated layouts.
 */

import { BYTE_ORDER_MARK, CR, DASH, DOT, expectLineEnd, flowCollection, giveUp, GiveUp, HASH, isString, mapKey, PERCENT, plain, plainStart, quoted, SPACE, type Line } from './scanLexer';
import { CONTAINER_FIELDS, POD_SPEC_PATHS } from './workloads';

export type ScanNode =
  | { readonly t: 'map' }
  | { readonly t: 'seq'; length: number }
  /** `value` is undefined when the scalar is not a string (null, number, boolean) in the YAML 1.2 core schema. */
  | { readonly t: 'scalar'; readonly value: string | undefined; readonly start: number; readonly end: number }
  /** A flow collection or a block scalar: nothing is read from it. */
  | { readonly t: 'other' };

/** Path segments (keys, and item indexes of sequences) joined by this. The root's path is ''. */
export const PATH_SEPARATOR = '\u0001';

export function childPath(parent: string, segment: string | number): string {
  return parent === '' ? String(segment) : `${parent}${PATH_SEPARATOR}${segment}`;
}

/** Keys whose value the finders read into: a flow collection there is given up on rather than skipped. */
const READ_INTO = new Set([...Object.values(POD_SPEC_PATHS).flat(), ...CONTAINER_FIELDS, 'metadata', 'imagePullSecrets', 'items', 'objects', 'data', 'stringData']);

/** Keys whose string value the finders read: a block scalar there (a string too) is given up on rather than skipped. */
const READ_VALUE = new Set(['kind', 'name', 'namespace', 'type', 'image', 'serviceAccountName', 'serviceAccount']);

interface Open {
  readonly indent: number;
  readonly kind: 'map' | 'seq';
  readonly path: string;
  readonly keys: Set<string>;
  length: number;
  /** A sequence that is the value of a key at the same indentation (`key:` then `- item` below it). */
  readonly sameIndent: boolean;
}

/**
 * Read the document between `start` and `end` (one chunk: optional `---` line, content, optional `...` line,
 * comments anywhere). Returns every node by path, or undefined when the document needs a real parse.
 */
export function scanDocument(text: string, start: number, end: number): Map<string, ScanNode> | undefined {
  try {
    return new DocumentScanner(text, start, end).scan();
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  }
}

/** One document's scan: the open collections, and what the lines read so far expect of the next one. */
class DocumentScanner {
  private readonly nodes = new Map<string, ScanNode>();
  private readonly stack: Open[] = [];
  /** A key or `-` whose value is on the lines below, and the indentation of its map or sequence. */
  private pending: { path: string; indent: number; fromKey: boolean } | undefined;
  /** After a scalar or flow value: lines indented deeper than this would continue it. */
  private valueIndent: number | undefined;
  /** Inside a block scalar whose parent has this indentation (content indentation once known). */
  private block: { parent: number; content: number | undefined; blankMax: number } | undefined;
  private started = false;
  private ended = false;
  private root = false;

  constructor(
    private readonly text: string,
    private readonly start: number,
    private readonly end: number,
  ) {}

  scan(): Map<string, ScanNode> {
    const { text, start, end } = this;
    const source = text.slice(start, end);
    if (source.includes('\t') || source.includes('{{') || /\r(?!\n)/.test(source)) giveUp();
    // A byte-order mark anywhere but at the start of the text.
    if (source.lastIndexOf('\ufeff') > (start === 0 ? 0 : -1)) giveUp();
    let pos = start;
    if (pos === 0 && text.charCodeAt(0) === BYTE_ORDER_MARK) pos = 1;
    while (pos < end) {
      const lineBegin = pos;
      let nl = text.indexOf('\n', pos);
      if (nl < 0 || nl >= end) nl = end;
      const lineEnd = nl > pos && text.charCodeAt(nl - 1) === CR ? nl - 1 : nl;
      let at = pos;
      while (at < lineEnd && text.charCodeAt(at) === SPACE) at++;
      pos = nl + 1;
      this.line({ text, at, end: lineEnd, indent: at - lineBegin }, lineBegin);
    }
    if (this.pending !== undefined) this.nodes.set(this.pending.path, { t: 'scalar', value: undefined, start: -1, end: -1 });
    return this.nodes;
  }

  /** One line of the document, starting at `lineBegin`. */
  private line(line: Line, lineBegin: number): void {
    const { text } = this;
    const { at } = line;
    const blank = at === line.end;
    if (this.blockScalarLine(line, blank) || blank) return;
    const c = text.charCodeAt(at);
    if (c === HASH || this.documentMarker(line, c)) return;
    if (this.ended || (line.indent === 0 && c === PERCENT) /* directive */) giveUp();
    this.started = true;
    if (this.valueIndent !== undefined && line.indent > this.valueIndent) giveUp();
    this.valueIndent = undefined;
    const isItem = c === DASH && (at + 1 >= line.end || text.charCodeAt(at + 1) === SPACE);
    // `yaml` fails on a sequence item on the byte-order mark's line (`\ufeff- a: 1`): the parse must say so.
    if (isItem && lineBegin === 1 && this.start === 0) giveUp();

    if (this.pending !== undefined) {
      const p = this.pending;
      this.pending = undefined;
      if (isItem && (line.indent > p.indent || (p.fromKey && line.indent === p.indent))) {
        this.seqItem(line, at, this.open('seq', line.indent, p.path, line.indent === p.indent));
        return;
      }
      if (!isItem && line.indent > p.indent) {
        this.entry(line, at, this.open('map', line.indent, p.path, false));
        return;
      }
      this.nodes.set(p.path, { t: 'scalar', value: undefined, start: -1, end: -1 });
    }
    const top = this.popTo(line.indent, isItem);
    if (top === undefined) {
      if (this.root) giveUp();
      this.root = true;
      if (isItem) this.seqItem(line, at, this.open('seq', line.indent, '', false));
      else this.entry(line, at, this.open('map', line.indent, '', false));
      return;
    }
    if (top.indent !== line.indent || (top.kind === 'seq') !== isItem) giveUp();
    if (isItem) this.seqItem(line, at, top);
    else this.entry(line, at, top);
  }

  /** Inside a block scalar: whether the line belongs to it (and is skipped); a line that does not ends it. */
  private blockScalarLine(line: Line, blank: boolean): boolean {
    const block = this.block;
    if (block === undefined) return false;
    if (blank) {
      block.blankMax = Math.max(block.blankMax, line.indent);
      return true;
    }
    if (line.indent > block.parent) {
      if (block.content === undefined) {
        // More-indented leading empty lines need an explicit indentation indicator.
        if (block.blankMax > line.indent) giveUp();
        block.content = line.indent;
      } else if (line.indent < block.content) giveUp();
      return true;
    }
    this.block = undefined;
    return false;
  }

  /** A `---` or `...` line (`c`: its first character): whether it was one. A second `---` gives up. */
  private documentMarker(line: Line, c: number): boolean {
    const { text } = this;
    const { at } = line;
    if (line.indent !== 0 || (c !== DASH && c !== DOT) || !text.startsWith(c === DASH ? '---' : '...', at)) return false;
    if (at + 3 < line.end && text.charCodeAt(at + 3) !== SPACE) return false;
    if (c === DASH) {
      if (this.started) giveUp();
      this.started = true;
    } else this.ended = true;
    expectLineEnd(line, at + 3);
    return true;
  }

  /** Closes the collections a line at `indent` is not inside of; the innermost one left open, if any. */
  private popTo(indent: number, isItem: boolean): Open | undefined {
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (top === undefined) return undefined;
      if (top.indent > indent || (top.kind === 'seq' && top.sameIndent && top.indent === indent && !isItem)) this.stack.pop();
      else return top;
    }
  }

  /** The value at `from`; `key` is its key, or the key of the sequence it is an item of. */
  private value(line: Line, from: number, path: string, parentIndent: number, fromKey: boolean, key: string): void {
    const readInto = READ_INTO.has(key);
    const c = line.text[from] ?? '';
    if (from >= line.end || (c === '#' && line.text.charCodeAt(from - 1) === SPACE)) {
      this.pending = { path, indent: parentIndent, fromKey };
      return;
    }
    this.valueIndent = parentIndent;
    if (c === '|' || c === '>') {
      if (readInto || (fromKey && READ_VALUE.has(key))) giveUp();
      let i = from + 1;
      if (line.text[i] === '-' || line.text[i] === '+') i++;
      if (i < line.end && line.text.charCodeAt(i) !== SPACE) giveUp();
      expectLineEnd(line, i);
      this.nodes.set(path, { t: 'other' });
      this.block = { parent: parentIndent, content: undefined, blankMax: 0 };
      this.valueIndent = undefined;
      return;
    }
    if (c === '"' || c === "'") {
      const q = quoted(line, from);
      expectLineEnd(line, q.end);
      this.nodes.set(path, { t: 'scalar', value: q.value, start: from, end: q.end });
      return;
    }
    if (c === '{' || c === '[') {
      if (readInto) giveUp();
      expectLineEnd(line, flowCollection(line, from));
      this.nodes.set(path, { t: 'other' });
      return;
    }
    if (!plainStart(line, from, false)) giveUp();
    const p = plain(line, from, false);
    this.nodes.set(path, { t: 'scalar', value: isString(p.value) ? p.value : undefined, start: from, end: p.end });
  }

  /** A `key: value` at `from`, in `map` (its key already read, for the first entry of a sequence item). */
  private entry(line: Line, from: number, map: Open, k = mapKey(line, from)): void {
    if (k === undefined) giveUp();
    if (map.keys.has(k.key)) giveUp();
    map.keys.add(k.key);
    let v = k.after;
    while (v < line.end && line.text.charCodeAt(v) === SPACE) v++;
    this.value(line, v, childPath(map.path, k.key), map.indent, true, k.key);
  }

  private open(kind: 'map' | 'seq', indent: number, path: string, sameIndent: boolean): Open {
    const o: Open = { indent, kind, path, keys: new Set(), length: 0, sameIndent };
    this.stack.push(o);
    this.nodes.set(path, kind === 'map' ? { t: 'map' } : { t: 'seq', length: 0 });
    return o;
  }

  private seqItem(line: Line, dash: number, seq: Open): void {
    const item = childPath(seq.path, seq.length++);
    const node = this.nodes.get(seq.path);
    if (node?.t === 'seq') node.length = seq.length;
    let i = dash + 1;
    while (i < line.end && line.text.charCodeAt(i) === SPACE) i++;
    const c = line.text[i] ?? '';
    if (i >= line.end || (c === '#' && i > dash + 1)) {
      this.pending = { path: item, indent: seq.indent, fromKey: false };
      return;
    }
    if (i === dash + 1) giveUp();
    if (c === '-' && (i + 1 >= line.end || line.text.charCodeAt(i + 1) === SPACE)) giveUp();
    const seqKey = seq.path.slice(seq.path.lastIndexOf(PATH_SEPARATOR) + 1);
    const k = c === '{' || c === '[' || c === '|' || c === '>' ? undefined : mapKey(line, i);
    if (k !== undefined) {
      this.entry(line, i, this.open('map', i - line.at + line.indent, item, false), k);
      return;
    }
    this.value(line, i, item, seq.indent, false, seqKey);
  }
}
