/**
 * Parse a manifest file once and keep what every planner needs: the composed documents (nodes linked to
 * their CST tokens, `keepSourceTokens`), the CST document tokens (for `---` / `...` / directive positions),
 * a LineCounter, the file's line ending and BOM. Planners, finders and diagnostics all take this object and
 * memoise their findings on it, so a code-action or diagnostics pass over a large file costs one parse.
 * A later version of the same file can be parsed from this one, re-parsing only the documents whose text
 * changed (chunks.ts, parseCache.ts); test/bench/yaml.ts measures both.
 */
import { isMap, isScalar } from 'yaml';
import type { CST, Document, LineCounter, ParsedNode, YAMLError } from 'yaml';
import { parseChunk, parseStream, shiftChunk, splitChunks } from './chunks';
import type { ChunkParse } from './chunks';
import type { TextRange } from './edits';
import { lineStart } from './nodes';

export type YamlDocument = Document.Parsed<ParsedNode, true>;

export interface ManifestDocument {
  /** Position in the stream, from 0. */
  readonly index: number;
  readonly doc: YamlDocument;
  /** The CST token of this document (undefined only for an implicit document without a token). */
  readonly cst: CST.Document | undefined;
  /** From the `---` marker (or the first content) to the end of the document, `...` line included. */
  readonly range: TextRange;
  /** True when the document is closed by a `...` marker. */
  readonly hasEndMarker: boolean;
  /**
   * Where a document inserted after this one goes: just after the `...` line when there is one, else the
   * start of the line holding the next document's first token (`---` or a directive), else the end of text.
   * Comments between two documents therefore stay above the inserted one.
   */
  readonly insertionOffset: number;
  /** Offset of the document's first token: its first `%` directive, else its `---` or first content. */
  readonly regionStart: number;
  /** True when the document opens with `---` with no directive before it. */
  readonly opensWithMarker: boolean;
  /** Top-level `apiVersion`, `kind`, `metadata.name`, `metadata.namespace` when they are plain strings. */
  readonly apiVersion: string | undefined;
  readonly kind: string | undefined;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  readonly errors: readonly YAMLError[];
}

export interface Position {
  /** 0-based line. */
  readonly line: number;
  /** 0-based UTF-16 column. */
  readonly character: number;
}

export class ParsedManifests {
  private readonly memo = new Map<string, unknown>();

  constructor(
    readonly text: string,
    readonly documents: readonly ManifestDocument[],
    readonly lineCounter: LineCounter,
    /** Errors that belong to no document (e.g. directives with no document after them). */
    readonly streamErrors: readonly YAMLError[],
    /** The per-document chunks, for re-parsing a later version (chunks.ts). */
    readonly chunks: readonly ChunkParse[] = [],
    /** False when the chunks did not line up with the documents (then a later parse starts from scratch). */
    readonly reusable = false,
  ) {}

  /** The file's line ending, from its first line break (LF when there is none). */
  get eol(): '\n' | '\r\n' {
    return this.cached('eol', () => {
      const nl = this.text.indexOf('\n');
      return nl > 0 && this.text.charCodeAt(nl - 1) === 13 ? '\r\n' : '\n';
    });
  }

  /** True when the text starts with U+FEFF (kept as is: every offset counts it). */
  get hasBom(): boolean {
    return this.text.charCodeAt(0) === 0xfeff;
  }

  /** 0-based line and UTF-16 column of an offset. */
  positionAt(offset: number): Position {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line: line - 1, character: col - 1 };
  }

  /** The document whose range holds the offset (the last one at a boundary), or undefined. */
  documentAt(offset: number): ManifestDocument | undefined {
    let found: ManifestDocument | undefined;
    for (const d of this.documents) {
      if (d.range.start <= offset && offset <= d.range.end) found = d;
      if (d.range.start > offset) break;
    }
    return found;
  }

  /** Per-parse memo so that finders run once however many planners ask. */
  cached<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = compute();
    this.memo.set(key, value);
    return value;
  }
}

/**
 * Parse every document of a manifest file (YAML 1.2 core schema, `<<` merge keys honoured as Kubernetes does).
 *
 * With `previous` (the parse of an earlier version of the same file), documents whose text is unchanged are
 * reused instead of parsed again, their offsets moved when an edit before them changed their position: an
 * edit in one document of a 500-document file re-parses one document. `previous` is consumed: its documents
 * may now carry offsets of the new text, so it must not be used again (ManifestParseCache does this for you).
 */
export function parseManifests(text: string, previous?: ParsedManifests): ParsedManifests {
  const { chunks: spans, lineCounter } = splitChunks(text);
  let chunks: ChunkParse[] | undefined;
  let streamErrors: readonly YAMLError[] = [];
  let reusable = true;
  if (previous !== undefined && previous.reusable) {
    const pool = new Map<string, ChunkParse[]>();
    for (const c of previous.chunks) {
      const list = pool.get(c.text);
      if (list === undefined) pool.set(c.text, [c]);
      else list.push(c);
    }
    chunks = [];
    for (const span of spans) {
      const candidates = pool.get(text.slice(span.start, span.end));
      const reused = candidates?.shift();
      if (reused !== undefined && reused.hasContent === span.hasContent) {
        shiftChunk(reused, span.start - reused.start);
        chunks.push(reused);
        continue;
      }
      const fresh = parseChunk(text, span);
      if (fresh === undefined) {
        chunks = undefined;
        break;
      }
      chunks.push(fresh);
    }
  }
  if (chunks === undefined) {
    const stream = parseStream(text, spans);
    chunks = stream.chunks;
    streamErrors = stream.streamErrors;
    reusable = stream.fits;
  }
  return new ParsedManifests(text, buildDocuments(text, chunks), lineCounter, streamErrors, chunks, reusable);
}

function buildDocuments(text: string, chunks: readonly ChunkParse[]): ManifestDocument[] {
  const docs: YamlDocument[] = [];
  const docTokens: CST.Document[] = [];
  /** For each document token, the `doc-end` token that closes it, if any. */
  const docEnds = new Map<number, CST.DocumentEnd>();
  /** Offsets of the first token of each document's region (directives come before `---`). */
  const regionStarts: number[] = [];
  let pendingRegionStart: number | undefined;
  for (const chunk of chunks) {
    docs.push(...chunk.docs);
    for (const token of chunk.tokens) {
      if (token.type === 'directive') pendingRegionStart ??= token.offset;
      else if (token.type === 'document') {
        regionStarts.push(pendingRegionStart ?? token.offset);
        pendingRegionStart = undefined;
        docTokens.push(token);
      } else if (token.type === 'doc-end' && docTokens.length > 0) docEnds.set(docTokens.length - 1, token);
    }
  }
  const tokensMatch = docTokens.length === docs.length;
  return docs.map((doc, index) => {
    const cst = tokensMatch ? docTokens[index] : undefined;
    const end = tokensMatch ? docEnds.get(index) : undefined;
    let insertionOffset: number;
    if (end !== undefined) {
      const last = end.end?.[end.end.length - 1];
      insertionOffset = last !== undefined ? last.offset + last.source.length : end.offset + end.source.length;
    } else if (tokensMatch && index + 1 < regionStarts.length) {
      insertionOffset = lineStart(text, regionStarts[index + 1] ?? text.length);
    } else {
      insertionOffset = tokensMatch ? text.length : doc.range[2];
    }
    const start = cst?.offset ?? doc.range[0];
    const regionStart = tokensMatch ? (regionStarts[index] ?? start) : start;
    const header = readHeader(doc);
    return {
      index,
      doc,
      cst,
      range: { start, end: Math.max(doc.range[2], end !== undefined ? insertionOffset : doc.range[2]) },
      hasEndMarker: end !== undefined,
      insertionOffset,
      regionStart,
      opensWithMarker: regionStart === start && cst?.start.some((t) => t.type === 'doc-start') === true,
      ...header,
      errors: doc.errors,
    };
  });
}

function readHeader(doc: YamlDocument): Pick<ManifestDocument, 'apiVersion' | 'kind' | 'name' | 'namespace'> {
  const root = doc.contents;
  if (!isMap(root)) return { apiVersion: undefined, kind: undefined, name: undefined, namespace: undefined };
  let apiVersion: string | undefined;
  let kind: string | undefined;
  let name: string | undefined;
  let namespace: string | undefined;
  for (const pair of root.items) {
    if (!isScalar(pair.key)) continue;
    const key = pair.key.value;
    if (key === 'apiVersion' && isScalar(pair.value) && typeof pair.value.value === 'string') apiVersion = pair.value.value;
    else if (key === 'kind' && isScalar(pair.value) && typeof pair.value.value === 'string') kind = pair.value.value;
    else if (key === 'metadata' && isMap(pair.value)) {
      for (const m of pair.value.items) {
        if (!isScalar(m.key) || !isScalar(m.value)) continue;
        const v = m.value.value;
        if (m.key.value === 'name' && typeof v === 'string') name = v;
        else if (m.key.value === 'namespace' && typeof v === 'string') namespace = v;
      }
    }
  }
  return { apiVersion, kind, name, namespace };
}
