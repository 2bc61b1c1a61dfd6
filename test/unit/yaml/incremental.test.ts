/**
 * Re-parsing with a previous parse (chunks.ts) must give exactly what a fresh parse gives: same documents,
 * node ranges, CST token offsets, errors and values. Checked on every golden input and corpus file, for a
 * chunk-by-chunk parse and after edits at the start, middle and end of the file.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCollection, isNode, isPair } from 'yaml';
import type { CST } from 'yaml';
import { splitChunks } from '../../../src/core/yaml/chunks';
import { parseManifests, ParsedManifests } from '../../../src/core/yaml/parse';
import type { ManifestDocument } from '../../../src/core/yaml/parse';
import { ManifestParseCache } from '../../../src/core/yaml/parseCache';
import { findWorkloads } from '../../../src/core/yaml/workloads';
import { corpusFiles, goldenInputs, type NamedText } from './helpers';

function nodes(node: unknown, out: unknown[]): void {
  if (isNode(node)) {
    out.push([node.constructor.name, node.range]);
    if (isCollection(node)) for (const item of node.items) nodes(item, out);
  } else if (isPair(node)) {
    nodes(node.key, out);
    nodes(node.value, out);
  }
}

function tokens(t: CST.Token | CST.SourceToken | null | undefined, out: unknown[]): void {
  if (t === null || t === undefined) return;
  out.push([t.type, t.offset]);
  const list = (xs: readonly (CST.Token | CST.SourceToken)[] | undefined): void => xs?.forEach((x) => tokens(x, out));
  switch (t.type) {
    case 'document':
      list(t.start);
      tokens(t.value, out);
      list(t.end);
      break;
    case 'doc-end':
    case 'scalar':
    case 'alias':
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
      if (t.type === 'flow-collection') tokens(t.start, out);
      for (const item of t.items) {
        list(item.start);
        tokens(item.key, out);
        list(item.sep);
        tokens(item.value, out);
      }
      if (t.type === 'flow-collection') list(t.end);
      break;
    default:
      break;
  }
}

function snapshot(p: ParsedManifests): unknown {
  return p.documents.map(snapshot1);
}

function snapshot1(d: ManifestDocument | undefined): unknown {
  if (d === undefined) return undefined;
  const n: unknown[] = [];
    nodes(d.doc.contents, n);
    const c: unknown[] = [];
    tokens(d.cst, c);
    let js: unknown;
    try {
      js = d.doc.toJS({ maxAliasCount: -1, mapAsMap: true });
    } catch (e) {
      js = `toJS threw ${e instanceof Error ? e.message : ''}`;
    }
    return {
      range: d.range,
      docRange: d.doc.range,
      insertionOffset: d.insertionOffset,
      regionStart: d.regionStart,
      hasEndMarker: d.hasEndMarker,
      opensWithMarker: d.opensWithMarker,
      header: [d.apiVersion, d.kind, d.name, d.namespace],
      errors: d.errors.map((e) => [e.code, e.pos]),
      nodes: n,
      cst: c,
      js,
    };
}

/** Edits that touch the first, a middle and the last document. */
function edits(text: string): string[] {
  const lines = text.split('\n');
  const mid = Math.floor(lines.length / 2);
  return [
    `# edited at the top\n${text}`,
    [...lines.slice(0, mid), '# edited in the middle', ...lines.slice(mid)].join('\n'),
    `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}---\nkind: ConfigMap\nmetadata: {name: appended}\n`,
    text.replace(/quay\.io/, 'quay.example.com:8443'),
  ];
}

/** The same text parsed as one stream in one go: what the document-by-document parse must equal. */
function parseManifestsAtOnce(text: string): ParsedManifests {
  const { chunks: spans, lineCounter } = splitChunks(text);
  return new ParsedManifests(text, lineCounter, spans.map((span) => ({ span, parse: undefined })), true);
}

function checkIncremental(what: string, inputs: readonly NamedText[]): void {
  let files = 0;
  let reusable = 0;
  let reparsed = 0;
  for (const { name, text } of inputs) {
    files++;
    const fresh = parseManifests(text);
    if (fresh.reusable) reusable++;
    const expected = snapshot(fresh);
    // Chunk by chunk (lazily, as the editor does) equals one parse of the whole stream.
    assert.deepEqual(expected, snapshot(parseManifestsAtOnce(text)), `${name}: chunked parse and whole-stream parse`);
    // Documents asked for one at a time (documentAt, document) are the same as when all are parsed.
    const lazy = parseManifests(text);
    for (const [i, d] of fresh.documents.entries()) {
      assert.deepEqual(snapshot1(lazy.documentAt(d.range.start)), snapshot1(d), `${name}: document ${i} at its start`);
      assert.deepEqual(snapshot1(parseManifests(text).document(i)), snapshot1(d), `${name}: document ${i} on its own`);
    }
    // Every chunk parsed on its own (nothing to reuse from an unrelated previous parse).
    const chunkwise = parseManifests(text, parseManifests('unrelated: true\n'));
    assert.deepEqual(snapshot(chunkwise), expected, `${name}: chunk-by-chunk parse`);
    for (const edited of edits(text)) {
      const before = parseManifests(text);
      const incremental = parseManifests(edited, before);
      assert.deepEqual(snapshot(incremental), snapshot(parseManifests(edited)), `${name}: after an edit`);
      reparsed++;
    }
  }
  console.log(`incremental (${what}): ${files} files (${reusable} split into per-document chunks), ${reparsed} edited versions re-parsed incrementally, all equal to fresh parses`);
}

void test('incremental parse equals a fresh parse (goldens)', () => {
  checkIncremental('goldens', goldenInputs());
});

void test('incremental parse equals a fresh parse (corpus)', (t) => {
  const corpus = corpusFiles(t);
  if (corpus !== undefined) checkIncremental('corpus', corpus);
});

void test('ManifestParseCache reuses the previous version and hands out one parse per version', () => {
  const cache = new ManifestParseCache();
  const v1 = 'kind: Pod\nmetadata: {name: a}\nspec: {containers: [{image: quay.io/a/b}]}\n---\nkind: Pod\nmetadata: {name: b}\nspec: {containers: []}\n';
  const p1 = cache.get('file:///a.yaml', 1, v1);
  assert.equal(cache.get('file:///a.yaml', 1, v1), p1);
  const secondDoc = p1.documents[1]?.doc;
  const v2 = `# top\n${v1}`;
  const p2 = cache.get('file:///a.yaml', 2, v2);
  assert.notEqual(p2, p1);
  assert.equal(p2.documents[1]?.doc, secondDoc, 'the unchanged second document is reused, moved');
  assert.equal(findWorkloads(p2)[1]?.objectRange.start, v2.indexOf('---') + 0);
  cache.delete('file:///a.yaml');
  assert.notEqual(cache.get('file:///a.yaml', 2, v2), p2);
});
