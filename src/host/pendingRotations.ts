import type * as vscode from 'vscode';
import { PENDING_ROTATION_SECRET_PREFIX, StorageKeys } from '../constants';
import { journalKey, parsePendingRotation, type JournalEntries, type PendingRotation, type RotationJournal, type UnreadableRotation } from '../core/rotation/journal';
import { errorMessage } from '../core/log';

/**
 * The editor's journal of unfinished rotations (`core/rotation/journal.ts`): each record in the OS keychain
 * (SecretStorage, `quay.rotation:` + `journalKey`: it holds the robot's old token), and the list of their keys in globalState
 * (`StorageKeys.pendingRotations`: no secret in it), since SecretStorage cannot be listed. A record that does not
 * read as version 1 is listed as unreadable (and stays until it is forgotten), never silently dropped.
 */
/** SecretStorage key of an unfinished rotation's record: it holds the robot's old token. */
function secretKey(p: Pick<PendingRotation, 'instanceUrl' | 'oldUser'>): string {
  return PENDING_ROTATION_SECRET_PREFIX + journalKey(p);
}

export class PendingRotationStore implements RotationJournal {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
  ) {}

  private keys(): string[] {
    return this.state.get<string[]>(StorageKeys.pendingRotations, []);
  }

  async save(p: PendingRotation): Promise<void> {
    const key = secretKey(p);
    await this.secrets.store(key, JSON.stringify(p));
    const keys = this.keys();
    if (!keys.includes(key)) await this.state.update(StorageKeys.pendingRotations, [...keys, key]);
  }

  async remove(p: Pick<PendingRotation, 'instanceUrl' | 'oldUser'>): Promise<void> {
    await this.forget(secretKey(p));
  }

  /** Deletes the record under `key` (a pending or an unreadable one) and its index entry. */
  async forget(key: string): Promise<void> {
    await this.secrets.delete(key);
    await this.state.update(
      StorageKeys.pendingRotations,
      this.keys().filter((k) => k !== key),
    );
  }

  async list(): Promise<JournalEntries> {
    const pending: PendingRotation[] = [];
    const unreadable: UnreadableRotation[] = [];
    for (const key of this.keys()) {
      const raw = await this.secrets.get(key);
      if (raw === undefined) continue; // deleted from the keychain by hand: nothing left to finish
      try {
        pending.push(parsePendingRotation(raw));
      } catch (error) {
        unreadable.push({ where: key, reason: errorMessage(error) });
      }
    }
    return { pending, unreadable };
  }
}
