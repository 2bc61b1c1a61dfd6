/**
 * A quiet start-up (README, "Benchmarks", Start-up): the extension's cost when VS Code starts with the Quay view closed, in the real
 * VS Code (code-server + Chromium, as the E2E tests run it) against the `demo` sandbox configured as an instance.
 *
 * Per run: the time to the workbench and to the extension host's "Eager extensions activated", the extension's
 * activation time as VS Code measures it (Developer: Show Running Extensions: code loading + the `activate` call),
 * and every request the sandbox receives from VS Code's start until 30 s after the workbench is ready.
 * Baseline: the same VS Code without the extension (code-server has no `--disable-extension`), in the same run.
 * Targets: no request before the view opens or the daily reminder is due; the reminder's requests within the
 * token-age budget; activation under 100 ms. Prints the figures; fails nothing.
 * Beside them, the cost of loading the bundle alone (requireBundle.ts), and the load average of each figure.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { REPO_ROOT, runCommand, startVSCode, waitUntil, type StartOptions } from '../e2e/harness';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { table } from './report';

const WATCH_MS = 30_000;
/** Token ages: at most 20 log requests per namespace (README, core/rotation/tokenAge.ts). */
const AGE_BUDGET_PER_NAMESPACE = 20;

/** Runs of `requireBundle.js` (loading the bundle alone, outside VS Code), their median printed. */
const REQUIRE_RUNS = 7;

/** The 1-minute load average: figures on this shared machine mean little without it. */
function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?';
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** What loading dist/extension.js costs by itself (a fresh Node per run), as the median of REQUIRE_RUNS. */
function requireTime(bundle: string): string {
  const runs: { wallMs: number; cpuMs: number; load: string }[] = [];
  for (let i = 0; i < REQUIRE_RUNS; i++) {
    const load = loadAverage();
    const out = execFileSync(process.execPath, [join(REPO_ROOT, 'out', 'test', 'bench', 'requireBundle.js'), bundle], { encoding: 'utf8' });
    runs.push({ ...(JSON.parse(out) as { wallMs: number; cpuMs: number }), load });
  }
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  return `require of the bundle alone (stand-in vscode, fresh Node, ${REQUIRE_RUNS} runs, load average ${runs.map((r) => r.load).join('/')}): median ${ms(median(runs.map((r) => r.cpuMs)))} CPU, ${ms(median(runs.map((r) => r.wallMs)))} wall`;
}

interface Run {
  label: string;
  /** The load average when the run started. */
  load: string;
  startupMs: number;
  readyMs: number;
  /** "Activation: 42ms" as Show Running Extensions shows it, or why there is none. */
  activation: string;
  activationMs: number | undefined;
  requests: { atMs: number; method: string; path: string }[];
}

/** The extension's row in Developer: Show Running Extensions: code loading + activate call, in ms. */
async function runningExtensionsActivation(page: Page): Promise<{ text: string; ms: number | undefined }> {
  await runCommand(page, 'Developer: Show Running Extensions');
  const row = page.locator('.runtime-extensions-editor .extension').filter({ hasText: /Quay Robot Accounts|quaytools\.quay-robots/ });
  const text = await waitUntil(
    async () => {
      if ((await row.count()) === 0) return undefined;
      const t = ((await row.first().locator('.activation-time').textContent()) ?? '').trim();
      return /\d+ms/.test(t) ? t : undefined;
    },
    { timeout: 15_000, message: 'the extension in Show Running Extensions with its activation time' },
  ).catch(() => 'not activated');
  const m = /(\d+)ms/.exec(text);
  return { text, ms: m ? Number(m[1]) : undefined };
}

async function measure(sandbox: Sandbox, label: string, options: StartOptions, activated: boolean): Promise<Run> {
  const requests: Run['requests'] = [];
  const load = loadAverage();
  const t0 = performance.now();
  // A hold that holds nothing: its matcher sees every request (method and path) as it arrives.
  const watch = sandbox.hold((r) => {
    requests.push({ atMs: performance.now() - t0, method: r.method, path: r.path });
    return false;
  });
  const session = await startVSCode({ name: `bench-activation-${label}`, ...options });
  try {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, t0 + session.readyMs + WATCH_MS - performance.now())));
    watch.release();
    const during = requests.filter((r) => r.atMs <= session.readyMs + WATCH_MS);
    const activation = activated ? await runningExtensionsActivation(session.page) : { text: 'disabled', ms: undefined };
    return { label, load, startupMs: session.startupMs, readyMs: session.readyMs, activation: activation.text, activationMs: activation.ms, requests: during };
  } finally {
    watch.release();
    await session.close();
  }
}

export async function benchActivation(): Promise<string> {
  const sandbox = await startSandbox({ seed: 'demo' });
  try {
    const settings = (reminder: boolean) => ({
      'quay.instances': [{ url: sandbox.url, label: 'Sandbox', tokenEnvironmentVariable: 'QUAY_E2E_TOKEN' }],
      'quay.rotation.dailyReminder': reminder,
    });
    const env = { QUAY_E2E_TOKEN: sandbox.tokens.admin };
    const bundle = join(REPO_ROOT, 'dist', 'extension.js');
    const loading = requireTime(bundle);
    const runs: Run[] = [];
    runs.push(await measure(sandbox, 'baseline: without the extension', { settings: settings(true), env, withoutExtension: true }, false));
    runs.push(await measure(sandbox, 'extension, reminder off', { settings: settings(false), env }, true));
    // A fresh profile has never shown the reminder: it is due, and runs 5 s after activation.
    runs.push(await measure(sandbox, 'extension, reminder due', { settings: settings(true), env }, true));

    const rows = runs.map((r) => [
      r.label,
      r.load,
      `${(r.startupMs / 1000).toFixed(1)} s`,
      `${(r.readyMs / 1000).toFixed(1)} s`,
      r.activation,
      String(r.requests.length),
      r.requests.length === 0 ? '' : `first at +${((r.requests[0]?.atMs ?? 0) / 1000 - r.readyMs / 1000).toFixed(1)} s after ready`,
    ]);
    // What is loaded: `npm run build` (development: source maps, not minified) or `--production` (what the VSIX ships).
    // Only the development build links a source map (a stale .map may sit beside a production build, so the text decides).
    const minified = !readFileSync(bundle, 'utf8').includes('//# sourceMappingURL=');
    const kind = minified ? 'production build (node scripts/build.mjs --production, as packaged)' : 'development build (npm run build; the VSIX ships the minified one)';
    const lines = [
      `activation: VS Code with the extension and the demo sandbox as an instance, Quay view closed, ${WATCH_MS / 1000} s watched after the extension host is ready`,
      `bundle: dist/extension.js ${(statSync(bundle).size / 1024).toFixed(0)} KB, ${kind}; undici (dist/undici.js) loads with the first request`,
      loading,
      table(['run', 'load avg.', 'workbench', 'ext. host ready', 'activation (Show Running Extensions)', 'requests to Quay', ''], rows),
    ];
    for (const r of runs) {
      if (r.requests.length === 0) continue;
      const byPath = new Map<string, number>();
      for (const q of r.requests) byPath.set(`${q.method} ${q.path}`, (byPath.get(`${q.method} ${q.path}`) ?? 0) + 1);
      lines.push(`\n${r.label}: ${r.requests.length} requests`);
      for (const [k, n] of byPath) lines.push(`  ${n} × ${k}`);
    }
    const quiet = runs.find((r) => r.label === 'extension, reminder off');
    const due = runs.find((r) => r.label === 'extension, reminder due');
    const logReads = due?.requests.filter((q) => /\/(aggregatelogs|logs)\/?$/.test(q.path)) ?? [];
    const ages = logReads.length;
    // The namespaces whose logs were read (`/api/v1/user/…` or `/api/v1/organization/<org>/…`), each with its budget.
    const namespaces = new Set(logReads.map((q) => q.path.replace(/\/(aggregatelogs|logs)\/?$/, ''))).size;
    const budget = namespaces * AGE_BUDGET_PER_NAMESPACE;
    lines.push(
      '',
      `target: no request before the view opens or the reminder is due: ${quiet?.requests.length === 0 ? 'met' : `MISSED (${quiet?.requests.length ?? '?'} requests)`}`,
      `target: the reminder's log reads within the token-age budget: ${ages} log requests for ${namespaces} namespaces (budget ${budget}): ${ages <= budget ? 'met' : 'MISSED'}`,
      `target: activation under 100 ms: ${runs
        .filter((r) => r.activationMs !== undefined)
        .map((r) => `${r.activationMs ?? 0} ms (${r.label}) ${(r.activationMs ?? 0) < 100 ? 'met' : 'MISSED'}`)
        .join('; ')}`,
    );
    return lines.join('\n');
  } finally {
    await sandbox.close();
  }
}
