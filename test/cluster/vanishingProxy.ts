/**
 * A TLS proxy in front of a test API server (cluster.ts), serving the API server's own certificate, so a kubeconfig
 * can point at it instead. `goAwayOn(match)`: the first request `match` accepts is not passed on; the proxy stops
 * listening and drops every connection, exactly as a stopped API server would, at a known request (no timing).
 * `comeBack()` listens again on the same port.
 */
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TestCluster } from './cluster';

export class VanishingProxy {
  private server: https.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private trigger: ((method: string, path: string) => boolean) | undefined;
  port = 0;
  constructor(private readonly c: Pick<TestCluster, 'url' | 'caPem' | 'serving'>) {}

  /** `https://127.0.0.1:<port>`, once listening. */
  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    const target = new URL(this.c.url);
    const server = https.createServer({ cert: this.c.serving.certPem, key: this.c.serving.keyPem }, (req, res) => {
      if (this.trigger?.(req.method ?? 'GET', req.url ?? '/') === true) {
        this.trigger = undefined;
        this.goAway();
        return;
      }
      const upstream = https.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, ca: this.c.caPem }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  goAwayOn(match: (method: string, path: string) => boolean): void {
    this.trigger = match;
  }

  private goAway(): void {
    this.server?.close();
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  comeBack(): Promise<void> {
    return this.listen();
  }

  close(): void {
    this.goAway();
  }
}
