/**
 * The command line's journal of unfinished rotations (`journal.ts` `RotationJournal`): one JSON file per rotation
 * in the user's state folder, `$XDG_STATE_HOME/quay-robots/rotations/` (else `~/.local/state/quay-robots/rotations/`;
 * `$QUAY_ROBOTS_STATE_DIR/rotations/` when set, for tests). The record holds the robot's old token (dead once Quay
 * regenerated it), so each file is written with mode 0600 in a folder of mode 0700, atomically (a temporary file,
 * then a rename): a crash leaves the old record or the new one, never a part.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { writePrivateFile } from '../dockerConfigFile';
import { journalKey, parsePendingRotation, type JournalEntries, type PendingRotation, type RotationJournal, type UnreadableRotation } from './journal';
import { errorMessage } from '../log';

/** The folder of the journal files. */
export function rotationsDir(env: Readonly<Record<string, string | undefined>> = process.env, home: string = homedir()): string {
  const own = env.QUAY_ROBOTS_STATE_DIR;
  if (own !== undefined && own !== '') return join(own, 'rotations');
  // The XDG Base Directory specification: a relative path is invalid and is ignored.
  const xdg = env.XDG_STATE_HOME;
  const state = xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, '.local', 'state');
  return join(state, 'quay-robots', 'rotations');
}

/**
 * A file name that names the rotation and is safe anywhere: the host and the robot with every character but
 * letters, digits, `.`, `_` and `-` made `_`, then a hash of the exact key (two keys never share a file).
 */
export function journalFileName(p: Pick<PendingRotation, 'instanceUrl' | 'oldUser'>): string {
  const readable = `${p.instanceUrl.replace(/^[a-z]+:\/\//, '')}_${p.oldUser}`.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 100);
  const hash = createHash('sha256').update(journalKey(p), 'utf8').digest('hex').slice(0, 16);
  return `${readable}-${hash}.json`;
}

export class FileJournal implements RotationJournal {
  constructor(readonly dir: string = rotationsDir()) {}

  /** Where the rotation's record is (or would be) kept. */
  fileOf(p: Pick<PendingRotation, 'instanceUrl' | 'oldUser'>): string {
    return join(this.dir, journalFileName(p));
  }

  async save(p: PendingRotation): Promise<void> {
    await writePrivateFile(this.fileOf(p), `${JSON.stringify(p, null, 2)}\n`);
  }

  async remove(p: Pick<PendingRotation, 'instanceUrl' | 'oldUser'>): Promise<void> {
    await rm(this.fileOf(p), { force: true });
  }

  /** Every record; one that cannot be read or parsed is listed with its file and why, never dropped. */
  async list(): Promise<JournalEntries> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { pending: [], unreadable: [] };
      throw error;
    }
    const pending: PendingRotation[] = [];
    const unreadable: UnreadableRotation[] = [];
    // Temporary files of a write cut short start with a dot: not records.
    for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
      const where = join(this.dir, name);
      try {
        pending.push(parsePendingRotation(await readFile(where, 'utf8')));
      } catch (error) {
        unreadable.push({ where, reason: errorMessage(error) });
      }
    }
    return { pending, unreadable };
  }
}
