/**
 * JSON exactly as Quay's Python stack writes it. Three writers are in play (contract §0.4):
 * Flask-RESTful `json.dumps(data) + "\n"` (spaced separators, insertion order), Flask `jsonify`
 * (compact separators, sorted keys, trailing newline) and `util.http.abort` (`json.dumps`, no newline).
 * All escape non-ASCII (`ensure_ascii=True`). Python's `repr` is needed for a few messages
 * (jsonschema errors, the prototype team-does-not-exist tuple, issuer lists).
 */

/** A Python float: serialised with a decimal point even when integral (`0.0`, not `0`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type Json = null | boolean | number | string | PyFloat | readonly Json[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: Json;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PyFloat);
}

function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${n}.0`;
  return String(n);
}

/** A JSON string literal with Python's `ensure_ascii` escaping. */
export function pyJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i];
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c > 0x7e) {
      // 0x7f is ASCII and Python leaves it alone; everything above 0x7f is escaped (UTF-16 units).
      out += c === 0x7f ? ch : `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

export interface DumpOptions {
  /** `(",", ":")` separators (Flask `jsonify`) instead of Python's default `(", ", ": ")`. */
  readonly compact?: boolean;
  readonly sortKeys?: boolean;
}

export function pyDumps(value: Json, options: DumpOptions = {}): string {
  const itemSep = options.compact ? ',' : ', ';
  const keySep = options.compact ? ':' : ': ';
  const write = (v: Json): string => {
    if (v === null) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return Number.isInteger(v) ? String(v) : floatRepr(v);
    if (typeof v === 'string') return pyJsonString(v);
    if (v instanceof PyFloat) return floatRepr(v.value);
    if (Array.isArray(v)) return `[${(v as readonly Json[]).map(write).join(itemSep)}]`;
    const obj = v as JsonObject;
    let keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
    if (options.sortKeys) keys = [...keys].sort();
    return `{${keys.map((k) => `${pyJsonString(k)}${keySep}${write(obj[k])}`).join(itemSep)}}`;
  };
  return write(value);
}

/** Python `repr()` of a JSON-like value (`'text'`, `True`, `None`, `{'k': 'v'}`). */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : floatRepr(value);
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (typeof value === 'string') {
    const useDouble = value.includes("'") && !value.includes('"');
    const q = useDouble ? '"' : "'";
    let out = q;
    for (const ch of value) {
      if (ch === '\\') out += '\\\\';
      else if (ch === q) out += `\\${q}`;
      else if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if ((ch.codePointAt(0) ?? 0) < 0x20 || ch === '\x7f') out += `\\x${(ch.codePointAt(0) ?? 0).toString(16).padStart(2, '0')}`;
      else out += ch;
    }
    return out + q;
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`;
  }
  return typeof value === 'bigint' ? value.toString() : '<object>';
}

/** Python `str()`: strings as they are, anything else as its repr. */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}
