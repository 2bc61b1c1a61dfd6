// `npm test`: lint (eslint, then scripts/check-imports.mjs), type check, build, unit tests (plain Node), then E2E tests in a real VS Code (code-server).
// Cluster tests (test/cluster/, a real kube-apiserver from scripts/install-kube-apiserver.sh) run before the E2E files.
// Prints one closing line "N passed, N failed, N skipped" over all test runs. A test that fails fails the run:
// nothing is run twice. With CI=true a skipped (or todo) test fails the run too.
//
// `npm run test:e2e -- [--repeat N] [name…]`: only the E2E files (those whose name contains one of the names),
// each N times, for hunting flakes; every failing run is listed at the end.
// The full run packages the .vsix once and runs the ON_VSIX files on it, installed with code-server's
// --install-extension into an empty extensions dir; `test:e2e` loads the built folder (QUAY_E2E_VSIX=<file> to choose).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const e2eOnly = args.includes('--e2e-only');
const skipE2e = args.includes('--no-e2e') || process.env.QUAY_SKIP_E2E === '1';
const repeatAt = args.indexOf('--repeat');
const repeat = repeatAt === -1 ? 1 : Number(args[repeatAt + 1]);
if (!Number.isInteger(repeat) || repeat < 1) {
  console.error('--repeat needs a whole number of runs, 1 or more');
  process.exit(2);
}
const names = args.filter((a, i) => !a.startsWith('--') && (repeatAt === -1 || i !== repeatAt + 1));
const ci = process.env.CI === 'true';

const total = { passed: 0, failed: 0, skipped: 0 };
/** Skipped and todo tests, `<where>: <TAP line>`. */
const skips = [];
/** E2E runs that failed, `<file> (run i/N): <failing tests>`. */
const failures = [];
/** Palettes and menus the E2E harness opened again after a focus change closed them (its `openSettled`). */
const reopened = [];
const askedAgain = [];

function summary() {
  return `${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`;
}

/** Adds a TAP stream's closing counts; remembers which tests were skipped and which failed. */
function tally(where, tap) {
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  total.passed += count('pass');
  total.failed += count('fail') + count('cancelled');
  total.skipped += count('skipped') + count('todo');
  for (const line of tap.match(/^\s*(?:not )?ok \d+ - .* # (?:SKIP|TODO)\b.*$/gim) ?? []) skips.push(`${where}: ${line.trim()}`);
  return (tap.match(/^\s*not ok \d+ - .*$/gm) ?? []).map((l) => l.trim());
}

/**
 * The E2E files that run on the packaged extension, installed as a user installs it (README "Packaging"): the smoke test
 * (with the README on the details page), a YAML quick fix, the robot page with Reveal, rotation from the CodeLens,
 * the access matrix. The others load the built folder. Each file runs once either way.
 */
const ON_VSIX = ['smoke', 'manifests', 'robotPage', 'rotation', 'matrix'].map((n) => `${n}.test.js`);
/** The .vsix `npm run package` wrote (scripts/check-package.mjs), when this run packaged it. */
let vsix;

function exec(cmd, cmdArgs, capture, env = {}) {
  const r = spawnSync(cmd, cmdArgs, { stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } });
  if (capture) process.stdout.write(r.stdout ?? '');
  return { status: r.status ?? 1, stdout: r.stdout ?? '' };
}

function finish(status) {
  console.log(`\n${summary()}`);
  process.exit(status);
}

/** A step that must succeed; a failing step ends the run (and counts as a failure if it ran no tests). */
function run(title, cmd, cmdArgs, { tap = false } = {}) {
  const started = Date.now();
  console.log(`\n=== ${title}: ${cmd} ${cmdArgs.join(' ')}`);
  const before = total.failed;
  const r = exec(cmd, cmdArgs, tap);
  if (tap) tally(title, r.stdout);
  console.log(`=== ${title}: exit ${r.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0) {
    if (total.failed === before) total.failed++;
    finish(r.status);
  }
}

/** E2E files one at a time (each drives a real browser), every file `repeat` times; each failing run counts. */
function runE2e() {
  const started = Date.now();
  const files = readdirSync('out/test/e2e')
    .filter((f) => f.endsWith('.test.js') && (names.length === 0 || names.some((n) => f.includes(n))))
    .sort();
  if (files.length === 0) {
    console.log(`=== no E2E file matches ${names.join(', ')}`);
    total.failed++;
    finish(1);
  }
  for (let i = 1; i <= repeat; i++) {
    for (const file of files) {
      const run = repeat > 1 ? ` (run ${i}/${repeat})` : '';
      const installed = vsix !== undefined && ON_VSIX.includes(file);
      console.log(`\n=== e2e ${file}${run}${installed ? ' on the installed quay-robots.vsix' : ''}`);
      const before = total.failed;
      const r = exec('node', ['--test', '--test-reporter=tap', `out/test/e2e/${file}`], true, installed ? { QUAY_E2E_VSIX: vsix } : {});
      const failing = tally(`e2e ${file}${run}`, r.stdout);
      for (const line of r.stdout.match(/^.*\[e2e\] .* as it opened; opening it again$/gm) ?? []) reopened.push(`${file}${run}: ${line.replace(/^#\s*/, '')}`);
      for (const line of r.stdout.match(/^.*\[e2e\] Code actions at the cursor without .*; asking again$/gm) ?? []) askedAgain.push(`${file}${run}: ${line.replace(/^#\s*/, '')}`);
      if (r.status !== 0) {
        // A file that dies before reporting any test still counts as one failure.
        if (total.failed === before) total.failed++;
        failures.push(`${file}${run}: exit ${r.status}${failing.length > 0 ? `\n    ${failing.join('\n    ')}` : ''}`);
      }
    }
  }
  console.log(`=== e2e tests in code-server: ${failures.length} failing runs in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const f of failures) console.log(`=== FAILED: ${f}`);
  console.log(`=== e2e: ${reopened.length} palettes, menus or input boxes closed by a focus change as they opened, opened again`);
  for (const r of reopened) console.log(`=== REOPENED: ${r}`);
  console.log(`=== e2e: ${askedAgain.length} code action menus without the expected entry, asked again`);
  for (const r of askedAgain) console.log(`=== ASKED AGAIN: ${r}`);
}

if (!e2eOnly) {
  run('lint', 'npx', ['eslint', '.']);
  run('layers, import cycles and file sizes', 'node', ['scripts/check-imports.mjs']);
  run('compile (strict type check)', 'npx', ['tsc', '-p', 'tsconfig.json']);
  run('compile the webview pages (strict type check)', 'npx', ['tsc', '-p', 'webview-ui/tsconfig.json']);
  run('bundle', 'node', ['scripts/build.mjs']);
  run('package .vsix', 'node', ['scripts/check-package.mjs']);
  if (existsSync('quay-robots.vsix')) vsix = resolve('quay-robots.vsix');
  run('unit tests', 'node', ['--test', '--test-reporter=tap', 'out/test/unit/'], { tap: true });
}
if (e2eOnly || !skipE2e) {
  // etcd + kube-apiserver 1.20 + kubectl 1.20 for the cluster tests and the cluster E2E (cached in .cache/kube).
  run('install kube-apiserver (cached)', 'bash', ['scripts/install-kube-apiserver.sh']);
  // Each file starts its own etcd and API server (about 370 MB): one file at a time.
  if (!e2eOnly) run('cluster tests (real API server)', 'node', ['--test', '--test-concurrency=1', '--test-reporter=tap', 'out/test/cluster/'], { tap: true });
  run('install code-server (cached)', 'bash', ['scripts/install-code-server.sh']);
  runE2e();
}
for (const s of skips) console.log(`=== SKIPPED: ${s}`);
if (ci && total.skipped > 0) console.log(`=== CI=true: ${total.skipped} skipped tests fail the run (the corpus is at ../shared/corpus in CI)`);
finish(failures.length > 0 || (ci && total.skipped > 0) ? 1 : 0);
