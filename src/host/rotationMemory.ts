import type * as vscode from 'vscode';
import { StorageKeys } from '../constants';
import { predecessorOf, type SuccessorRecords } from '../core/rotation/successorPlan';
import type { RotationMemory } from '../core/rotation/tokenAgeTracker';

const KEY = StorageKeys.rotations;
type Stored = Record<string, Record<string, string>>;

/** Rotations made from this editor (instance → robot → ISO date), in globalState: no secret in it. */
export class GlobalStateRotationMemory implements RotationMemory {
  constructor(private readonly state: vscode.Memento) {}

  get(instanceUrl: string): ReadonlyMap<string, Date> {
    const all = this.state.get<Stored>(KEY, {});
    return new Map(Object.entries(all[instanceUrl] ?? {}).map(([robot, iso]) => [robot, new Date(iso)]));
  }

  async remember(instanceUrl: string, robot: string, at: Date): Promise<void> {
    const all = this.state.get<Stored>(KEY, {});
    await this.state.update(KEY, { ...all, [instanceUrl]: { ...(all[instanceUrl] ?? {}), [robot]: at.toISOString() } });
  }
}

/** Which robots have a predecessor to retire: read by the tree (the `+successor` flag) and by Retire Predecessor. */
export class SuccessorMemory {
  constructor(private readonly state: vscode.Memento) {}

  predecessorOf(instanceUrl: string, robotFullName: string): string | undefined {
    const predecessor = predecessorOf(this.state.get<SuccessorRecords>(StorageKeys.successors, {}), instanceUrl, robotFullName);
    return predecessor === robotFullName ? undefined : predecessor;
  }
}
