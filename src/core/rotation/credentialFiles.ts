/**
 * The rotation's writer for the user's own credential files (`~/.docker/config.json`, the containers
 * `auth.json`, finder.ts `userCredentialFiles`): never through an editor document (which would hand the whole
 * file, every registry's credentials, to other extensions and to the editor's local history) and never rewritten
 * in place (a write cut short would truncate it): read as a regular file, the ticked usages replaced, then
 * written with `writePrivateFile` (a temporary file with mode 0600, then a rename).
 */
import { writePrivateFile } from '../dockerConfigFile';
import { applyEdits } from '../yaml/edits';
import { readRegularFile, verifyUnchanged, type ScannedFile } from './finder';
import { OVER_MAX_FILE_TEXT } from './notScanned';
import { scanText, type Needles, type TextUsage } from './match';
import { planReplacement, type Replacement } from './replace';

const BOM = '\ufeff';

export interface CredentialFileRewrite {
  /** The usages replaced (those found again when the file changed since the scan). */
  readonly updated: readonly TextUsage[];
  /** True when the file changed since the scan and was scanned again before the edit. */
  readonly rescanned: boolean;
}

/**
 * Replaces `targets` (the usages ticked in `scanned`) in `file` with the new credentials and writes it privately
 * and atomically. A file changed since the scan is scanned again for `needles` and edited on its current text.
 * Throws, with a message naming the problem (never a token), when the file is gone, not a regular file, over
 * 5 MiB, or its usages cannot be replaced (`StaleUsageError`); the file is then left as it is. `write` writes the
 * new text (default: privately, 0600; the command line's places keep the file's own mode, `filePlaces.ts`).
 */
export async function rewriteCredentialFile(
  file: string,
  scanned: Pick<ScannedFile, 'hash'> | undefined,
  targets: readonly TextUsage[],
  needles: Needles,
  r: Replacement,
  write: (file: string, text: string) => Promise<void> = writePrivateFile,
): Promise<CredentialFileRewrite> {
  let bytes: Buffer | 'large' | 'special';
  try {
    bytes = readRegularFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('the file no longer exists', { cause: error });
    throw error;
  }
  if (bytes === 'special') throw new Error('not a regular file: left as it is');
  if (bytes === 'large') throw new Error(`${OVER_MAX_FILE_TEXT}: left as it is`);
  const decoded = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  const bom = decoded.startsWith(BOM) ? BOM : '';
  const text = decoded.slice(bom.length);
  const rescanned = scanned === undefined || !verifyUnchanged(text, scanned);
  const usages = rescanned ? scanText(text, needles) : targets;
  const edits = planReplacement(text, usages, r);
  if (edits.length > 0) await write(file, bom + applyEdits(text, edits));
  return { updated: usages, rescanned };
}
