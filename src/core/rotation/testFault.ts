import type { FaultPoint } from './engine';

/**
 * Test-only (AGENTS.md "Token rotation"): with `QUAY_TEST_FAULT=<point>` in the environment of the extension host or
 * of `quay-robots`, the rotation engine's fault hook kills that process at that point (SIGKILL, as a crash would), so
 * a test can prove that nothing is lost. It never changes data. Without the variable there is no hook.
 */
export function testFaultFromEnv(env: Readonly<Record<string, string | undefined>>): ((point: FaultPoint) => void) | undefined {
  const wanted = env.QUAY_TEST_FAULT;
  if (wanted === undefined || wanted === '') return undefined;
  return (point) => {
    if (point === wanted) process.kill(process.pid, 'SIGKILL');
  };
}
