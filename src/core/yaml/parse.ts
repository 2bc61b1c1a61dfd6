/**
 * Parse a manifest file and keep what every planner needs: the composed documents (nodes linked to their CST
 * tokens, `keepSourceTokens`), the CST document tokens (for `---` / `...` / directive positions), a LineCounter,
 * the file's line ending and BOM. Planners, finders and diagnostics all take this object and memoise their
 * findings on it. Documents are parsed one at a time when first asked for, so a code action parses the
 * document under the cursor and its neighbours, not the file; diagnostics read most documents with the quick
 * reader (facts.ts, scan.ts) and parse the rest. A later version of the same file can be parsed from this one,
 * reusing every parsed document whose text did not change (chunks.ts, parseCache.ts). test/bench/yaml.ts
 * measures all of it.
 */
import { isMap, isScalar } from 'yaml';
import type { CST, LineCounter, YAMLError } from 'yaml';
import { parseChunk, parseStream, shiftChunk, splitChunks } from './chunks';
import type { ChunkParse, ChunkSpan } from './chunks';
import type { TextRange } from './edits';
import { lineStart, type YamlDocument } from './nodes';

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

interface Slot {
  readonly span: ChunkSpan;
  /** Parsed on demand (or reused from the previous version). */
  parse: ChunkParse | undefined;
}

interface WholeParse {
  readonly documents: readonly ManifestDocument[];
  readonly streamErrors: readonly YAMLError[];
  readonly chunks: readonly ChunkParse[];
  readonly reusable: boolean;
}

/**
 * A manifest file, parsed one document at a time and only as far as asked: `documentAt` and `document` parse
 * the chunks they need, `documents` parses them all. Chunks are cut by `---` / `...` lines (chunks.ts); when
 * one does not parse into exactly the document it should, the whole stream is parsed in one go instead.
 */
export class ParsedManifests {
  private readonly memo = new Map<string, unknown>();
  private whole: WholeParse | undefined;
  private readonly built = new Map<number, ManifestDocument>();
  /** Slot index of each document (slots with content), in order. */
  private readonly docSlots: number[] = [];

  constructor(
    readonly text: string,
    readonly lineCounter: LineCounter,
    private readonly slots: readonly Slot[],
    /** Parse the whole stream in one go whatever the chunks (else only once they do not line up). */
    private atOnce = false,
  ) {
    slots.forEach((s, i) => {
      if (s.span.hasContent) this.docSlots.push(i);
    });
    // A stream without documents still has a stream-level parse (its directives' errors); a `...` with no
    // document before it opens an empty document in a stream parse, which no chunk holds.
    if (this.docSlots.length === 0 || slots.some((s) => !s.span.hasContent && /^\.\.\.(?:[ \t\r]|$)/m.test(text.slice(s.span.start, s.span.end)))) this.atOnce = true;
  }

  /** Every document, all parsed. */
  get documents(): readonly ManifestDocument[] {
    return this.all().documents;
  }

  /** Errors that belong to no document (e.g. directives with no document after them). */
  get streamErrors(): readonly YAMLError[] {
    return this.all().streamErrors;
  }

  /** False when the chunks did not line up with the documents (then a later parse starts from scratch). */
  get reusable(): boolean {
    return this.atOnce ? this.all().reusable : true;
  }

  /** Number of documents, without parsing them (slots with content; after a whole-stream parse, its count). */
  get documentCount(): number {
    return this.atOnce ? this.all().documents.length : this.docSlots.length;
  }

  /** False once the whole stream had to be parsed in one go (the chunks did not line up with the documents). */
  get lazy(): boolean {
    return !this.atOnce;
  }

  /** The text span of document `index` while it is not parsed yet (a reader may not need the parse), else undefined. */
  unparsedSpan(index: number): TextRange | undefined {
    const slot = this.atOnce ? undefined : this.slots[this.docSlots[index] ?? -1];
    return slot === undefined || slot.parse !== undefined ? undefined : { start: slot.span.start, end: slot.span.end };
  }

  /** Document `index`, parsing only the chunks it needs. */
  document(index: number): ManifestDocument | undefined {
    if (!this.atOnce) {
      const slot = this.docSlots[index];
      const d = slot === undefined ? undefined : this.slotDocument(slot, index);
      if (!this.atOnce) return d;
    }
    return this.all().documents[index];
  }

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
    let candidates: readonly (ManifestDocument | undefined)[] = [];
    if (!this.atOnce && this.whole === undefined) {
      // Only the documents of the chunk holding the offset and of its neighbours can hold it.
      let k = 0;
      while (k + 1 < this.docSlots.length && (this.slots[this.docSlots[k + 1] ?? 0]?.span.start ?? 0) <= offset) k++;
      candidates = [k - 1, k, k + 1].map((i) => (i >= 0 && i < this.docSlots.length ? this.document(i) : undefined));
    }
    if (this.atOnce || this.whole !== undefined) candidates = this.all().documents;
    let found: ManifestDocument | undefined;
    for (const d of candidates) {
      if (d === undefined) continue;
      if (d.range.start <= offset && offset <= d.range.end) found = d;
      if (d.range.start > offset) break;
    }
    return found;
  }

  /** The chunks of this parse, for re-parsing a later version: only those parsed so far, and none after a failure. */
  reusableChunks(): readonly ChunkParse[] {
    if (this.atOnce) return this.whole?.reusable === true ? this.whole.chunks : [];
    return this.slots.flatMap((s) => (s.parse !== undefined ? [s.parse] : []));
  }

  /** The same parse with nothing found yet (what finders cost on a parsed file: benchmarks). */
  withoutFindings(): ParsedManifests {
    const copy = new ParsedManifests(this.text, this.lineCounter, this.slots, this.atOnce);
    copy.whole = this.whole;
    for (const [k, d] of this.built) copy.built.set(k, d);
    return copy;
  }

  /** Per-parse memo so that finders run once however many planners ask. */
  cached<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = compute();
    this.memo.set(key, value);
    return value;
  }

  /** The parse of slot `k`, parsing it now if needed; undefined (and the whole stream parsed instead) when it does not fit. */
  private slotParse(k: number): ChunkParse | undefined {
    const slot = this.slots[k];
    if (slot === undefined || this.atOnce) return undefined;
    slot.parse ??= parseChunk(this.text, slot.span);
    if (slot.parse === undefined || (slot.span.hasContent && slot.parse.tokens.filter((t) => t.type === 'document').length !== 1)) {
      this.atOnce = true;
      return undefined;
    }
    return slot.parse;
  }

  private slotDocument(k: number, index: number): ManifestDocument | undefined {
    const done = this.built.get(k);
    if (done !== undefined) return done;
    const chunk = this.slotParse(k);
    const doc = chunk?.docs[0];
    if (chunk === undefined || doc === undefined) return undefined;
    const regions = chunkRegions(chunk.tokens);
    const end = regions.docEnds.get(0);
    // A chunk not closed by `...` ends where the next document's `---` line starts its chunk.
    const next = end === undefined ? this.slots[this.docSlots[index + 1] ?? -1] : undefined;
    const built = buildDocument(this.text, index, doc, regions.docTokens[0], end, regions.regionStarts[0], next?.span.start, true);
    this.built.set(k, built);
    return built;
  }

  private all(): WholeParse {
    if (this.whole !== undefined) return this.whole;
    if (!this.atOnce) {
      const documents: ManifestDocument[] = [];
      for (let i = 0; i < this.docSlots.length && !this.atOnce; i++) {
        const d = this.slotDocument(this.docSlots[i] ?? 0, i);
        if (d !== undefined) documents.push(d);
      }
      if (!this.atOnce) {
        // Comment-only chunks too, so that a later version can reuse them.
        for (let k = 0; k < this.slots.length; k++) this.slotParse(k);
      }
      if (!this.atOnce) {
        this.whole = { documents, streamErrors: [], chunks: this.slots.map((s) => s.parse).filter((c) => c !== undefined), reusable: true };
        return this.whole;
      }
    }
    const stream = parseStream(this.text, this.slots.map((s) => s.span));
    this.whole = { documents: buildDocuments(this.text, stream.chunks), streamErrors: stream.streamErrors, chunks: stream.chunks, reusable: stream.fits };
    return this.whole;
  }
}

/**
 * Parse every document of a manifest file (YAML 1.2 core schema, `<<` merge keys honoured as Kubernetes does),
 * lazily: each document is parsed when first asked for (see {@link ParsedManifests}).
 *
 * With `previous` (the parse of an earlier version of the same file), documents whose text is unchanged are
 * reused instead of parsed again, their offsets moved when an edit before them changed their position: an
 * edit in one document of a 500-document file re-parses one document. `previous` is consumed: its documents
 * may now carry offsets of the new text, so it must not be used again (ManifestParseCache does this for you).
 */
export function parseManifests(text: string, previous?: ParsedManifests): ParsedManifests {
  const { chunks: spans, lineCounter } = splitChunks(text);
  const pool = new Map<string, ChunkParse[]>();
  for (const c of previous?.reusableChunks() ?? []) {
    const list = pool.get(c.text);
    if (list === undefined) pool.set(c.text, [c]);
    else list.push(c);
  }
  const slots = spans.map((span): Slot => {
    const reused = pool.size === 0 ? undefined : pool.get(text.slice(span.start, span.end))?.shift();
    if (reused === undefined || reused.hasContent !== span.hasContent) return { span, parse: undefined };
    shiftChunk(reused, span.start - reused.start);
    return { span, parse: reused };
  });
  return new ParsedManifests(text, lineCounter, slots);
}

interface Regions {
  readonly docTokens: CST.Document[];
  /** For each document token (by position), the `doc-end` token that closes it, if any. */
  readonly docEnds: Map<number, CST.DocumentEnd>;
  /** Offsets of the first token of each document's region (directives come before `---`). */
  readonly regionStarts: number[];
}

function chunkRegions(tokens: readonly CST.Token[], into: Regions = { docTokens: [], docEnds: new Map(), regionStarts: [] }, pending: { at?: number } = {}): Regions {
  for (const token of tokens) {
    if (token.type === 'directive') pending.at ??= token.offset;
    else if (token.type === 'document') {
      into.regionStarts.push(pending.at ?? token.offset);
      pending.at = undefined;
      into.docTokens.push(token);
    } else if (token.type === 'doc-end' && into.docTokens.length > 0) into.docEnds.set(into.docTokens.length - 1, token);
  }
  return into;
}

/** The documents of a whole-stream parse (when the chunks did not line up). */
function buildDocuments(text: string, chunks: readonly ChunkParse[]): ManifestDocument[] {
  const docs: YamlDocument[] = [];
  const regions: Regions = { docTokens: [], docEnds: new Map(), regionStarts: [] };
  const pending = {};
  for (const chunk of chunks) {
    docs.push(...chunk.docs);
    chunkRegions(chunk.tokens, regions, pending);
  }
  const tokensMatch = regions.docTokens.length === docs.length;
  return docs.map((doc, index) =>
    buildDocument(
      text,
      index,
      doc,
      tokensMatch ? regions.docTokens[index] : undefined,
      tokensMatch ? regions.docEnds.get(index) : undefined,
      tokensMatch ? regions.regionStarts[index] : undefined,
      tokensMatch ? regions.regionStarts[index + 1] : undefined,
      tokensMatch,
    ),
  );
}

function buildDocument(
  text: string,
  index: number,
  doc: YamlDocument,
  cst: CST.Document | undefined,
  end: CST.DocumentEnd | undefined,
  regionStartOffset: number | undefined,
  nextRegionStart: number | undefined,
  tokensMatch: boolean,
): ManifestDocument {
  let insertionOffset: number;
  if (end !== undefined) {
    const last = end.end?.[end.end.length - 1];
    insertionOffset = last !== undefined ? last.offset + last.source.length : end.offset + end.source.length;
  } else if (nextRegionStart !== undefined) {
    insertionOffset = lineStart(text, nextRegionStart);
  } else {
    insertionOffset = tokensMatch ? text.length : doc.range[2];
  }
  const start = cst?.offset ?? doc.range[0];
  const regionStart = regionStartOffset ?? start;
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
