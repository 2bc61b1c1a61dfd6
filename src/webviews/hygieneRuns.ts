/**
 * Which finding a hygiene page message names. No `vscode` import (unit-tested in Node): the page sends a review's run
 * number and a finding's index, never a robot, repository or file; the host answers with its own copy of that finding,
 * and refuses a run other than the last (a page left open across a re-run) or an index it did not send.
 */
import type { Finding } from '../core/hygiene/types';

export interface KeptRun {
  readonly run: number;
  readonly findings: readonly Finding[];
}

export function findingOf(last: KeptRun | undefined, run: number, index: number): Finding | undefined {
  if (last === undefined || last.run !== run || !Number.isInteger(index) || index < 0 || index >= last.findings.length) return undefined;
  return last.findings[index];
}
