/**
 * `npm run sandbox -- [options]`: runs the Quay sandbox until SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { clockTime } from './clock';
import { startSandbox, type SandboxOptions, type SeedName } from './server';

const USAGE = `Usage: npm run sandbox -- [options]

Starts the Quay-compatible sandbox on 127.0.0.1 and prints its URL, hostname, ready-made OAuth
tokens and the test OIDC issuer. Runs until Ctrl-C (SIGINT) or SIGTERM.

Options:
  --port N            port to listen on (default: a random free port)
  --seed NAME         demo | large | history | empty (default: demo)
  --latency-ms N      delay added to every response
  --rate-limit N      nginx-style limit on /api/: N requests/s per client IP (429 HTML beyond the burst)
  --rate-burst N      burst for --rate-limit (default 25)
  --fail-rate R       share (0..1) of /api/ requests answered with a raw 500
  --drop-rate R       share (0..1) of /api/ requests whose connection is dropped without a response
  --robots-disallow   behave as with ROBOTS_DISALLOW (robot creation and robot logins refused;
                      GET /config shows it from Quay 3.17 on)
  --quay-version V    the Quay version GET /config shows as "Quay V" (default 3.18.0)
  --billing           quay.io-like: FEATURE_BILLING on, GET /config shows no version
  --feature NAME=on|off
                      a FEATURE_ flag (without the prefix) in GET /config; repeatable.
                      AGGREGATED_LOG_COUNT_RETRIEVAL=off also removes the aggregatelogs routes
  --no-client-config  GET /config answers 404 (a Quay or a proxy without it)
  --tls               serve https with the throwaway test CA (its PEM is printed)
  --random-seed N     make fail/drop decisions reproducible
  --trusted-ca FILE   PEM CA certificates the token exchange trusts too (e.g. a test API server's CA)
  --now TIME          the sandbox's time at start, ISO 8601 (e.g. 2026-12-07T12:00:00Z); it advances with
                      real time from there and dates the seeds' history, logs and minted tokens
  --logs-model M      table | document (default: table): the log storage whose aggregatelogs answers to
                      reproduce: Quay's default database tables (days of the month, merged; 500 on an
                      impossible date) or Elasticsearch/Splunk documents (real days)
  --help              show this help
`;

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): SandboxOptions | 'help' {
  const options: SandboxOptions = {};
  const number = (flag: string, value: string | undefined, { min = -Infinity, max = Infinity, integer = false } = {}): number => {
    const n = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new UsageError(`${flag} needs a ${integer ? 'whole ' : ''}number${Number.isFinite(min) ? ` ≥ ${min}` : ''}${Number.isFinite(max) ? ` ≤ ${max}` : ''}`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] ?? '';
    const eq = raw.indexOf('=');
    const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--port':
        options.port = number(flag, value(), { min: 0, max: 65535, integer: true });
        break;
      case '--seed': {
        const seed = value();
        if (seed !== 'demo' && seed !== 'large' && seed !== 'history' && seed !== 'empty') throw new UsageError('--seed must be demo, large, history or empty');
        options.seed = seed satisfies SeedName;
        break;
      }
      case '--latency-ms':
        options.latencyMs = number(flag, value(), { min: 0 });
        break;
      case '--rate-limit':
        options.rateLimit = number(flag, value(), { min: 0 });
        break;
      case '--rate-burst':
        options.rateBurst = number(flag, value(), { min: 0, integer: true });
        break;
      case '--fail-rate':
        options.failRate = number(flag, value(), { min: 0, max: 1 });
        break;
      case '--drop-rate':
        options.dropRate = number(flag, value(), { min: 0, max: 1 });
        break;
      case '--robots-disallow':
        options.robotsDisallow = true;
        break;
      case '--quay-version': {
        const version = value();
        if (version === undefined || !/^[\w.+-]{1,64}$/.test(version)) throw new UsageError('--quay-version needs a version such as 3.16.0');
        options.quayVersion = version;
        break;
      }
      case '--billing':
        options.billing = true;
        break;
      case '--feature': {
        const m = /^(?:FEATURE_)?([A-Z0-9_]+)=(on|off|true|false)$/.exec(value() ?? '');
        if (!m) throw new UsageError('--feature needs NAME=on or NAME=off, e.g. AGGREGATED_LOG_COUNT_RETRIEVAL=off');
        options.features = { ...options.features, [m[1] ?? '']: m[2] === 'on' || m[2] === 'true' };
        break;
      }
      case '--no-client-config':
        options.clientConfig = false;
        break;
      case '--tls':
        options.tls = true;
        break;
      case '--trusted-ca': {
        const file = value();
        if (file === undefined || file === '') throw new UsageError('--trusted-ca needs a PEM file');
        options.trustedCaPem = readFileSync(file, 'utf8');
        break;
      }
      case '--random-seed':
        options.randomSeed = number(flag, value(), { integer: true });
        break;
      case '--logs-model': {
        const model = value();
        if (model !== 'table' && model !== 'document') throw new UsageError('--logs-model must be table or document');
        options.logsModel = model;
        break;
      }
      case '--now': {
        const time = value();
        if (time === undefined || time === '') throw new UsageError('--now needs an ISO 8601 date-time, e.g. 2026-12-07T12:00:00Z');
        try {
          clockTime(time);
        } catch (e) {
          throw new UsageError(e instanceof Error ? e.message : String(e));
        }
        options.now = time;
        break;
      }
      default:
        throw new UsageError(`Unknown option: ${raw}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: SandboxOptions | 'help';
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`${e.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const sandbox = await startSandbox(options);
  const faults = [
    options.latencyMs ? `latency ${options.latencyMs} ms` : '',
    options.rateLimit ? `rate limit ${options.rateLimit}/s burst ${options.rateBurst ?? 25}` : '',
    options.failRate ? `fail rate ${options.failRate}` : '',
    options.dropRate ? `drop rate ${options.dropRate}` : '',
    options.robotsDisallow ? 'ROBOTS_DISALLOW' : '',
  ].filter(Boolean);
  const config = [
    options.clientConfig === false ? 'GET /config: 404' : `GET /config: ${options.billing === true ? 'no version (billing, as quay.io)' : `Quay ${options.quayVersion ?? '3.18.0'}`}`,
    ...Object.entries(options.features ?? {}).map(([name, on]) => `FEATURE_${name}=${on ? 'true' : 'false'}`),
  ];
  const lines = [
    `Quay sandbox (seed ${options.seed ?? 'demo'}) listening`,
    `  URL              ${sandbox.url}`,
    `  SERVER_HOSTNAME  ${sandbox.hostname}`,
    `  Clock            ${sandbox.now().toISOString()}${options.now !== undefined ? ' (set by --now, advancing with real time)' : ''}`,
    `  Log storage      ${options.logsModel === 'document' ? 'document (Elasticsearch/Splunk: aggregates by real day)' : 'table (Quay\'s default: aggregates by day of the month)'}`,
    `  OIDC issuer      ${sandbox.issuer.url}   (mint a token: POST ${sandbox.issuer.url}/mint with a JSON claims body)`,
    '',
    'OAuth tokens (use as "Authorization: Bearer <token>"):',
    `  admin          ${sandbox.tokens.admin}   alice, all scopes (user:admin user:read org:admin repo:admin repo:create repo:write repo:read)`,
    `  orgAdminOnly   ${sandbox.tokens.orgAdminOnly}   alice, org:admin`,
    `  member         ${sandbox.tokens.member}   bob, all scopes`,
    `  userReadOnly   ${sandbox.tokens.userReadOnly}   alice, user:read`,
  ];
  if (faults.length) lines.push('', `Faults: ${faults.join(', ')}`);
  lines.push('', `Configuration: ${config.join(', ')}`);
  lines.push('', `Test CA certificate (trust it to verify the OIDC issuer${sandbox.caPem ? ' and the server' : ''}):`, sandbox.issuer.caPem.trimEnd());
  lines.push('', 'Ctrl-C to stop.');
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the sandbox…\n`);
    sandbox.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
