import type { Role } from './types';

/**
 * Hand-written validators for Quay's JSON (no schema library). Each reader names the field it
 * looked at (`robots[3].name`), so a bad answer becomes a precise invalidResponse error. Extra
 * fields are always tolerated; `null` counts as absent for optional fields.
 */

export type JsonObject = Readonly<Record<string, unknown>>;

/** Thrown by the readers; the transport turns it into QuayApiError('invalidResponse') naming endpoint and field. */
export class ShapeError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`field "${field}" ${problem}`);
  }
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function join(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}

export function obj(value: unknown, at: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ShapeError(at === '' ? '(body)' : at, value === undefined ? 'is missing' : `should be an object, got ${kind(value)}`);
  }
  return value as JsonObject;
}

export function objAt(o: JsonObject, key: string, at: string): JsonObject {
  return obj(o[key], join(at, key));
}

export function optObjAt(o: JsonObject, key: string, at: string): JsonObject | undefined {
  const value = o[key];
  return value === undefined || value === null ? undefined : obj(value, join(at, key));
}

export function list(value: unknown, at: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(at === '' ? '(body)' : at, value === undefined ? 'is missing' : `should be an array, got ${kind(value)}`);
  return value;
}

export function listAt(o: JsonObject, key: string, at: string): readonly unknown[] {
  return list(o[key], join(at, key));
}

export function optListAt(o: JsonObject, key: string, at: string): readonly unknown[] | undefined {
  const value = o[key];
  return value === undefined || value === null ? undefined : list(value, join(at, key));
}

export function str(o: JsonObject, key: string, at: string): string {
  const value = o[key];
  if (typeof value !== 'string') throw new ShapeError(join(at, key), value === undefined ? 'is missing' : `should be a string, got ${kind(value)}`);
  return value;
}

export function optStr(o: JsonObject, key: string, at: string): string | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ShapeError(join(at, key), `should be a string, got ${kind(value)}`);
  return value;
}

export function bool(o: JsonObject, key: string, at: string): boolean {
  const value = o[key];
  if (typeof value !== 'boolean') throw new ShapeError(join(at, key), value === undefined ? 'is missing' : `should be a boolean, got ${kind(value)}`);
  return value;
}

export function optBool(o: JsonObject, key: string, at: string): boolean | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new ShapeError(join(at, key), `should be a boolean, got ${kind(value)}`);
  return value;
}

export function optNum(o: JsonObject, key: string, at: string): number | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShapeError(join(at, key), `should be a number, got ${kind(value)}`);
  return value;
}

export function oneOf<T extends string>(o: JsonObject, key: string, at: string, allowed: readonly T[]): T {
  const value = str(o, key, at);
  if (!(allowed as readonly string[]).includes(value)) throw new ShapeError(join(at, key), `should be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

const ROLES: readonly Role[] = ['read', 'write', 'admin'];
export function role(o: JsonObject, key: string, at: string): Role {
  return oneOf(o, key, at, ROLES);
}

/** An RFC 2822 date (`Thu, 01 Dec 2016 00:00:00 -0000`) or null/absent. */
export function optDate(o: JsonObject, key: string, at: string): Date | undefined {
  const value = optStr(o, key, at);
  if (value === undefined || value === '') return undefined;
  const date = parseRfc2822(value);
  if (date === undefined) throw new ShapeError(join(at, key), `should be an RFC 2822 date, got "${value}"`);
  return date;
}

export function date(o: JsonObject, key: string, at: string): Date {
  const value = optDate(o, key, at);
  if (value === undefined) throw new ShapeError(join(at, key), 'is missing');
  return value;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Parses the dates Python's `email.utils.formatdate` writes (contract §0.8); undefined when it is not one. */
export function parseRfc2822(text: string): Date | undefined {
  const m = /^\s*(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s+(\d{2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|GMT|UTC|UT|Z)?\s*$/.exec(text);
  if (m === null) return undefined;
  const month = MONTHS.indexOf(m[2].toLowerCase());
  if (month < 0) return undefined;
  let offsetMinutes = 0;
  const zone = m[7];
  if (zone !== undefined && /^[+-]\d{4}$/.test(zone)) {
    const sign = zone.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
  }
  const ms = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6] ?? '0')) - offsetMinutes * 60_000;
  const result = new Date(ms);
  return Number.isNaN(result.getTime()) ? undefined : result;
}

export function strValue(value: unknown, at: string): string {
  if (typeof value !== 'string') throw new ShapeError(at, value === undefined ? 'is missing' : `should be a string, got ${kind(value)}`);
  return value;
}
