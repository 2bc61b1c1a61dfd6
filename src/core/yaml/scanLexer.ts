/**
 * The lexical part of the quick manifest reader (`scan.ts`): lines, quoted and plain scalars, map keys and one-line
 * flow collections. Each reader either returns what it read or gives up (`GiveUp`), and the document is then parsed
 * with `yaml`.
 */

/** Plain scalars that the YAML 1.2 core schema (with merge keys) does not resolve to a string. */
const NOT_A_STRING =
  /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|<<)?$/;

/** Characters a plain scalar (or plain key) may not start with here. */
const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`']);

/** Character codes the scanner compares with. */
export const SPACE = 32;
export const HASH = 35; // #
export const PERCENT = 37; // %
export const COMMA = 44; // ,
export const DASH = 45; // -
export const DOT = 46; // .
export const COLON = 58; // :
export const LEFT_BRACKET = 91; // [
export const RIGHT_BRACKET = 93; // ]
export const LEFT_BRACE = 123; // {
export const RIGHT_BRACE = 125; // }
export const CR = 13;
export const BYTE_ORDER_MARK = 0xfeff;

/** `,` `[` `]` `{` `}` */
function isFlowIndicator(code: number): boolean {
  return code === COMMA || code === LEFT_BRACKET || code === RIGHT_BRACKET || code === LEFT_BRACE || code === RIGHT_BRACE;
}

/** Thrown where the quick reader stops: the document needs a real parse. */
export class GiveUp extends Error {}

export function giveUp(): never {
  throw new GiveUp();
}

export interface Line {
  readonly text: string;
  /** Offset of the first character after the indentation. */
  readonly at: number;
  /** Offset of the line end (before `\r\n` or `\n`). */
  readonly end: number;
  readonly indent: number;
}

/** The end of a value that may be followed by spaces and a comment: the offset after the value, else give up. */
export function expectLineEnd(line: Line, from: number): void {
  let i = from;
  while (i < line.end && line.text.charCodeAt(i) === SPACE) i++;
  if (i === line.end) return;
  if (line.text.charCodeAt(i) !== HASH || i === from) giveUp();
}

/** A quoted scalar on one line starting at `from`: its value and end (after the closing quote). */
export function quoted(line: Line, from: number): { value: string; end: number } {
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
export function plainStart(line: Line, i: number, flow: boolean): boolean {
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
export function plain(line: Line, from: number, flow: boolean): { value: string; end: number } {
  const { text } = line;
  let end = from;
  let i = from;
  while (i < line.end) {
    const c = text.charCodeAt(i);
    if (c === HASH && text.charCodeAt(i - 1) === SPACE) break;
    if (flow && isFlowIndicator(c)) break;
    if (c === COLON) {
      const n = text.charCodeAt(i + 1);
      if (i + 1 >= line.end || n === SPACE || (flow && (n === COMMA || n === RIGHT_BRACKET || n === RIGHT_BRACE))) {
        if (!flow) giveUp();
        break;
      }
    }
    i++;
    if (c !== SPACE) end = i;
  }
  return { value: text.slice(from, end), end };
}

export function isString(plainValue: string): boolean {
  return !NOT_A_STRING.test(plainValue);
}

/**
 * Where a map key starts at `from`: its string and the offset after its `:` (followed by a space or the line
 * end), or undefined when the text there is not a key (a scalar item, or something to give up on).
 */
export function mapKey(line: Line, from: number): { key: string; after: number } | undefined {
  const { text } = line;
  const c = text[from] ?? '';
  let key: string;
  let i: number;
  if (c === '"' || c === "'") {
    const q = quoted(line, from);
    key = q.value;
    i = q.end;
    while (text.charCodeAt(i) === SPACE && i < line.end) i++;
    if (text.charCodeAt(i) !== COLON) return undefined;
  } else {
    if (!plainStart(line, from, false)) giveUp();
    i = from;
    for (;;) {
      if (i >= line.end) return undefined;
      const ch = text.charCodeAt(i);
      if (ch === HASH && text.charCodeAt(i - 1) === SPACE) return undefined;
      if (ch === COLON && (i + 1 >= line.end || text.charCodeAt(i + 1) === SPACE)) break;
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
export function flowCollection(line: Line, from: number): number {
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
