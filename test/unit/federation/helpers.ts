import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import type { FetchJson } from '../../../src/core/federation/issuer';

/** A `FetchJson` over node:http(s) trusting `ca` (the sandbox's test CA): what the extension wires to the instance's transport. */
export function fetchJsonTrusting(ca: string): FetchJson {
  return (url) =>
    new Promise((resolve, reject) => {
      const onResponse = (res: IncomingMessage): void => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      };
      const req = url.startsWith('https:') ? httpsGet(url, { ca }, onResponse) : httpGet(url, onResponse);
      req.on('error', reject);
    });
}

/** An unsigned compact JWT with this header and payload (a signature the decoder never looks at). */
export function fakeJwt(header: unknown, payload: unknown): string {
  const part = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part(header)}.${part(payload)}.c2lnbmF0dXJl`;
}
