// `npm test`: lint, type check, build, unit tests (plain Node), then E2E tests in a real VS Code (code-server).
// Prints one closing line "N passed, N failed" over both test runs.
import { spawnSync } from 'node:child_process';

const skipE2e = process.argv.includes('--no-e2e') || process.env.QUAY_SKIP_E2E === '1';
let passed = 0;
let failed = 0;

function run(title, cmd, args, { count = false } = {}) {
  const started = Date.now();
  console.log(`\n=== ${title}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: count ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8' });
  if (count) {
    process.stdout.write(r.stdout ?? '');
    passed += Number(/^# pass (\d+)/m.exec(r.stdout ?? '')?.[1] ?? 0);
    failed += Number(/^# fail (\d+)/m.exec(r.stdout ?? '')?.[1] ?? 0);
  }
  console.log(`=== ${title}: exit ${r.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0) {
    console.log(`\n${passed} passed, ${Math.max(failed, 1)} failed`);
    process.exit(r.status ?? 1);
  }
}

run('lint', 'npx', ['eslint', '.']);
run('compile (strict type check)', 'npx', ['tsc', '-p', 'tsconfig.json']);
run('bundle', 'node', ['scripts/build.mjs']);
run('package .vsix', 'node', ['scripts/check-package.mjs']);
run('unit tests', 'node', ['--test', '--test-reporter=tap', 'out/test/unit/'], { count: true });
if (!skipE2e) {
  run('install code-server (cached)', 'bash', ['scripts/install-code-server.sh']);
  run('e2e tests in code-server', 'node', ['--test', '--test-concurrency=1', '--test-reporter=tap', 'out/test/e2e/'], { count: true });
}
console.log(`\n${passed} passed, ${failed} failed`);
