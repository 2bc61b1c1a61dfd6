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
const READ_INTO = new Set(['metadata', 'spec', 'template', 'jobTemplate', 'containers', 'initContainers', 'ephemeralContainers', 'imagePullSecrets', 'items', 'objects', 'data', 'stringData']);

/** Keys whose string value the finders read: a block scalar there (a string too) is given up on rather than skipped. */
const READ_VALUE = new Set(['kind', 'name', 'namespace', 'type', 'image', 'serviceAccountName', 'serviceAccount']);

/** Plain scalars that the YAML 1.2 core schema (with merge keys) does not resolve to a string. */
const NOT_A_STRING =
  /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|<<)?$/;

/** Characters a plain scalar (or plain key) may not start with here. */
const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`']);

const SPACE = 32;
const HASH = 35;

/** `,` `[` `]` `{` `}` */
function isFlowIndicator(code: number): boolean {
  return code === 44 || code === 91 || code === 93 || code === 123 || code === 125;
}

class GiveUp extends Error {}

function giveUp(): never {
  throw new GiveUp();
}

interface Open {
  readonly indent: number;
  readonly kind: 'map' | 'seq';
  readonly path: string;
  readonly keys: Set<string>;
  length: number;
  /** A sequence that is the value of a key at the same indentation (`key:` then `- item` below it). */
  readonly sameIndent: boolean;
}

interface Line {
  readonly text: string;
  /** Offset of the first character after the indentation. */
  readonly at: number;
  /** Offset of the line end (before `\r\n` or `\n`). */
  readonly end: number;
  readonly indent: number;
}

/** The end of a value that may be followed by spaces and a comment: the offset after the value, else give up. */
function expectLineEnd(line: Line, from: number): void {
  let i = from;
  while (i < line.end && line.text.charCodeAt(i) === SPACE) i++;
  if (i === line.end) return;
  if (line.text.charCodeAt(i) !== HASH || i === from) giveUp();
}

/** A quoted scalar on one line starting at `from`: its value and end (after the closing quote). */
function quoted(line: Line, from: number): { value: string; end: number } {
  const { text } = line;
  const q = text[from];
  if (q === '"') {
    const close = text.indexOf('"', from + 1);
    if (close < 0 || close >= line.end) giveUp();
    const value = text.slice(from + 1, close);
    if (value.includes('\\')) giveUp();
    return { value, end: close + 1 };
  }
  let value = '';
  let i = from + 1;
  for (;;) {
    const close = text.indexOf("'", i);
    if (close < 0 || close >= line.end) giveUp();
    value += text.slice(i, close);
    if (text[close + 1] === "'") {
      value += "'";
      i = close + 2;
      continue;
    }
    return { value, end: close + 1 };
  }
}

/** Whether a plain scalar may start at `i`: not at an indicator, except `-`, `?`, `:` followed by a safe character. */
function plainStart(line: Line, i: number, flow: boolean): boolean {
  const c = line.text[i] ?? '';
  if (!INDICATORS.has(c)) return c !== '';
  if (c !== '-' && c !== '?' && c !== ':') return false;
  const n = line.text.charCodeAt(i + 1);
  return i + 1 < line.end && n !== SPACE && !(flow && isFlowIndicator(n));
}

/**
 * A plain scalar from `from` to the comment or line end (in a flow collection: to `,` `]` `}` or a `: `):
 * its source and end. A `: ` inside a block value would be a nested mapping: given up on.
 */
function plain(line: Line, from: number, flow: boolean): { value: string; end: number } {
  const { text } = line;
  let end = from;
  let i = from;
  while (i < line.end) {
    const c = text.charCodeAt(i);
    if (c === HASH && text.charCodeAt(i - 1) === SPACE) break;
    if (flow && isFlowIndicator(c)) break;
    if (c === 58 /* : */) {
      const n = text.charCodeAt(i + 1);
      if (i + 1 >= line.end || n === SPACE || (flow && (n === 44 || n === 93 || n === 125))) {
        if (!flow) giveUp();
        break;
      }
    }
    i++;
    if (c !== SPACE) end = i;
  }
  return { value: text.slice(from, end), end };
}

function isString(plainValue: string): boolean {
  return !NOT_A_STRING.test(plainValue);
}

/**
 * Where a map key starts at `from`: its string and the offset after its `:` (followed by a space or the line
 * end), or undefined when the text there is not a key (a scalar item, or something to give up on).
 */
function mapKey(line: Line, from: number): { key: string; after: number } | undefined {
  const { text } = line;
  const c = text[from] ?? '';
  let key: string;
  let i: number;
  if (c === '"' || c === "'") {
    const q = quoted(line, from);
    key = q.value;
    i = q.end;
    while (text.charCodeAt(i) === SPACE && i < line.end) i++;
    if (text.charCodeAt(i) !== 58) return undefined;
  } else {
    if (!plainStart(line, from, false)) giveUp();
    i = from;
    for (;;) {
      if (i >= line.end) return undefined;
      const ch = text.charCodeAt(i);
      if (ch === HASH && text.charCodeAt(i - 1) === SPACE) return undefined;
      if (ch === 58 && (i + 1 >= line.end || text.charCodeAt(i + 1) === SPACE)) break;
      i++;
    }
    key = text.slice(from, i).trimEnd();
    if (!isString(key)) giveUp();
  }
  const n = text.charCodeAt(i + 1);
  if (i + 1 < line.end && n !== SPACE) giveUp();
  if (key === '' || key.length > 1024) giveUp();
  return { key, after: i + 1 };
}

/** A one-line flow collection from `from` (at `[` or `{`): checks it and returns the offset after it. */
function flowCollection(line: Line, from: number): number {
  const { text } = line;
  const isMap = text[from] === '{';
  const close = isMap ? '}' : ']';
  const keys = new Set<string>();
  let i = from + 1;
  const skipSpaces = (): void => {
    while (i < line.end && text.charCodeAt(i) === SPACE) i++;
  };
  const scalar = (): string => {
    const c = text[i] ?? '';
    if (c === '"' || c === "'") {
      const q = quoted(line, i);
      i = q.end;
      return q.value;
    }
    if (!plainStart(line, i, true)) giveUp();
    const p = plain(line, i, true);
    if (p.value === '') giveUp();
    i = p.end;
    return p.value;
  };
  skipSpaces();
  if (text[i] === close) return i + 1;
  for (;;) {
    skipSpaces();
    const value = scalar();
    skipSpaces();
    if (isMap) {
      if (text[i] === ':') {
        i++;
        if (text.charCodeAt(i) !== SPACE) giveUp();
        skipSpaces();
        scalar();
        skipSpaces();
      }
      if (keys.has(value)) giveUp();
      keys.add(value);
    }
    if (text[i] === close) return i + 1;
    if (text[i] !== ',') giveUp();
    i++;
    skipSpaces();
    if (text[i] === close) return i + 1;
  }
}

/**
 * Read the document between `start` and `end` (one chunk: optional `---` line, content, optional `...` line,
 * comments anywhere). Returns every node by path, or undefined when the document needs a real parse.
 */
export function scanDocument(text: string, start: number, end: number): Map<string, ScanNode> | undefined {
  try {
    return scan(text, start, end);
  } catch (e) {
    if (e instanceof GiveUp) return undefined;
    throw e;
  }
}

function scan(text: string, start: number, end: number): Map<string, ScanNode> {
  const source = text.slice(start, end);
  if (source.includes('\t') || source.includes('{{') || /\r(?!\n)/.test(source)) giveUp();
  // A byte-order mark anywhere but at the start of the text.
  if (source.lastIndexOf('\ufeff') > (start === 0 ? 0 : -1)) giveUp();
  const nodes = new Map<string, ScanNode>();
  const stack: Open[] = [];
  /** A key or `-` whose value is on the lines below, and the indentation of its map or sequence. */
  let pending: { path: string; indent: number; fromKey: boolean } | undefined;
  /** After a scalar or flow value: lines indented deeper than this would continue it. */
  let valueIndent: number | undefined;
  /** Inside a block scalar whose parent has this indentation (content indentation once known). */
  let block: { parent: number; content: number | undefined; blankMax: number } | undefined;
  let started = false;
  let ended = false;
  let root = false;

  /** The value at `from`; `key` is its key, or the key of the sequence it is an item of. */
  const value = (line: Line, from: number, path: string, parentIndent: number, fromKey: boolean, key: string): void => {
    const readInto = READ_INTO.has(key);
    const c = line.text[from] ?? '';
    if (from >= line.end || (c === '#' && line.text.charCodeAt(from - 1) === SPACE)) {
      pending = { path, indent: parentIndent, fromKey };
      return;
    }
    valueIndent = parentIndent;
    if (c === '|' || c === '>') {
      if (readInto || (fromKey && READ_VALUE.has(key))) giveUp();
      let i = from + 1;
      if (line.text[i] === '-' || line.text[i] === '+') i++;
      if (i < line.end && line.text.charCodeAt(i) !== SPACE) giveUp();
      expectLineEnd(line, i);
      nodes.set(path, { t: 'other' });
      block = { parent: parentIndent, content: undefined, blankMax: 0 };
      valueIndent = undefined;
      return;
    }
    if (c === '"' || c === "'") {
      const q = quoted(line, from);
      expectLineEnd(line, q.end);
      nodes.set(path, { t: 'scalar', value: q.value, start: from, end: q.end });
      return;
    }
    if (c === '{' || c === '[') {
      if (readInto) giveUp();
      expectLineEnd(line, flowCollection(line, from));
      nodes.set(path, { t: 'other' });
      return;
    }
    if (!plainStart(line, from, false)) giveUp();
    const p = plain(line, from, false);
    nodes.set(path, { t: 'scalar', value: isString(p.value) ? p.value : undefined, start: from, end: p.end });
  };

  /** A `key: value` at `from`, in `map` (its key already read, for the first entry of a sequence item). */
  const entry = (line: Line, from: number, map: Open, k = mapKey(line, from)): void => {
    if (k === undefined) giveUp();
    if (map.keys.has(k.key)) giveUp();
    map.keys.add(k.key);
    let v = k.after;
    while (v < line.end && line.text.charCodeAt(v) === SPACE) v++;
    value(line, v, childPath(map.path, k.key), map.indent, true, k.key);
  };

  const open = (kind: 'map' | 'seq', indent: number, path: string, sameIndent: boolean): Open => {
    const o: Open = { indent, kind, path, keys: new Set(), length: 0, sameIndent };
    stack.push(o);
    nodes.set(path, kind === 'map' ? { t: 'map' } : { t: 'seq', length: 0 });
    return o;
  };

  const seqItem = (line: Line, dash: number, seq: Open): void => {
    const item = childPath(seq.path, seq.length++);
    const node = nodes.get(seq.path);
    if (node?.t === 'seq') node.length = seq.length;
    let i = dash + 1;
    while (i < line.end && line.text.charCodeAt(i) === SPACE) i++;
    const c = line.text[i] ?? '';
    if (i >= line.end || (c === '#' && i > dash + 1)) {
      pending = { path: item, indent: seq.indent, fromKey: false };
      return;
    }
    if (i === dash + 1) giveUp();
    if (c === '-' && (i + 1 >= line.end || line.text.charCodeAt(i + 1) === SPACE)) giveUp();
    const seqKey = seq.path.slice(seq.path.lastIndexOf(PATH_SEPARATOR) + 1);
    const k = c === '{' || c === '[' || c === '|' || c === '>' ? undefined : mapKey(line, i);
    if (k !== undefined) {
      entry(line, i, open('map', i - line.at + line.indent, item, false), k);
      return;
    }
    value(line, i, item, seq.indent, false, seqKey);
  };

  let pos = start;
  if (pos === 0 && text.charCodeAt(0) === 0xfeff) pos = 1;
  while (pos < end) {
    const lineBegin = pos;
    let nl = text.indexOf('\n', pos);
    if (nl < 0 || nl >= end) nl = end;
    const lineEnd = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    let at = pos;
    while (at < lineEnd && text.charCodeAt(at) === SPACE) at++;
    const line: Line = { text, at, end: lineEnd, indent: at - pos };
    const blank = at === lineEnd;
    pos = nl + 1;

    if (block !== undefined) {
      if (blank) {
        block.blankMax = Math.max(block.blankMax, line.indent);
        continue;
      }
      if (line.indent > block.parent) {
        if (block.content === undefined) {
          // More-indented leading empty lines need an explicit indentation indicator.
          if (block.blankMax > line.indent) giveUp();
          block.content = line.indent;
        } else if (line.indent < block.content) giveUp();
        continue;
      }
      block = undefined;
    }
    if (blank) continue;
    const c = text.charCodeAt(at);
    if (c === HASH) continue;
    if (line.indent === 0 && (c === 45 || c === 46) && text.startsWith(c === 45 ? '---' : '...', at) && (at + 3 >= lineEnd || text.charCodeAt(at + 3) === SPACE)) {
      if (c === 45) {
        if (started) giveUp();
        started = true;
      } else ended = true;
      expectLineEnd(line, at + 3);
      continue;
    }
    if (ended || (line.indent === 0 && c === 37) /* % directive */) giveUp();
    started = true;
    if (valueIndent !== undefined && line.indent > valueIndent) giveUp();
    valueIndent = undefined;
    const isItem = c === 45 && (at + 1 >= lineEnd || text.charCodeAt(at + 1) === SPACE);
    // `yaml` fails on a sequence item on the byte-order mark's line (`\ufeff- a: 1`): the parse must say so.
    if (isItem && lineBegin === 1 && start === 0) giveUp();

    if (pending !== undefined) {
      const p = pending;
      pending = undefined;
      if (isItem && (line.indent > p.indent || (p.fromKey && line.indent === p.indent))) {
        seqItem(line, at, open('seq', line.indent, p.path, line.indent === p.indent));
        continue;
      }
      if (!isItem && line.indent > p.indent) {
        entry(line, at, open('map', line.indent, p.path, false));
        continue;
      }
      nodes.set(p.path, { t: 'scalar', value: undefined, start: -1, end: -1 });
    }
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      if (top.indent > line.indent || (top.kind === 'seq' && top.sameIndent && top.indent === line.indent && !isItem)) stack.pop();
      else break;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (root) giveUp();
      root = true;
      if (isItem) seqItem(line, at, open('seq', line.indent, '', false));
      else entry(line, at, open('map', line.indent, '', false));
      continue;
    }
    if (top.indent !== line.indent || (top.kind === 'seq') !== isItem) giveUp();
    if (isItem) seqItem(line, at, top);
    else entry(line, at, top);
  }
  if (pending !== undefined) nodes.set(pending.path, { t: 'scalar', value: undefined, start: -1, end: -1 });
  return nodes;
}
