import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { JsonObject } from './json';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** Python `email.utils.formatdate(ts)` in UTC: `Thu, 01 Dec 2016 00:00:00 -0000` (contract §0.8). */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} -0000`;
}

export function formatDateOrNull(ms: number | null): string | null {
  return ms === null ? null : formatDate(ms);
}

/** `AVATAR_COLORS` from Quay's `config.py`. */
const AVATAR_COLORS = [
  '#969696', '#aec7e8', '#ff7f0e', '#ffbb78', '#2ca02c', '#98df8a', '#d62728', '#ff9896',
  '#9467bd', '#c5b0d5', '#8c564b', '#c49c94', '#e377c2', '#f7b6d2', '#7f7f7f', '#c7c7c7',
  '#bcbd22', '#1f77b4', '#17becf', '#9edae5', '#393b79', '#5254a3', '#6b6ecf', '#9c9ede',
  '#9ecae1', '#31a354', '#b5cf6b', '#a1d99b', '#8c6d31', '#ad494a', '#e7ba52', '#a55194',
];

export type AvatarKind = 'user' | 'robot' | 'org' | 'team';

/** `avatars.BaseAvatar.get_data`: sha256 of the lowercased email (or name), colour from its first hex digits. */
export function avatar(name: string, emailOrId: string | null, kind: AvatarKind): JsonObject {
  const source = (emailOrId || name).trim().toLowerCase();
  const hash = createHash('sha256').update(source, 'utf8').digest('hex');
  const byteCount = Math.ceil(Math.log(AVATAR_COLORS.length) / Math.log(16));
  const color = AVATAR_COLORS[parseInt(hash.slice(0, byteCount), 16) % AVATAR_COLORS.length] ?? AVATAR_COLORS[0] ?? '#969696';
  return { name, hash, color, kind };
}

const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** `random_string_generator`: `[A-Z0-9]{length}` (robot tokens: 64, server-minted OAuth tokens: 40). */
export function randomUpperAlnum(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; out.length < length; i++) {
    if (i >= bytes.length) return out + randomUpperAlnum(length - out.length);
    const b = bytes[i] ?? 0;
    if (b < 252) out += UPPER_DIGITS[b % 36];
  }
  return out;
}

export const uuid4 = (): string => randomUUID();

/** A small seeded PRNG (mulberry32) so fault decisions are reproducible with `randomSeed`. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
