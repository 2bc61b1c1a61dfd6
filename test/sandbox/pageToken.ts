/**
 * Page tokens as Quay makes them (`util/pagination.py`, contract §0.8): the JSON page state
 * encrypted as a real Fernet token (version 0x80, timestamp, AES-128-CBC, HMAC-SHA256; url-safe
 * base64 — hence the `gAAAAA` prefix), TTL 2 days. Anything that does not decrypt is "no token".
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TTL_S = 2 * 24 * 3600;
const MAX_CLOCK_SKEW_S = 60;

/**
 * `{"start_index": <id or ISO datetime>, "page_number", "is_datetime", "offset_val"}`, or
 * `{"tti": n}` (the next log table). Values are JSON scalars.
 */
export type PageState = Readonly<Record<string, string | number | boolean | null>>;

export class PageTokens {
  private readonly signingKey: Buffer;
  private readonly encryptionKey: Buffer;

  constructor(
    /** The sandbox's time in whole seconds (`SandboxClock.nowS`). */
    private readonly nowS: () => number,
    key: Buffer = randomBytes(32),
  ) {
    this.signingKey = key.subarray(0, 16);
    this.encryptionKey = key.subarray(16, 32);
  }

  encrypt(state: PageState, nowS = this.nowS()): string {
    // Python's json.dumps (spaced separators) of the dict, as Quay does.
    const text = `{${Object.entries(state)
      .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
      .join(', ')}}`;
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-128-cbc', this.encryptionKey, iv);
    const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(BigInt(nowS));
    const body = Buffer.concat([Buffer.from([0x80]), ts, iv, ciphertext]);
    const mac = createHmac('sha256', this.signingKey).update(body).digest();
    return Buffer.concat([body, mac]).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  }

  /** The decrypted page state, or undefined for anything invalid, tampered or expired. */
  decrypt(token: string | null | undefined, nowS = this.nowS()): Record<string, unknown> | undefined {
    if (!token || !/^[A-Za-z0-9_=-]+$/.test(token)) return undefined;
    const data = Buffer.from(token.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (data.length < 1 + 8 + 16 + 16 + 32 || data[0] !== 0x80) return undefined;
    const body = data.subarray(0, data.length - 32);
    const mac = data.subarray(data.length - 32);
    const expected = createHmac('sha256', this.signingKey).update(body).digest();
    if (!timingSafeEqual(mac, expected)) return undefined;
    const ts = Number(body.readBigUInt64BE(1));
    if (ts + TTL_S < nowS || ts > nowS + MAX_CLOCK_SKEW_S) return undefined;
    try {
      const decipher = createDecipheriv('aes-128-cbc', this.encryptionKey, body.subarray(9, 25));
      const text = Buffer.concat([decipher.update(body.subarray(25)), decipher.final()]).toString('utf8');
      const parsed: unknown = JSON.parse(text);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
}
