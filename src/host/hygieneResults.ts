import * as vscode from 'vscode';
import type { Finding } from '../core/hygiene/types';
import { splitRobotName } from '../core/robotName';

/** One finished review of an organization, as the editor keeps it until the next one. */
export interface ReviewResult {
  readonly instanceUrl: string;
  readonly org: string;
  readonly at: Date;
  readonly findings: readonly Finding[];
}

/**
 * The last hygiene review of each organization, in memory (nothing of it is stored): the tree marks robots with its
 * findings and the hygiene diagnostics show its file findings. Reading it sends no request; a review replaces its
 * organization's entry and announces the change once.
 */
export class HygieneResults implements vscode.Disposable {
  private readonly results = new Map<string, ReviewResult>();
  private readonly changed = new vscode.EventEmitter<ReviewResult>();
  readonly onDidChange = this.changed.event;

  set(result: ReviewResult): void {
    this.results.set(`${result.instanceUrl}\n${result.org}`, result);
    this.changed.fire(result);
  }

  get(instanceUrl: string, org: string): ReviewResult | undefined {
    return this.results.get(`${instanceUrl}\n${org}`);
  }

  all(): ReviewResult[] {
    return [...this.results.values()];
  }

  /** The last review's findings about one robot (`namespace+short`), with when that review ran; none when never reviewed. */
  forRobot(instanceUrl: string, robot: string): { readonly at: Date; readonly findings: readonly Finding[] } | undefined {
    const org = splitRobotName(robot).namespace;
    const result = this.get(instanceUrl, org);
    if (result === undefined) return undefined;
    return { at: result.at, findings: result.findings.filter((f) => f.robot === robot) };
  }

  dispose(): void {
    this.changed.dispose();
  }
}
