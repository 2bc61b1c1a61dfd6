/**
 * Minimal text edits: what every YAML planner returns instead of a re-serialised document
 * (house-style.md principle 12). Offsets are UTF-16 code units into the exact text that was parsed,
 * the same unit VS Code's `TextDocument.positionAt` takes, so a host can map them one to one.
 */

export interface TextEdit {
  /** Start of the replaced span in the original text. */
  readonly offset: number;
  /** Number of original characters replaced (0 for a pure insertion). */
  readonly length: number;
  /** The text written in their place. */
  readonly text: string;
}

/** A half-open span `[start, end)` of offsets into the original text. */
export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Sort edits by offset, keeping the given order among insertions at the same offset, and merge those
 * insertions into one edit so that hosts which reject identical positions (VS Code's WorkspaceEdit does not,
 * but LSP clients may) still apply them in order. Throws on overlapping replacements: a planner bug.
 */
export function normalizeEdits(edits: readonly TextEdit[]): TextEdit[] {
  const sorted = edits
    .map((edit, order) => ({ edit, order }))
    .sort((a, b) => a.edit.offset - b.edit.offset || a.order - b.order)
    .map((x) => x.edit);
  const out: TextEdit[] = [];
  for (const edit of sorted) {
    if (edit.length === 0 && edit.text === '') continue;
    const prev = out[out.length - 1];
    if (prev !== undefined) {
      const prevEnd = prev.offset + prev.length;
      if (edit.offset < prevEnd) throw new Error(`Overlapping edits at offsets ${prev.offset} and ${edit.offset}`);
      if (edit.offset === prevEnd && (prev.length === 0 || edit.length === 0)) {
        // Adjacent: an insertion right after (or at) the previous span joins it; bytes stay in order.
        out[out.length - 1] = { offset: prev.offset, length: prev.length + edit.length, text: prev.text + edit.text };
        continue;
      }
    }
    out.push(edit);
  }
  return out;
}

/** Apply edits (in any order) to the text they were computed for. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = normalizeEdits(edits);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.offset < at || edit.offset + edit.length > text.length) throw new Error(`Edit out of range at offset ${edit.offset}`);
    out += text.slice(at, edit.offset) + edit.text;
    at = edit.offset + edit.length;
  }
  return out + text.slice(at);
}

/** A boundary at `i` would split a CRLF pair or a surrogate pair (editors treat both as one unit). */
function splitsUnit(text: string, i: number): boolean {
  const prev = text.charCodeAt(i - 1);
  const next = text.charCodeAt(i);
  return (prev === 13 && next === 10) || (prev >= 0xd800 && prev <= 0xdbff && next >= 0xdc00 && next <= 0xdfff);
}

/**
 * One edit that turns `before` into `after`: the span between their common prefix and common suffix, widened so
 * that it never starts or ends inside a CRLF or a surrogate pair.
 */
export function singleEdit(before: string, after: string): TextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  while (start > 0 && (splitsUnit(before, start) || splitsUnit(after, start))) start--;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before.charCodeAt(before.length - 1 - end) === after.charCodeAt(after.length - 1 - end)) end++;
  while (end > 0 && (splitsUnit(before, before.length - end) || splitsUnit(after, after.length - end))) end--;
  return { offset: start, length: before.length - start - end, text: after.slice(start, after.length - end) };
}
