/**
 * The command line's places: the files the finder found, edited on disk. Each file is rewritten atomically (a
 * temporary file in the same folder, then a rename) with its own mode kept. A file that changed since the plan
 * (its text hash differs) is scanned again and edited on its current text, as the editor does
 * (`commands/rotation/workspaceUsages.ts` `applyReplacement`); a file deleted since, or one that can no longer be
 * read or edited, is left as it is and reported with why.
 */
import { stat } from 'node:fs/promises';
import { writeFileAtomically } from '../dockerConfigFile';
import { rewriteCredentialFile } from './credentialFiles';
import type { ScannedFile } from './finder';
import { needlesFor, type TextUsage } from './match';
import type { Replacement } from './replace';

/** One place in a file, as the plan lists it. */
export interface FilePlace {
  readonly file: string;
  readonly usage: TextUsage;
}

export interface FilesApplied {
  /** The places replaced (a rescanned file's places as found again). */
  readonly updated: readonly FilePlace[];
  /** Files changed since the plan: scanned again and edited on their current text. */
  readonly rescanned: readonly string[];
  /** Files left as they are, with why (never a token in it). */
  readonly failed: readonly { readonly file: string; readonly reason: string }[];
}

/** Writes `text` over `file` atomically, keeping the mode the file has now. */
export async function writeKeepingMode(file: string, text: string): Promise<void> {
  await writeFileAtomically(file, text, (await stat(file)).mode & 0o7777);
}

/** Replaces the old credentials by the new ones in the given places, file by file. */
export async function applyToFiles(files: ReadonlyMap<string, Pick<ScannedFile, 'hash'>>, places: readonly FilePlace[], r: Replacement): Promise<FilesApplied> {
  const byFile = new Map<string, TextUsage[]>();
  for (const p of places) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p.usage]);
  const needles = needlesFor(r.oldUser, r.oldToken);
  const updated: FilePlace[] = [];
  const rescanned: string[] = [];
  const failed: { file: string; reason: string }[] = [];
  for (const [file, usages] of byFile) {
    try {
      const done = await rewriteCredentialFile(file, files.get(file), usages, needles, r, writeKeepingMode);
      if (done.rescanned) rescanned.push(file);
      updated.push(...done.updated.map((usage) => ({ file, usage })));
    } catch (error) {
      failed.push({ file, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return { updated, rescanned, failed };
}
