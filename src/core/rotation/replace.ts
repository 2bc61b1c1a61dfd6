/**
 * The edits that move the usages a user ticked to new credentials (AGENTS.md "Token rotation"): exactly the
 * token for `raw`; the re-encoded `auth`; the re-encoded outer base64 with its original line wrapping (only
 * the characters that differ). For a successor robot the user name changes too: in `auth`, every whole
 * occurrence of the old robot's name in the file, and `username` fields inside a decoded Docker config. `auths`
 * keys are hosts and stay.
 */
import { basicAuth } from '../k8s/credentials';
import { singleEdit } from '../yaml/edits';
import type { TextEdit } from '../yaml/edits';
import { base64ValueAt, decodeValue, hitRange, innerHits, needlesFor, scanText } from './match';
import type { Base64Value, TextUsage } from './match';

export interface Replacement {
  readonly oldUser: string;
  readonly oldToken: string;
  readonly newUser: string;
  readonly newToken: string;
}

export class StaleUsageError extends Error {
  constructor() {
    super('The file changed since it was scanned; scan it again.');
  }
}

const sameUsage = (a: TextUsage, b: TextUsage): boolean =>
  a.encoding === b.encoding && a.inner === b.inner && a.range.start === b.range.start && a.range.end === b.range.end;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `username` fields (JSON or YAML) whose value is `user`: the spans of the values. */
function usernameFields(text: string, user: string): { start: number; end: number }[] {
  const u = escapeRegExp(user);
  const patterns = [new RegExp(`("username"\\s*:\\s*")${u}"`, 'g'), new RegExp(`^([ \\t]*(?:- +)?["']?username["']?[ \\t]*:[ \\t]*["']?)${u}(?=["']?[ \\t]*(?:#.*)?\\r?$)`, 'gm')];
  const out: { start: number; end: number }[] = [];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      const start = (m.index ?? 0) + (m[1] ?? '').length;
      out.push({ start, end: start + user.length });
    }
  }
  return out;
}

/**
 * Every whole occurrence of the robot's full name in a file that stores its credentials: `username` fields, and
 * the user name beside the token in `.env` files and scripts (`QUAY_USER=acme+ci`, `docker login -u acme+ci`),
 * which would otherwise pair the successor's token with the predecessor's name. A longer name that merely starts
 * with it (`acme+ci_2`) is not one.
 */
function robotNameOccurrences(text: string, user: string): { start: number; end: number }[] {
  const re = new RegExp(`(?<![A-Za-z0-9_.+-])${escapeRegExp(user)}(?![A-Za-z0-9_.+-])`, 'g');
  return [...text.matchAll(re)].map((m) => ({ start: m.index ?? 0, end: (m.index ?? 0) + user.length }));
}

/** The new base64 laid out like the old value: the same line lengths, extra lines as wide as the widest. */
function rewrap(text: string, value: Base64Value, base64: string): string {
  const segs = value.segments;
  const lengths = segs.map((s) => s.end - s.start);
  const width = segs.length > 1 ? Math.max(...lengths.slice(0, -1)) : Infinity;
  const separators = segs.slice(1).map((s, i) => text.slice(segs[i]?.end ?? 0, s.start));
  let out = '';
  for (let line = 0, at = 0; at < base64.length; line++) {
    const take = line < segs.length - 1 ? (lengths[line] ?? width) : width;
    if (line > 0) out += separators[Math.min(line, separators.length) - 1] ?? '';
    out += base64.slice(at, at + take);
    at += take;
  }
  return out;
}

/** Minimal edits turning `before` (at `offset`) into `after`: each differing run when lengths agree. */
function diffEdits(before: string, after: string, offset: number): TextEdit[] {
  if (before.length !== after.length) {
    const e = singleEdit(before, after);
    return [{ ...e, offset: e.offset + offset }];
  }
  const edits: TextEdit[] = [];
  for (let i = 0; i < before.length; i++) {
    if (before.charCodeAt(i) === after.charCodeAt(i)) continue;
    let j = i;
    while (j < before.length && before.charCodeAt(j) !== after.charCodeAt(j)) j++;
    edits.push({ offset: offset + i, length: j - i, text: after.slice(i, j) });
    i = j;
  }
  return edits;
}

/** The edits of one outer base64 value for the ticked usages inside it. */
function valueEdits(text: string, ticked: readonly TextUsage[], r: Replacement): TextEdit[] {
  const first = ticked[0];
  if (first?.value === undefined) return [];
  const d = decodeValue(text, base64ValueAt(text, first.value.start));
  let decoded: string;
  if (first.encoding === 'auth') decoded = Buffer.from(`${r.newUser}:${r.newToken}`, 'utf8').toString('latin1');
  else {
    decoded = d.decoded.toString('latin1');
    const hits = innerHits(decoded, needlesFor(r.oldUser, r.oldToken)).filter((h) => {
      const range = hitRange(d, h);
      return ticked.some((u) => u.range.start === range.start && u.range.end === range.end);
    });
    for (const h of hits.reverse()) {
      const replacement = h.inner === 'raw' ? r.newToken : basicAuth(r.newUser, r.newToken);
      decoded = decoded.slice(0, h.from) + Buffer.from(replacement, 'utf8').toString('latin1') + decoded.slice(h.to);
    }
    if (r.newUser !== r.oldUser) {
      for (const f of usernameFields(decoded, r.oldUser).reverse()) decoded = decoded.slice(0, f.start) + r.newUser + decoded.slice(f.end);
    }
  }
  let base64 = Buffer.from(decoded, 'latin1').toString('base64');
  if (!d.base64.endsWith('=') && d.base64.length % 4 !== 0) base64 = base64.replace(/=+$/, '');
  const start = d.value.segments[0]?.start ?? 0;
  const end = d.value.segments[d.value.segments.length - 1]?.end ?? 0;
  return diffEdits(text.slice(start, end), rewrap(text, d.value, base64), start);
}

/**
 * Edits replacing the old credentials by the new ones in the given usages of `text` (from `scanText` or the
 * finder on this very text). Throws StaleUsageError when a usage is no longer where it was.
 */
export function planReplacement(text: string, usages: readonly TextUsage[], r: Replacement): TextEdit[] {
  if (usages.length === 0) return [];
  const current = scanText(text, needlesFor(r.oldUser, r.oldToken));
  if (!usages.every((u) => current.some((c) => sameUsage(c, u)))) throw new StaleUsageError();
  const edits: TextEdit[] = [];
  const byValue = new Map<number, TextUsage[]>();
  for (const u of usages) {
    if (u.value === undefined) {
      edits.push({ offset: u.range.start, length: u.range.end - u.range.start, text: r.newToken });
      continue;
    }
    const list = byValue.get(u.value.start) ?? [];
    list.push(u);
    byValue.set(u.value.start, list);
  }
  for (const ticked of byValue.values()) edits.push(...valueEdits(text, ticked, r));
  if (r.newUser !== r.oldUser) {
    for (const f of robotNameOccurrences(text, r.oldUser)) edits.push({ offset: f.start, length: f.end - f.start, text: r.newUser });
  }
  return edits.sort((a, b) => a.offset - b.offset);
}
