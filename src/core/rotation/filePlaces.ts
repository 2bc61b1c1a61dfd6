/**
 * The command line's places: the files the finder found, edited on disk. Each file is rewritten atomically (a
 * temporary file in the same folder, then a rename) with its own mode kept. A file that changed since the plan
 * (its text hash differs) is scanned again and edited on its current text, as the editor does
 * (`commands/rotation/workspaceUsages.ts` `applyReplacement`); a file deleted since, or one that can no longer be
 * read or edited, is left as it is and reported with why. The engine's `PlacesPort` on the command line.
 */
import { stat } from 'node:fs/promises';
import { writeFileAtomically } from '../dockerConfigFile';
import { rewriteCredentialFile } from './credentialFiles';
import type { ScannedFile } from './finder';
import type { PlacesPort } from './engine';
import { needlesFor } from './match';
import type { ApplyResult, Usage } from './places';
import type { Replacement } from './replace';
import { errorMessage } from '../log';

/** Writes `text` over `file` atomically, keeping the mode the file has now. */
export async function writeKeepingMode(file: string, text: string): Promise<void> {
  await writeFileAtomically(file, text, (await stat(file)).mode & 0o7777);
}

/** The engine's places port over the files the plan scanned (their hashes tell which changed since). */
export function filePlaces(files: ReadonlyMap<string, Pick<ScannedFile, 'hash'>>): PlacesPort {
  return { apply: (usages, r) => applyToFiles(files, usages, r, writeKeepingMode) };
}

/**
 * Replaces the old credentials by the new ones in the given places, file by file, on disk (`rewriteCredentialFile`);
 * a failure is a result, never thrown. `write` writes a file's new text (default: privately, 0600). The command
 * line's places, and the editor's for the user's credential files, which it never opens as documents.
 */
export async function applyToFiles(
  files: ReadonlyMap<string, Pick<ScannedFile, 'hash'>>,
  places: readonly Usage[],
  r: Replacement,
  write?: (file: string, text: string) => Promise<void>,
): Promise<ApplyResult> {
  const byFile = new Map<string, Usage[]>();
  for (const p of places) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  const needles = needlesFor(r.oldUser, r.oldToken);
  const updated: Usage[] = [];
  const rescanned: string[] = [];
  const failed: { file: string; reason: string }[] = [];
  for (const [file, usages] of byFile) {
    try {
      const done = await rewriteCredentialFile(file, files.get(file), usages.map((u) => u.usage), needles, r, write);
      if (done.rescanned) rescanned.push(file);
      updated.push(...done.updated.map((usage) => ({ file, usage, inWorkspace: usages[0]?.inWorkspace ?? true })));
    } catch (error) {
      failed.push({ file, reason: errorMessage(error) });
    }
  }
  return { updated, rescanned, failed, unsaved: [] };
}
