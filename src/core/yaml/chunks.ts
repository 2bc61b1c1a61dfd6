/**
 * Documents as independent chunks of text, so an edited file can be re-parsed one document at a time.
 *
 * YAML forbids a `---` or `...` line (at column 0, followed by a space or the line end) inside any scalar
 * or collection, so those lines split a stream into documents without parsing. A chunk runs from one split
 * to the next: a `---` line opens a new chunk unless the current one has no content yet (only comments,
 * blank lines, directives: they belong to the document that follows); a `...` line closes the chunk it ends.
 * Each chunk holds zero documents (comments only) or one. Re-parsing reuses every chunk whose text is
 * unchanged, moving its offsets when an earlier edit changed its position (see {@link shiftChunk}); anything
 * that does not fit (a chunk parsing into another number of documents) falls back to one whole-stream parse.
 */
import { Composer, isCollection, isNode, isPair, LineCounter, Parser } from 'yaml';
import type { CST, ParsedNode, YAMLError } from 'yaml';
import type { YamlDocument } from './nodes';

export interface ChunkSpan {
  readonly start: number;
  readonly end: number;
  /** Whether the chunk has a document (any line other than blank, comment or directive, or a `---`). */
  readonly hasContent: boolean;
}

export interface ChunkParse {
  start: number;
  end: number;
  readonly text: string;
  readonly hasContent: boolean;
  /** Top-level CST tokens in the chunk (document, doc-end, directives, comments between documents…). */
  readonly tokens: CST.Token[];
  readonly docs: YamlDocument[];
}

const COMPOSER_OPTIONS = { keepSourceTokens: true, merge: true } as const;

function isMarker(text: string, at: number, ch: number): boolean {
  if (text.charCodeAt(at) !== ch || text.charCodeAt(at + 1) !== ch || text.charCodeAt(at + 2) !== ch) return false;
  const next = text.charCodeAt(at + 3);
  return Number.isNaN(next) || next === 32 || next === 9 || next === 10 || next === 13;
}

/** Split into chunks and count lines, in one pass. */
export function splitChunks(text: string): { chunks: ChunkSpan[]; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  const chunks: ChunkSpan[] = [];
  let chunkStart = 0;
  let hasContent = false;
  let lineStartOffset = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (lineStartOffset <= text.length) {
    const nl = text.indexOf('\n', lineStartOffset);
    const next = nl < 0 ? text.length + 1 : nl + 1;
    if (nl >= 0) lineCounter.addNewLine(nl + 1);
    const c = text.charCodeAt(lineStartOffset);
    if (c === 45 /* - */ && isMarker(text, lineStartOffset, 45)) {
      if (hasContent) {
        chunks.push({ start: chunkStart, end: lineStartOffset, hasContent });
        chunkStart = lineStartOffset;
      }
      hasContent = true;
    } else if (c === 46 /* . */ && isMarker(text, lineStartOffset, 46)) {
      const end = Math.min(next, text.length);
      chunks.push({ start: chunkStart, end, hasContent });
      chunkStart = end;
      hasContent = false;
    } else if (!hasContent) {
      let i = lineStartOffset;
      while (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) i++;
      const f = text.charCodeAt(i);
      const blank = i >= text.length || f === 10 || f === 13;
      if (!blank && f !== 35 /* # */ && !(f === 37 /* % */ && i === lineStartOffset)) hasContent = true;
    }
    lineStartOffset = next;
  }
  if (chunkStart < text.length) chunks.push({ start: chunkStart, end: text.length, hasContent });
  return { chunks, lineCounter };
}

/** One parse of the whole stream, its tokens and documents then assigned to chunks. Undefined if they do not fit. */
export function parseStream(text: string, spans: readonly ChunkSpan[]): { chunks: ChunkParse[]; streamErrors: readonly YAMLError[]; fits: boolean } {
  const parser = new Parser();
  const composer = new Composer(COMPOSER_OPTIONS);
  const chunks: ChunkParse[] = spans.map((s) => ({ start: s.start, end: s.end, text: text.slice(s.start, s.end), hasContent: s.hasContent, tokens: [], docs: [] }));
  const whole: ChunkParse = { start: 0, end: text.length, text, hasContent: true, tokens: [], docs: [] };
  let fits = chunks.length > 0 || text.length === 0;
  let k = 0;
  const docChunks: ChunkParse[] = [];
  const place = (offset: number): ChunkParse | undefined => {
    while (k < chunks.length && (chunks[k]?.end ?? 0) <= offset && k + 1 < chunks.length) k++;
    return chunks[k];
  };
  const docs: YamlDocument[] = [];
  for (const token of parser.parse(text)) {
    whole.tokens.push(token);
    const chunk = place(token.offset);
    if (chunk !== undefined && token.offset >= chunk.start && token.offset <= chunk.end) {
      chunk.tokens.push(token);
      if (token.type === 'document') docChunks.push(chunk);
    } else fits = false;
    for (const doc of composer.next(token)) docs.push(doc);
  }
  for (const doc of composer.end(false, text.length)) docs.push(doc);
  whole.docs.push(...docs);
  if (docs.length !== docChunks.length) fits = false;
  else docs.forEach((d, i) => docChunks[i]?.docs.push(d));
  if (fits && chunks.some((c) => c.docs.length !== (c.hasContent ? 1 : 0))) fits = false;
  const streamErrors = docs.length === 0 ? composer.streamInfo().errors : [];
  return fits ? { chunks, streamErrors, fits } : { chunks: [whole], streamErrors, fits };
}

/** Parse one chunk on its own, with offsets counted from the start of the whole text. */
export function parseChunk(text: string, span: ChunkSpan): ChunkParse | undefined {
  const chunkText = text.slice(span.start, span.end);
  const parser = new Parser();
  parser.offset = span.start;
  const composer = new Composer(COMPOSER_OPTIONS);
  const tokens: CST.Token[] = [];
  const docs: YamlDocument[] = [];
  for (const token of parser.parse(chunkText)) {
    tokens.push(token);
    for (const doc of composer.next(token)) docs.push(doc);
  }
  for (const doc of composer.end(false, span.end)) docs.push(doc);
  if (docs.length !== (span.hasContent ? 1 : 0)) return undefined;
  return { start: span.start, end: span.end, text: chunkText, hasContent: span.hasContent, tokens, docs };
}

function shiftToken(t: CST.Token | CST.SourceToken, delta: number, seen: Set<object>): void {
  if (seen.has(t)) return;
  seen.add(t);
  t.offset += delta;
  const list = (xs: readonly (CST.Token | CST.SourceToken)[] | undefined): void => {
    if (xs !== undefined) for (const x of xs) shiftToken(x, delta, seen);
  };
  switch (t.type) {
    case 'document':
      list(t.start);
      if (t.value !== undefined) shiftToken(t.value, delta, seen);
      list(t.end);
      break;
    case 'doc-end':
    case 'alias':
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
      list(t.end);
      break;
    case 'block-scalar':
      list(t.props);
      break;
    case 'block-map':
    case 'block-seq':
    case 'flow-collection':
      if (t.type === 'flow-collection') shiftToken(t.start, delta, seen);
      for (const item of t.items) {
        list(item.start);
        if (item.key !== undefined && item.key !== null) shiftToken(item.key, delta, seen);
        list(item.sep);
        if (item.value !== undefined) shiftToken(item.value, delta, seen);
      }
      if (t.type === 'flow-collection') list(t.end);
      break;
    default:
      break;
  }
}

function shiftNode(node: unknown, delta: number): void {
  if (isNode(node)) {
    const n = node as ParsedNode;
    if (n.range) n.range = [n.range[0] + delta, n.range[1] + delta, n.range[2] + delta];
    if (isCollection(n)) for (const item of n.items) shiftNode(item, delta);
  } else if (isPair(node)) {
    shiftNode(node.key, delta);
    shiftNode(node.value, delta);
  }
}

/**
 * Move a parsed chunk by `delta` characters, in place: CST token offsets, node ranges, document range and
 * error positions. The chunk then belongs to the new text only.
 */
export function shiftChunk(chunk: ChunkParse, delta: number): void {
  if (delta === 0) return;
  const seen = new Set<object>();
  for (const t of chunk.tokens) shiftToken(t, delta, seen);
  for (const doc of chunk.docs) {
    doc.range = [doc.range[0] + delta, doc.range[1] + delta, doc.range[2] + delta];
    shiftNode(doc.contents, delta);
    for (const e of [...doc.errors, ...doc.warnings]) e.pos = [e.pos[0] + delta, e.pos[1] + delta];
  }
  chunk.start += delta;
  chunk.end += delta;
}
