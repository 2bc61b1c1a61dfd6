/**
 * The journal of unfinished rotations: a record written BEFORE Quay regenerates a token (or creates the successor),
 * removed only once every planned place holds the new credentials. It keeps the robot's old credentials, so "Finish
 * Rotation" (`quay-robots rotate --finish`) can find what is left after a failed edit, a closed window or a crash.
 * The new token is never kept: it can always be read again from Quay. The editor keeps the journal in SecretStorage
 * (`src/host/pendingRotations.ts`), the command line in a file of mode 0600.
 */
import type { Namespace } from '../quay/types';

/** One unfinished rotation, version 1 of the record. */
export interface PendingRotation {
  readonly v: 1;
  readonly instanceUrl: string;
  readonly namespace: Namespace;
  readonly oldUser: string;
  readonly oldToken: string;
  /** The robot whose token the places get: the same robot, or a successor. */
  readonly newUser: string;
  /** ISO 8601. */
  readonly startedAt: string;
}

/** A journal entry that could not be read: reported with where it is, never silently dropped. */
export interface UnreadableRotation {
  /** The key or file it was read from. */
  readonly where: string;
  readonly reason: string;
}

export interface JournalEntries {
  readonly pending: readonly PendingRotation[];
  readonly unreadable: readonly UnreadableRotation[];
}

/** Where unfinished rotations are kept (one record per instance and old robot). */
export interface RotationJournal {
  save(p: PendingRotation): Promise<void>;
  remove(p: Pick<PendingRotation, 'instanceUrl' | 'oldUser'>): Promise<void>;
  list(): Promise<JournalEntries>;
}

/** The fields that name a rotation: one record per instance and old robot. */
export function journalKey(p: Pick<PendingRotation, 'instanceUrl' | 'oldUser'>): string {
  return `${p.instanceUrl}:${p.oldUser}`;
}

const FIELDS = ['instanceUrl', 'oldUser', 'oldToken', 'newUser', 'startedAt'] as const;

/**
 * The record in `raw` (JSON text or a parsed value), shape-checked. A record without `v` is the shape the extension
 * wrote before the field existed (the same fields) and is read as version 1; any other version or shape is refused
 * with a message saying what is wrong (no token in it).
 */
export function parsePendingRotation(raw: unknown): PendingRotation {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      throw new Error('The unfinished-rotation record is not JSON.');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('The unfinished-rotation record is not an object.');
  const r = value as Record<string, unknown>;
  if (r.v !== undefined && r.v !== 1) throw new Error(`The unfinished-rotation record has version ${typeof r.v === 'number' ? r.v : 'unknown'}; this version reads version 1 only.`);
  const missing = FIELDS.filter((f) => typeof r[f] !== 'string' || r[f] === '');
  if (missing.length > 0) throw new Error(`The unfinished-rotation record lacks ${missing.join(', ')}.`);
  const ns = r.namespace as Record<string, unknown> | null | undefined;
  if (typeof ns !== 'object' || ns === null || (ns.kind !== 'org' && ns.kind !== 'user') || typeof ns.name !== 'string' || ns.name === '') {
    throw new Error('The unfinished-rotation record has no valid namespace.');
  }
  const s = (f: (typeof FIELDS)[number]): string => r[f] as string;
  return {
    v: 1,
    instanceUrl: s('instanceUrl'),
    namespace: { kind: ns.kind, name: ns.name },
    oldUser: s('oldUser'),
    oldToken: s('oldToken'),
    newUser: s('newUser'),
    startedAt: s('startedAt'),
  };
}
