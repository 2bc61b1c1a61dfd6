import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import type { Logger } from '../../../src/core/log';
import { QuayApiError, type QuayErrorReason } from '../../../src/core/quay/errors';

/** A logger that keeps every line, with its level, for assertions. */
export function memoryLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const push =
    (level: string) =>
    (message: string): void => {
      lines.push(`${level} ${message}`);
    };
  return { lines, logger: { trace: push('trace'), debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') } };
}

/** Awaits `p`, which must reject with a `QuayApiError` of `reason`; returns that error for more assertions. */
export async function rejectsWith(p: Promise<unknown>, reason: QuayErrorReason): Promise<QuayApiError> {
  try {
    await p;
  } catch (error) {
    assert.ok(error instanceof QuayApiError, `expected a QuayApiError, got ${String(error)}`);
    assert.equal(error.reason, reason, error.message);
    return error;
  }
  assert.fail(`expected ${reason}, got success`);
}

export interface LocalServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A throwaway node:http server on 127.0.0.1, port 0, for behaviours the sandbox cannot produce; with `tls`
 * (a certificate and key for 127.0.0.1, e.g. the sandbox's `issuer.tls`) it serves https.
 */
export async function localServer(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void, tls?: { readonly certPem: string; readonly keyPem: string }): Promise<LocalServer> {
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  };
  const server = tls === undefined ? createServer(onRequest) : createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(text);
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = await localServer(() => undefined);
  await s.close();
  return s.port;
}
