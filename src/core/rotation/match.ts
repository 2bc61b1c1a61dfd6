/**
 * Where a robot token sits in one text, in every encoding it is stored in (AGENTS.md "Token rotation"):
 * - `raw`: the token itself (`.env` files, scripts, CI config, Helm values, `password` fields);
 * - `auth`: a base64 value that decodes to exactly `robot:token` (Docker/Podman `config.json`/`auth.json`,
 *   `stringData`, plain JSON);
 * - `dockerconfigjson` / `dockercfg` / `base64`: an outer base64 value (a Secret's `data`) that decodes to a
 *   Docker config (with `auths`), a legacy `.dockercfg`, or anything else, and holds the token or the `auth`
 *   value inside. The inner value can start at any byte offset, so it is searched at all three alignments
 *   (the base64 characters that depend on the inner bytes only); the outer value may be wrapped over lines
 *   (`base64` wraps at 76, openssl at 64, YAML block or plain scalars), each line indented.
 *
 * Literal searches only find candidates (`needlesFor(...).literals`, also what the file prefilter looks for);
 * every candidate is confirmed by decoding the whole outer value and checking the boundaries, so a token that
 * is the prefix of a longer string is not a usage.
 */
import type { TextRange } from '../yaml/edits';

export type UsageEncoding = 'raw' | 'auth' | 'dockerconfigjson' | 'dockercfg' | 'base64';

export interface TextUsage {
  readonly encoding: UsageEncoding;
  /** Inside an outer base64 value: whether it holds the token itself or the `auth` value there. */
  readonly inner?: 'raw' | 'auth';
  /**
   * UTF-16 offsets into the text (VS Code's `positionAt` unit): the token for `raw`, the whole value for `auth`,
   * and for an outer base64 value the characters that encode the inner token or `auth` (they may span a wrap).
   */
  readonly range: TextRange;
  /** The whole outer base64 value, wrapped lines included (base64 encodings only). */
  readonly value?: TextRange;
  /** 1-based, of `range.start`; the column counts UTF-16 code units, as VS Code does. */
  readonly line: number;
  readonly column: number;
}

export interface Needles {
  readonly user: string;
  readonly token: string;
  /** base64(`user:token`), padded. */
  readonly auth: string;
  /** Every literal a text must contain (at least one) to hold a usage; also the byte prefilter's patterns. */
  readonly literals: readonly string[];
}

/** Wrapped base64 is found when lines hold at least this many characters (two pieces of half this length). */
export const MIN_WRAP_WIDTH = 56;
const PIECE = MIN_WRAP_WIDTH / 2;
const MIN_TOKEN_LENGTH = 8;

/**
 * The base64 characters that encode `bytes` when they start `shift` bytes into a 3-byte group, whatever
 * surrounds them: the first characters mixing in the preceding bytes and the last partial group are dropped.
 */
export function alignedBase64(bytes: Buffer, shift: 0 | 1 | 2): string {
  const padded = Buffer.concat([Buffer.alloc(shift), bytes]);
  const whole = padded.subarray(0, padded.length - (padded.length % 3));
  return whole.toString('base64').slice([0, 2, 3][shift]);
}

/** Two pieces of the aligned encoding: a line wrap can cut at most one of them (see MIN_WRAP_WIDTH). */
function pieces(aligned: string): string[] {
  if (aligned.length >= 2 * PIECE) return [aligned.slice(0, PIECE), aligned.slice(PIECE, 2 * PIECE)];
  if (aligned.length >= 16) {
    const half = aligned.length >> 1;
    return [aligned.slice(0, half), aligned.slice(half)];
  }
  return [aligned];
}

/** The literals for one robot and token. Throws (without echoing the token) when the token is too short. */
export function needlesFor(user: string, token: string): Needles {
  if (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    throw new Error(`A robot token has at least ${MIN_TOKEN_LENGTH} printable characters and no spaces.`);
  }
  const auth = Buffer.from(`${user}:${token}`, 'utf8').toString('base64');
  const literals = new Set<string>([token]);
  for (const inner of [Buffer.from(token, 'utf8'), Buffer.from(auth.replace(/=+$/, ''), 'latin1')]) {
    for (const shift of [0, 1, 2] as const) for (const p of pieces(alignedBase64(inner, shift))) literals.add(p);
  }
  return { user, token, auth, literals: [...literals] };
}

const B64 = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/') B64[c.charCodeAt(0)] = 1;
/** A base64 character other than `=` padding. */
const isB64Body = (code: number): boolean => code < 128 && B64[code] === 1;
const isB64 = (code: number): boolean => code === 61 || isB64Body(code);
const isAlnum = (code: number): boolean => (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const isBlank = (code: number): boolean => code === 32 || code === 9;

/** An outer base64 value: one run of base64 characters per line, in order. */
export interface Base64Value {
  readonly segments: readonly TextRange[];
}

function lineStartOf(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

/** End of the line content at `at` (before `\r\n` or `\n`). */
function lineEndOf(text: string, at: number): number {
  let end = text.indexOf('\n', at);
  if (end < 0) end = text.length;
  return end > 0 && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
}

function onlyBlanks(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isBlank(text.charCodeAt(i))) return false;
  return true;
}

/** End of the base64 run starting at `from`: body characters, then at most two `=`. */
function runEnd(text: string, from: number): number {
  let end = from;
  while (end < text.length && isB64Body(text.charCodeAt(end))) end++;
  for (let pad = 0; pad < 2 && text.charCodeAt(end) === 61; pad++) end++;
  return end;
}

const padded = (text: string, r: TextRange): boolean => text.charCodeAt(r.end - 1) === 61;

/**
 * The base64 value around `at`, followed over wrapped lines: a continuation line holds nothing but indentation
 * and base64; the first line may also be `key: value` (a YAML plain scalar); `=` padding ends the value.
 */
export function base64ValueAt(text: string, at: number): Base64Value {
  let start = at;
  while (start > 0 && isB64Body(text.charCodeAt(start - 1))) start--;
  const segments: TextRange[] = [{ start, end: runEnd(text, start) }];
  // Upwards, while this run is alone on its line and the previous line ends in base64 without padding.
  for (let first = start; ; ) {
    const lineStart = lineStartOf(text, first);
    if (lineStart === 0 || !onlyBlanks(text, lineStart, first)) break;
    const prevEnd = lineEndOf(text, lineStart - 1);
    let s = prevEnd;
    while (s > 0 && isB64Body(text.charCodeAt(s - 1))) s--;
    if (s === prevEnd) break;
    if (onlyBlanks(text, lineStartOf(text, s), s)) {
      segments.unshift({ start: s, end: prevEnd });
      first = s;
      continue;
    }
    if (s >= 2 && text.charCodeAt(s - 1) === 32 && text.charCodeAt(s - 2) === 58) segments.unshift({ start: s, end: prevEnd });
    break;
  }
  // Downwards, while the run ends its line unpadded and the next line is indentation and base64 only.
  for (let last = segments[segments.length - 1]; last !== undefined && !padded(text, last) && lineEndOf(text, last.end) === last.end; ) {
    const nl = text.indexOf('\n', last.end);
    if (nl < 0) break;
    let s = nl + 1;
    while (s < text.length && isBlank(text.charCodeAt(s))) s++;
    const e = runEnd(text, s);
    if (e === s || lineEndOf(text, s) !== e) break;
    last = { start: s, end: e };
    segments.push(last);
  }
  return { segments };
}

export function base64Text(text: string, value: Base64Value): string {
  return value.segments.map((s) => text.slice(s.start, s.end)).join('');
}

/** Offset in the text of character `index` of the joined base64 (the last one's end for `index` = length). */
function textOffset(value: Base64Value, index: number): number {
  let left = index;
  for (const s of value.segments) {
    if (left < s.end - s.start) return s.start + left;
    left -= s.end - s.start;
  }
  const last = value.segments[value.segments.length - 1];
  return last === undefined ? 0 : last.end;
}

/** Base64 characters [first, end) that carry the bits of decoded bytes [from, to). */
function charSpan(from: number, to: number): TextRange {
  const last = to - 1;
  return { start: 4 * Math.floor(from / 3) + (from % 3), end: 4 * Math.floor(last / 3) + (last % 3) + 2 };
}

/** A place inside a decoded outer value: the byte span and what it is. */
export interface InnerHit {
  readonly inner: 'raw' | 'auth';
  readonly from: number;
  readonly to: number;
}

/** Occurrences of `needle` in `hay` not touching another character of `alphabet`; `=` padding is taken along. */
function bounded(hay: string, needle: string, inAlphabet: (code: number) => boolean, padding: boolean): TextRange[] {
  const out: TextRange[] = [];
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
    let end = i + needle.length;
    if (padding) while (hay.charCodeAt(end) === 61) end++;
    if (i > 0 && inAlphabet(hay.charCodeAt(i - 1))) continue;
    if (end < hay.length && inAlphabet(hay.charCodeAt(end))) continue;
    out.push({ start: i, end });
  }
  return out;
}

/** The token and `auth` values in a decoded outer value (latin1, one character per byte). */
export function innerHits(decoded: string, n: Needles): InnerHit[] {
  const auth = n.auth.replace(/=+$/, '');
  return [
    ...bounded(decoded, n.token, isAlnum, false).map((r) => ({ inner: 'raw' as const, from: r.start, to: r.end })),
    ...bounded(decoded, auth, isB64, true).map((r) => ({ inner: 'auth' as const, from: r.start, to: r.end })),
  ].sort((a, b) => a.from - b.from);
}

/** What an outer value decodes to: a Docker config, a legacy `.dockercfg`, or something else. */
export function classify(decoded: Buffer): 'dockerconfigjson' | 'dockercfg' | 'base64' {
  let json: unknown;
  try {
    json = JSON.parse(decoded.toString('utf8'));
  } catch {
    return 'base64';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return 'base64';
  const o = json as Record<string, unknown>;
  if (typeof o.auths === 'object' && o.auths !== null) return 'dockerconfigjson';
  const entries = Object.values(o);
  const isEntry = (v: unknown): boolean => typeof v === 'object' && v !== null && ('auth' in v || 'password' in v);
  return entries.length > 0 && entries.every(isEntry) ? 'dockercfg' : 'base64';
}

export interface DecodedValue {
  readonly value: Base64Value;
  /** The joined base64 characters. */
  readonly base64: string;
  readonly decoded: Buffer;
}

export function decodeValue(text: string, value: Base64Value): DecodedValue {
  const base64 = base64Text(text, value);
  return { value, base64, decoded: Buffer.from(base64, 'base64') };
}

/** Text range of an inner hit. */
export function hitRange(d: DecodedValue, hit: InnerHit): TextRange {
  const span = charSpan(hit.from, hit.to);
  return { start: textOffset(d.value, span.start), end: textOffset(d.value, span.end - 1) + 1 };
}

/** True when the outer value is an `auth`: it decodes to exactly `user:token`. */
export function isAuthValue(d: DecodedValue, n: Needles): boolean {
  return d.decoded.toString('latin1') === Buffer.from(`${n.user}:${n.token}`, 'utf8').toString('latin1');
}

function valueRange(value: Base64Value): TextRange {
  const first = value.segments[0];
  const last = value.segments[value.segments.length - 1];
  return { start: first?.start ?? 0, end: last?.end ?? 0 };
}

/** Every usage of the token in `text`, in text order. */
export function scanText(text: string, n: Needles): TextUsage[] {
  const found: Omit<TextUsage, 'line' | 'column'>[] = [];
  for (const r of bounded(text, n.token, isAlnum, false)) found.push({ encoding: 'raw', range: r });
  const seen = new Set<number>();
  for (const literal of n.literals) {
    if (literal === n.token) continue;
    for (let i = text.indexOf(literal); i >= 0; i = text.indexOf(literal, i + 1)) {
      const value = base64ValueAt(text, i);
      const whole = valueRange(value);
      if (seen.has(whole.start)) continue;
      seen.add(whole.start);
      const d = decodeValue(text, value);
      if (isAuthValue(d, n)) {
        found.push({ encoding: 'auth', range: whole, value: whole });
        continue;
      }
      const hits = innerHits(d.decoded.toString('latin1'), n);
      if (hits.length === 0) continue;
      const encoding = classify(d.decoded);
      for (const hit of hits) found.push({ encoding, inner: hit.inner, range: hitRange(d, hit), value: whole });
    }
  }
  found.sort((a, b) => a.range.start - b.range.start);
  const lines = lineStarts(text);
  return found.map((u) => ({ ...u, ...position(lines, u.range.start) }));
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of an offset. */
export function position(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}
