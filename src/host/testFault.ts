import type { FaultPoint } from '../core/rotation/engine';

/**
 * Test-only (AGENTS.md "Tests"): with `QUAY_TEST_FAULT=<point>` in the extension host's environment, the rotation
 * engine's fault hook kills the extension host at that point (SIGKILL, as a crash would), so an E2E test can prove
 * that nothing is lost. It never changes data. Without the variable there is no hook.
 */
export function testFaultFromEnv(env: NodeJS.ProcessEnv): ((point: FaultPoint) => void) | undefined {
  const wanted = env.QUAY_TEST_FAULT;
  if (wanted === undefined || wanted === '') return undefined;
  return (point) => {
    if (point === wanted) process.kill(process.pid, 'SIGKILL');
  };
}
