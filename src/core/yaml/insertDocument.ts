/**
 * Insert whole documents (a pull Secret, a ServiceAccount) into a manifest file as one text edit.
 *
 * After document `i` the new text goes at `ManifestDocument.insertionOffset`: after a `...` line, else at the
 * start of the next document's `---` (or directive) line, else at the end of the file. It is written as
 * `---<eol><manifest><eol>`, in the file's line ending. It is closed with `...` when the document that
 * follows does not open with `---` (it starts with a `%` directive, or is a bare document after `...`), which
 * YAML needs to tell them apart. At the end of a file without a final line break, a break goes first and
 * none is added at the end (the file keeps its convention).
 */
import type { TextEdit } from './edits';
import { parseManifests } from './parse';
import type { ParsedManifests } from './parse';

/** One manifest's lines in the file's line ending, without a leading `---` or trailing line breaks. */
function normalizeManifest(manifest: string, eol: string): string {
  let m = manifest.replace(/\r\n/g, '\n').replace(/\n+$/, '');
  if (m.startsWith('---\n')) m = m.slice(4);
  return m.split('\n').join(eol);
}

/**
 * Plan inserting `manifests` (one or several, in order) as new documents after document `afterDocIndex`
 * (clamped to the last document; -1 puts them before the first one).
 */
export function planInsertDocument(
  textOrParsed: string | ParsedManifests,
  afterDocIndex: number,
  manifests: string | readonly string[],
): TextEdit[] {
  const parsed = typeof textOrParsed === 'string' ? parseManifests(textOrParsed) : textOrParsed;
  const text = parsed.text;
  const eol = parsed.eol;
  const bodies = (typeof manifests === 'string' ? [manifests] : manifests).map((m) => normalizeManifest(m, eol));
  if (bodies.length === 0) return [];
  const docs = parsed.documents;
  const bomLength = parsed.hasBom ? 1 : 0;
  const content = text.slice(bomLength);

  if (docs.length === 0 || content.trim() === '') {
    // Nothing (or only comments) yet.
    if (content.trim() === '') {
      const joined = bodies.join(`${eol}---${eol}`);
      return [{ offset: bomLength, length: content.length, text: `${joined}${eol}` }];
    }
    const needsBreak = !text.endsWith('\n');
    const joined = bodies.map((b) => `---${eol}${b}`).join(eol);
    return [{ offset: text.length, length: 0, text: `${needsBreak ? eol : ''}${joined}${needsBreak ? '' : eol}` }];
  }

  if (afterDocIndex < 0) {
    const first = docs[0];
    const start = first?.regionStart ?? bomLength;
    const lineStartOffset = text.lastIndexOf('\n', start - 1) + 1;
    const at = Math.max(lineStartOffset, bomLength);
    const marked = bodies.map((b) => `---${eol}${b}${eol}`).join('');
    if (first !== undefined && first.regionStart !== (first.cst?.offset ?? first.regionStart)) {
      // The first document has directives: ours must be closed with `...` before them.
      return [{ offset: at, length: 0, text: `${marked}...${eol}` }];
    }
    if (first?.opensWithMarker ?? true) return [{ offset: at, length: 0, text: marked }];
    // Before a bare document: our documents, then a `---` to open it.
    return [{ offset: at, length: 0, text: `${bodies.map((b) => `${b}${eol}`).join(`---${eol}`)}---${eol}` }];
  }

  const index = Math.min(afterDocIndex, docs.length - 1);
  const d = docs[index];
  if (d === undefined) return [];
  const at = d.insertionOffset;
  const joined = bodies.map((b) => `---${eol}${b}`).join(eol);
  if (at >= text.length) {
    const needsBreak = text.length > 0 && !text.endsWith('\n');
    return [{ offset: text.length, length: 0, text: needsBreak ? `${eol}${joined}` : `${joined}${eol}` }];
  }
  const closer = (docs[index + 1]?.opensWithMarker ?? true) ? '' : `...${eol}`;
  return [{ offset: at, length: 0, text: `${joined}${eol}${closer}` }];
}
