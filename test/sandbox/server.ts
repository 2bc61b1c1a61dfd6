/**
 * The Quay sandbox: a Quay-compatible HTTP(S) server on loopback for tests, benchmarks and the demo.
 * It follows `quay-api-contract.md` (shared docs) quirks included; see `AGENTS.md` for how to use it.
 *
 * In front of the Quay application (`app.ts`) it plays the parts a real deployment has around Quay:
 * nginx's per-IP rate limiting on `/api/`, plus fault injection (raw 500s, dropped connections), latency
 * and holds (requests kept waiting until a test releases them), all before a request has any effect.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { QuayApp } from './app';
import { SandboxClock, type ClockInput } from './clock';
import type { Services } from './api/common';
import { renderGunicorn500, renderHtml404, renderNginx429, type Reply } from './context';
import { FederationService } from './federation';
import { featuresOf, type ClientConfigOptions } from './api/clientConfig';
import { ALL_SCOPES, Model, type SandboxState } from './model';
import type { LogsModelName } from './logModels';
import { generateRsaKey, serveIssuer, type MintOptions } from './oidc';
import { PageTokens } from './pageToken';
import { applySeed, type SeedName } from './seeds';
import { makeTlsMaterial, type TlsMaterial } from './tls';
import { seededRandom, sleep } from './util';

export type { SeedName } from './seeds';
export type { LogsModelName } from './logModels';
export type { SandboxState, RobotView, RepositoryView, PrototypeView, TeamView, LogView, TokenView, RepoRole, TeamRole, FederationEntry } from './model';

export interface SandboxOptions {
  /** 0 / undefined = a random free port. */
  port?: number;
  /** Default `demo`. */
  seed?: SeedName;
  /** Added to every response. */
  latencyMs?: number;
  /** nginx-style: N requests/s per client IP on `/api/`, burst `rateBurst` (default 25), nodelay; excess → 429 HTML, no Retry-After. */
  rateLimit?: number;
  rateBurst?: number;
  /** 0..1: share of `/api/` requests answered with a raw 500, decided before the request has any effect. */
  failRate?: number;
  /** 0..1: share of `/api/` requests whose socket is destroyed without a response (before any effect). */
  dropRate?: number;
  /** `ROBOTS_DISALLOW`. */
  robotsDisallow?: boolean;
  /** Quay's `__version__`, shown by `GET /config` as `Quay <version>` (default `3.18.0`); before 3.17 `/config` does not show `ROBOTS_DISALLOW`. */
  quayVersion?: string;
  /** quay.io-like: `FEATURE_BILLING` on, so `/config` shows an empty `version_number`. */
  billing?: boolean;
  /** `FEATURE_*` values (without the prefix) that differ from Quay's defaults; `AGGREGATED_LOG_COUNT_RETRIEVAL: false` also removes the aggregatelogs routes. */
  features?: Readonly<Record<string, boolean>>;
  /** false: `GET /config` is Flask's 404 (a Quay or a proxy without it). Default true. */
  clientConfig?: boolean;
  /** Serve https with a throwaway CA (see `caPem`). */
  tls?: boolean;
  /** Makes fail/drop decisions reproducible. */
  randomSeed?: number;
  /**
   * Extra CA certificates (PEM) the token exchange trusts beside the test CA, as a real Quay's extra CA
   * certificates: e.g. a test Kubernetes API server's CA, so its discovery and JWKS are fetched over https.
   */
  trustedCaPem?: string;
  /**
   * The sandbox's time at start (a Date or an ISO 8601 string such as `2026-12-07T12:00:00Z`); default: the real
   * time. The clock advances with real time from there. The seeds' history, logs, `last_accessed`, creations,
   * regenerations and every minted token (`iat`/`exp`) use it (`clock.ts`).
   */
  now?: Date | string;
  /**
   * Which of Quay's log storages to reproduce (`logModels.ts`, contract §8): `table` (default, Quay's default database
   * storage: aggregates by day of the month, merged, 500 on an impossible date) or `document` (Elasticsearch/Splunk:
   * real UTC days, 32-day limit; an unknown `performer` on `/logs` is ignored instead of a 500).
   */
  logsModel?: LogsModelName;
  /** `FEATURE_REPO_MIRROR`, default true; false: `GET …/mirror` is not routed (contract §3, mirrors). */
  repoMirror?: boolean;
  /** `FEATURE_ORG_MIRROR` (Quay 3.17+), default true. */
  orgMirror?: boolean;
}

export interface SandboxFaults {
  latencyMs?: number;
  failRate?: number;
  dropRate?: number;
  /** `undefined` turns rate limiting off. */
  rateLimit?: number | undefined;
  /** Restarts the fail/drop decisions from this seed, so that the requests that follow meet a known sequence. */
  randomSeed?: number;
}

/** What a hold matches a request by. */
export interface HeldRequest {
  readonly method: string;
  /** The path, without the query. */
  readonly path: string;
}

/** Requests held by `Sandbox.hold`: they wait, before having any effect, until `release()`. */
export interface SandboxHold {
  /** How many requests the hold has caught so far. */
  readonly held: number;
  /** Resolves once the hold has caught `count` requests. */
  untilHeld(count: number): Promise<void>;
  /** Lets the held requests go on, in the order they came, and ends the hold (later requests are not held). */
  release(): void;
}

export interface SandboxIssuer {
  /** `https://127.0.0.1:<port>/oidc`, served beside the sandbox with a certificate from the test CA. */
  readonly url: string;
  /** The test CA the sandbox's exchange trusts (as Quay trusts its system CAs); trust it to fetch the issuer. */
  readonly caPem: string;
  /** The test CA plus a certificate and key for 127.0.0.1/localhost signed by it: for more test IdPs the exchange trusts. */
  readonly tls: TlsMaterial;
  /** An RS256/RS384 JWT signed by the issuer key; defaults iss = url, iat = now, exp = now + expiresInS (600). */
  mint(claims: Record<string, unknown>, opts?: MintOptions): string;
}

export interface SandboxStats {
  /** Every request received (including dropped ones). */
  readonly requests: number;
  /** Responses by status; dropped connections count under 0. */
  readonly byStatus: Record<number, number>;
  reset(): void;
}

export interface Sandbox {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** `SERVER_HOSTNAME`, e.g. `127.0.0.1:41234` — used in registry hosts / auths keys. */
  readonly hostname: string;
  /** The CA that signed the server certificate (when `tls`): the same test CA as `issuer.caPem`. */
  readonly caPem?: string;
  /** Ready-made OAuth tokens (40 chars `[A-Z0-9]`). */
  readonly tokens: {
    /** alice, all scopes. */
    readonly admin: string;
    /** alice, `org:admin` only. */
    readonly orgAdminOnly: string;
    /** bob (plain member of acme), all scopes. */
    readonly member: string;
    /** alice, `user:read` only. */
    readonly userReadOnly: string;
  };
  mintToken(username: string, scopes: readonly string[]): string;
  /** Later requests with it act as anonymous (Quay: no immediate 401). */
  revokeToken(token: string): void;
  setFaults(f: SandboxFaults): void;
  /** true: answer like a Quay older than 3.13, which has no robot federation routes (Flask's HTML 404). */
  emulateBefore313(on: boolean): void;
  /** Changes the configuration while running, as an administrator's config.yaml edit and restart would (see `SandboxOptions`). */
  configure(config: Pick<SandboxOptions, 'robotsDisallow' | 'quayVersion' | 'billing' | 'features' | 'clientConfig'>): void;
  /**
   * true: answer like a Quay with robot federation for organizations (3.13) but not yet for robots of a user
   * namespace (3.18, backported to 3.17.2): Flask's HTML 404 on `/api/v1/user/robots/{robot}/federation` only.
   */
  emulateBefore318(on: boolean): void;
  /** Quay's own `logger.warning` lines that the sandbox reproduces (e.g. audience-less federation), oldest first. */
  readonly warnings: readonly string[];
  /**
   * Holds every request that `match` accepts (after latency and fault decisions, before any effect) until the
   * hold is released: a test can act while requests are provably in flight. One hold at a time.
   */
  hold(match: (request: HeldRequest) => boolean): SandboxHold;
  /**
   * The next request that `match` accepts fails before it has any effect: `fail` answers the WSGI server's raw 500
   * (contract §0.4 E, an uncaught exception), `drop` closes the connection without an answer. Later ones pass.
   */
  failNext(match: (request: HeldRequest) => boolean, fate: 'fail' | 'drop'): void;
  readonly issuer: SandboxIssuer;
  readonly state: SandboxState;
  readonly stats: SandboxStats;
  /** The sandbox's time now (see `SandboxOptions.now`). */
  now(): Date;
  /**
   * Moves the sandbox's clock to `at` (a Date or an ISO 8601 string); it advances with real time from there.
   * What exists already (the seeds' history) keeps its dates.
   */
  setNow(at: Date | string): void;
  close(): Promise<void>;
}

/** nginx `limit_req` (leaky bucket in milli-requests, `nodelay`): rejected requests are not counted. */
class RateLimiter {
  private readonly buckets = new Map<string, { excess: number; last: number }>();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly clock: SandboxClock,
  ) {}

  allow(key: string, now = this.clock.now()): boolean {
    const b = this.buckets.get(key);
    if (!b) {
      this.buckets.set(key, { excess: 0, last: now });
      return true;
    }
    const ms = Math.max(0, now - b.last);
    const excess = Math.max(0, b.excess - (this.rate * 1000 * ms) / 1000 + 1000);
    if (excess > this.burst * 1000) return false;
    b.excess = excess;
    if (ms) b.last = now;
    return true;
  }
}

function clientIp(socket: Socket): string {
  const a = socket.remoteAddress ?? '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  // Checked first: a bad `now` throws before anything is started.
  const clock = new SandboxClock(options.now satisfies ClockInput | undefined);
  // One test CA per sandbox: it signs the OIDC issuer's certificate (always https) and, with `tls`, the server's.
  const [testTls, instanceKey, issuerKey] = await Promise.all([
    // Valid until a week past the sandbox's time, for clients that share that time (an E2E's faked clock).
    makeTlsMaterial(undefined, 7 + Math.max(0, Math.ceil(clock.aheadMs / 86_400_000))),
    generateRsaKey(),
    generateRsaKey(),
  ]);
  const tls = options.tls ? testTls : undefined;
  const issuerServer = await serveIssuer(issuerKey, testTls, () => clock.now());
  const issuer = issuerServer.issuer;
  const faults = {
    latencyMs: options.latencyMs ?? 0,
    failRate: options.failRate ?? 0,
    dropRate: options.dropRate ?? 0,
    limiter: options.rateLimit ? new RateLimiter(options.rateLimit, options.rateBurst ?? 25, clock) : undefined,
  };
  const burst = options.rateBurst ?? 25;
  let random = options.randomSeed === undefined ? Math.random : seededRandom(options.randomSeed);
  let before313 = false;
  let before318 = false;
  let hold: { readonly match: (request: HeldRequest) => boolean; readonly catch: () => Promise<void> } | undefined;
  let failNext: { readonly match: (request: HeldRequest) => boolean; readonly fate: 'fail' | 'drop' } | undefined;
  const counters = { requests: 0, byStatus: {} as Record<number, number> };
  const count = (status: number): void => {
    counters.byStatus[status] = (counters.byStatus[status] ?? 0) + 1;
  };

  /** Set once the model is seeded (right after `listen`, before any request can be handled). */
  const holder: { app?: QuayApp } = {};
  const scheme = tls ? 'https' : 'http';
  const sockets = new Set<Socket>();

  const send = (res: http.ServerResponse, reply: Reply): void => {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(reply.headers)) headers[k] = typeof v === 'string' ? v : [...v];
    if (reply.close) headers['Connection'] = 'close';
    headers['Content-Length'] = String(Buffer.byteLength(reply.body));
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    counters.requests++;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const isApi = path.startsWith('/api/');
    const ip = clientIp(req.socket);
    // Decided on arrival, before the request has any effect.
    let fate: 'ok' | 'rate-limited' | 'drop' | 'fail' = 'ok';
    if (isApi && faults.limiter && !faults.limiter.allow(ip)) fate = 'rate-limited';
    else if (isApi && faults.dropRate > 0 && random() < faults.dropRate) fate = 'drop';
    else if (isApi && faults.failRate > 0 && random() < faults.failRate) fate = 'fail';
    if (fate === 'ok' && failNext?.match({ method: req.method ?? 'GET', path }) === true) {
      fate = failNext.fate;
      failNext = undefined;
    }
    res.on('finish', () => count(res.statusCode));

    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 16 * 1024 * 1024) chunks.push(c);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      void (async () => {
        if (faults.latencyMs > 0) await sleep(faults.latencyMs);
        if (hold?.match({ method: req.method ?? 'GET', path }) === true) await hold.catch();
        if (fate === 'drop') {
          count(0);
          req.socket.destroy();
          return;
        }
        if (fate === 'rate-limited') return send(res, renderNginx429());
        if (fate === 'fail') return send(res, renderGunicorn500());
        if (before313 && /^\/api\/v1\/(organization\/[^/]+|user)\/robots\/[^/]+\/federation\/?$/.test(path)) return send(res, renderHtml404());
        if (before318 && /^\/api\/v1\/user\/robots\/[^/]+\/federation\/?$/.test(path)) return send(res, renderHtml404());
        const app = holder.app;
        if (!app) return send(res, renderGunicorn500());
        // `endpoints/api/logs.py`: the three aggregatelogs resources are `@show_if(features.AGGREGATED_LOG_COUNT_RETRIEVAL)`,
        // so with the feature off they do not exist (Flask's 404).
        if (featuresOf(app.services)['AGGREGATED_LOG_COUNT_RETRIEVAL'] === false && /^\/api\/v1\/(organization\/[^/]+|user|repository\/.+)\/aggregatelogs\/?$/.test(path)) return send(res, renderHtml404());
        let url: URL;
        try {
          url = new URL(req.url ?? '/', `${scheme}://${req.headers.host ?? '127.0.0.1'}`);
        } catch {
          url = new URL(`${scheme}://127.0.0.1/`);
        }
        const reply = await app.handle({ method: req.method ?? 'GET', url, headers: req.headers, body: Buffer.concat(chunks), ip });
        send(res, reply);
      })().catch((e: unknown) => {
        console.error('[quay-sandbox] request failed:', e);
        if (!res.headersSent) send(res, renderGunicorn500());
      });
    });
  };

  const server: http.Server = tls ? https.createServer({ key: tls.keyPem, cert: tls.certPem }, onRequest) : http.createServer(onRequest);
  server.keepAliveTimeout = 5000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket: Socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (e: unknown) => {
    await issuerServer.close();
    throw e;
  });
  const port = (server.address() as AddressInfo).port;
  const hostname = `127.0.0.1:${port}`;
  const url = `${scheme}://${hostname}`;

  // Everything below is synchronous, so no request is served before the model is seeded.
  // The chosen time is the time at which the sandbox is ready (generating keys took a moment).
  if (options.now !== undefined) clock.set(options.now);
  const model = new Model(() => clock.now());
  applySeed(model, options.seed ?? 'demo', issuer.url);
  // Mutable: `configure()` changes it while the sandbox runs.
  const config: Services['config'] & { robotsDisallow: boolean; clientConfig: ClientConfigOptions } = {
    robotsDisallow: options.robotsDisallow ?? false,
    hostname,
    logsModel: options.logsModel ?? 'table',
    repoMirror: options.repoMirror ?? true,
    orgMirror: options.orgMirror ?? true,
    clientConfig: {
      quayVersion: options.quayVersion ?? '3.18.0',
      features: { ...options.features, ...(options.billing === true ? { BILLING: true } : {}) },
      served: options.clientConfig ?? true,
    },
  };
  const services: Services = {
    model,
    config,
    pageTokens: new PageTokens(() => clock.nowS()),
    federation: new FederationService(model, instanceKey, hostname, options.trustedCaPem !== undefined ? `${testTls.caPem.trimEnd()}\n${options.trustedCaPem}` : testTls.caPem),
    instanceKey,
  };
  holder.app = new QuayApp(services);
  const tokens = {
    admin: model.mintToken('alice', ALL_SCOPES),
    orgAdminOnly: model.mintToken('alice', ['org:admin']),
    member: model.mintToken('bob', ALL_SCOPES),
    userReadOnly: model.mintToken('alice', ['user:read']),
  };

  let closed: Promise<void> | undefined;
  return {
    url,
    hostname,
    ...(tls ? { caPem: tls.caPem } : {}),
    tokens,
    mintToken: (username, scopes) => {
      if (!model.user(username)) throw new Error(`Unknown sandbox user: ${username}`);
      return model.mintToken(username, scopes);
    },
    revokeToken: (token) => {
      const rec = model.tokens.get(token);
      if (rec) rec.revoked = true;
    },
    emulateBefore313: (on) => {
      before313 = on;
    },
    emulateBefore318: (on) => {
      before318 = on;
    },
    get warnings() {
      return services.federation.warnings;
    },
    configure: (change) => {
      if (change.robotsDisallow !== undefined) config.robotsDisallow = change.robotsDisallow;
      const client = config.clientConfig;
      config.clientConfig = {
        quayVersion: change.quayVersion ?? client.quayVersion,
        features: { ...client.features, ...change.features, ...(change.billing !== undefined ? { BILLING: change.billing } : {}) },
        served: change.clientConfig ?? client.served,
      };
    },
    setFaults: (f) => {
      if (f.latencyMs !== undefined) faults.latencyMs = f.latencyMs;
      if (f.failRate !== undefined) faults.failRate = f.failRate;
      if (f.dropRate !== undefined) faults.dropRate = f.dropRate;
      if ('rateLimit' in f) faults.limiter = f.rateLimit ? new RateLimiter(f.rateLimit, burst, clock) : undefined;
      if (f.randomSeed !== undefined) random = seededRandom(f.randomSeed);
    },
    failNext: (match, fate) => {
      failNext = { match, fate };
    },
    hold: (match) => {
      if (hold !== undefined) throw new Error('The sandbox already holds requests: release that hold first.');
      let held = 0;
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const waiting: { count: number; resolve: () => void }[] = [];
      const state: SandboxHold = {
        get held() {
          return held;
        },
        untilHeld: (count) => (held >= count ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count, resolve }))),
        release: () => {
          hold = undefined;
          release();
        },
      };
      hold = {
        match,
        catch: () => {
          held++;
          for (const w of waiting) if (held >= w.count) w.resolve();
          return released;
        },
      };
      return state;
    },
    issuer: { url: issuer.url, caPem: testTls.caPem, tls: testTls, mint: (claims, opts) => issuer.mint(claims, opts) },
    state: model,
    now: () => clock.date(),
    setNow: (at) => clock.set(at),
    stats: {
      get requests() {
        return counters.requests;
      },
      get byStatus() {
        return counters.byStatus;
      },
      reset() {
        counters.requests = 0;
        counters.byStatus = {};
      },
    },
    close: () =>
      (closed ??= Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
          for (const s of sockets) s.destroy();
        }),
        issuerServer.close(),
      ]).then(() => undefined)),
  };
}
