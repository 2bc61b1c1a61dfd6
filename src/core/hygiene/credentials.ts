/**
 * Quay robot credentials recognised by their shape, without knowing any token (the `committed-token` check, AGENTS.md "Hygiene review core",
 * offline mode): a robot name `namespace+name` (contract §3.1) with a 64-character `[A-Z0-9]` token (§3.1,
 * `random_string_generator`), written
 * - `raw`: the token itself, with the robot name on the same line or near it (`.env`, `docker login -u … -p …`,
 *   `username`/`password` fields);
 * - `auth`: a base64 value decoding to exactly `namespace+name:TOKEN` (Docker/Podman config `auth`);
 * - `dockerconfigjson` / `dockercfg` / `base64`: an outer base64 value (a Secret's `data`, wrapped over lines or
 *   not) whose decoded text holds either of the above. The outer value is decoded whole, so the inner credential
 *   is found at any byte alignment (what the rotation finder's literals achieve for a known token, match.ts).
 *
 * A 64-character run of `[0-9A-F]` only is a hexadecimal digest, not a token, and is skipped (a random token
 * holds a letter after F with certainty for practical purposes). The token never leaves this module: callers get
 * a fingerprint (a sha256 prefix) to compare with the tokens Quay lists.
 */
import { createHash } from 'node:crypto';
import { readDockerConfig } from '../k8s/credentials';
import { base64ValueAt, classify, decodeValue, hitRange, lineStarts, position } from '../rotation/match';
import type { UsageEncoding } from '../rotation/match';
import type { TextRange } from '../yaml/edits';

export interface FoundCredential {
  /** Full robot name `namespace+name`. */
  readonly robot: string;
  readonly encoding: UsageEncoding;
  /** Inside an outer base64 value: the token itself or an `auth` value. */
  readonly inner?: 'raw' | 'auth';
  /** The registry the credential is for, when a Docker config says (`auths` key's host). */
  readonly host?: string;
  /** 1-based, of `range.start` (UTF-16 columns, as editors count). */
  readonly line: number;
  readonly column: number;
  /** The characters holding the token or the `auth` value (for an outer value, those encoding it). */
  readonly range: TextRange;
  /** sha256 of the token, first 16 hex digits: compare with {@link tokenFingerprint} of a listed token. */
  readonly fingerprint: string;
}

export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex').slice(0, 16);
}

const ROBOT = /(?<![A-Za-z0-9._+-])([a-z0-9]+(?:[._-][a-z0-9]+)*)\+([a-z0-9]+(?:[._-][a-z0-9]+)*)(?![A-Za-z0-9+@])/g;
const AUTH_DECODED = /^([a-z0-9]+(?:[._-][a-z0-9]+)*\+[a-z0-9]+(?:[._-][a-z0-9]+)*):([A-Z0-9]{64})$/;
/** Candidate base64 runs: long enough to hold `a+bc:` and a 64-character token, or a wrapped line of one. */
const MIN_BASE64_RUN = 56;
const TOKEN_LENGTH = 64;
/** base64 characters of the shortest credential, `ab+cd:` and a token (70 bytes). */
const MIN_ENCODED_CREDENTIAL = Math.floor((70 * 4) / 3);

// One pass over the character codes (regular expressions with `{56,}` cost seconds on a large workspace).
const ALNUM = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') ALNUM[c.charCodeAt(0)] = 2; // token characters
for (const c of 'abcdefghijklmnopqrstuvwxyz') ALNUM[c.charCodeAt(0)] = 1;
const isAlnum = (code: number): boolean => code < 128 && ALNUM[code] !== 0;
const isBase64Body = (code: number): boolean => isAlnum(code) || code === 43 || code === 47;

/** Starts of maximal alphanumeric runs of exactly 64 `[A-Z0-9]` characters. */
function tokenStarts(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (!isAlnum(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i;
    let upper = true;
    while (j < text.length && isAlnum(text.charCodeAt(j))) {
      if (ALNUM[text.charCodeAt(j)] !== 2) upper = false;
      j++;
    }
    if (upper && j - i === TOKEN_LENGTH) out.push(i);
    i = j;
  }
  return out;
}

/** Starts of maximal runs of base64 characters at least MIN_BASE64_RUN long. */
function base64RunStarts(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (!isBase64Body(text.charCodeAt(i))) {
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && isBase64Body(text.charCodeAt(j))) j++;
    if (j - i >= MIN_BASE64_RUN) out.push(i);
    i = j;
  }
  return out;
}
/** Lines searched around a raw token for its robot name. */
const NAME_DISTANCE = 3;
const MAX_DEPTH = 2;

export function looksLikeToken(s: string): boolean {
  return /^[A-Z0-9]{64}$/.test(s) && /[G-Z]/.test(s) && /[0-9]/.test(s);
}

/** Cheap test before a full scan: a run of base64 characters long enough for a token or an encoded one. */
export function mayHoldCredential(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    if (isBase64Body(text.charCodeAt(i))) {
      if (++run >= MIN_BASE64_RUN) return true;
    } else run = 0;
  }
  return false;
}

interface RawHit {
  readonly robot: string;
  readonly token: string;
  readonly range: TextRange;
  readonly inner: 'raw' | 'auth';
}

/** Robot names in `text` with their offsets. */
function robotNames(text: string): { name: string; at: number }[] {
  const out: { name: string; at: number }[] = [];
  ROBOT.lastIndex = 0;
  for (let m = ROBOT.exec(text); m !== null; m = ROBOT.exec(text)) out.push({ name: m[0], at: m.index });
  return out;
}

/**
 * Credentials in `text` (depth 0: the file; deeper: a decoded value, latin1). Offsets are into `text`.
 * `known` names the robot of a token whose name is not written near it (a token listed by Quay).
 */
function scanLevel(text: string, depth: number, known: ReadonlyMap<string, string> | undefined, out: RawHit[], outer: (hit: RawHit, encoding: UsageEncoding, host: string | undefined) => void): void {
  // Raw tokens with a robot name near them.
  let names: { name: string; at: number }[] | undefined;
  let starts: number[] | undefined;
  for (const at of tokenStarts(text)) {
    const token = text.slice(at, at + TOKEN_LENGTH);
    if (!looksLikeToken(token)) continue;
    names ??= robotNames(text);
    starts ??= lineStarts(text);
    const line = position(starts, at).line;
    // The nearest name (in characters) within a few lines: a compact JSON line may hold several entries.
    let best: { name: string; distance: number } | undefined;
    for (const n of names) {
      if (Math.abs(position(starts, n.at).line - line) > NAME_DISTANCE) continue;
      const distance = Math.abs(n.at - at);
      if (best === undefined || distance < best.distance) best = { name: n.name, distance };
    }
    const robot = best?.name ?? known?.get(tokenFingerprint(token));
    if (robot !== undefined) out.push({ robot, token, range: { start: at, end: at + token.length }, inner: 'raw' });
  }
  if (depth >= MAX_DEPTH) return;
  // Base64 values: decoded whole (wrapped lines joined), then an exact `auth`, or searched again inside.
  const seen = new Set<number>();
  for (const at of base64RunStarts(text)) {
    const value = base64ValueAt(text, at);
    const first = value.segments[0];
    const last = value.segments[value.segments.length - 1];
    if (first === undefined || last === undefined || seen.has(first.start)) continue;
    seen.add(first.start);
    // Too short to hold `ns+name:` and a token (a sha512 integrity hash, say): not decoded.
    if (value.segments.reduce((n, seg) => n + seg.end - seg.start, 0) < MIN_ENCODED_CREDENTIAL) continue;
    const d = decodeValue(text, value);
    const decoded = d.decoded.toString('latin1');
    const whole = { start: first.start, end: last.end };
    const auth = AUTH_DECODED.exec(decoded);
    if (auth !== null) {
      const [, robot = '', token = ''] = auth;
      if (looksLikeToken(token)) out.push({ robot, token, range: whole, inner: 'auth' });
      continue;
    }
    const inner: RawHit[] = [];
    scanLevel(decoded, depth + 1, known, inner, () => undefined);
    if (inner.length === 0) continue;
    const encoding = classify(d.decoded);
    const hosts = encoding === 'base64' ? undefined : configHosts(d.decoded.toString('utf8'), encoding === 'dockercfg');
    for (const hit of inner) {
      const range = hitRange(d, { inner: hit.inner, from: hit.range.start, to: hit.range.end });
      outer({ ...hit, range }, encoding, hosts?.get(hit.robot));
    }
  }
}

/** Robot name → the host of the first `auths` key holding it. */
function configHosts(json: string, legacy: boolean): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readDockerConfig(json, legacy) ?? []) {
    if (e.username === undefined || out.has(e.username)) continue;
    out.set(e.username, e.key.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '').split('/')[0] ?? e.key);
  }
  return out;
}

/**
 * Every robot credential in `text`, in text order. `knownTokens` (fingerprint → robot) lets a token be named
 * when no robot name is written near it.
 */
export function findCredentials(text: string, knownTokens?: ReadonlyMap<string, string>): FoundCredential[] {
  if (!mayHoldCredential(text)) return [];
  const found: Omit<FoundCredential, 'line' | 'column'>[] = [];
  const top: RawHit[] = [];
  scanLevel(text, 0, knownTokens, top, (hit, encoding, host) => {
    found.push({ robot: hit.robot, encoding, inner: hit.inner, ...(host !== undefined ? { host } : {}), range: hit.range, fingerprint: tokenFingerprint(hit.token) });
  });
  for (const hit of top) {
    found.push({ robot: hit.robot, encoding: hit.inner === 'auth' ? 'auth' : 'raw', range: hit.range, fingerprint: tokenFingerprint(hit.token) });
  }
  found.sort((a, b) => a.range.start - b.range.start);
  const starts = lineStarts(text);
  return found.map((f) => ({ ...f, ...position(starts, f.range.start) }));
}

/** A robot credential recognised by its shape in a text, offline. */
export interface RecognisedCredential {
  /** `namespace+short`. */
  readonly robot: string;
  /** The registry host the credential is for, when the text says (a `.dockerconfigjson` key). */
  readonly host?: string;
  /** 1-based. */
  readonly line: number;
  readonly column: number;
  /** Length of the text that holds it (for the diagnostic's range). */
  readonly length: number;
  readonly encoding: string;
}

/** `findCredentials` for an editor diagnostic: where each credential is and how long its text is. */
export function recogniseCredentials(text: string): RecognisedCredential[] {
  return findCredentials(text).map((f) => ({
    robot: f.robot,
    ...(f.host !== undefined ? { host: f.host } : {}),
    line: f.line,
    column: f.column,
    length: f.range.end - f.range.start,
    encoding: f.encoding,
  }));
}
