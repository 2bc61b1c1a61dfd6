/**
 * What a rotation's scan could not search (too large, unreadable, or skipped with a reason: `FindResult`), said
 * in the rotation's plan and report as `quay-robots find-token` says it: "N files scanned" alone would read as a
 * proof that no other file holds the token.
 */
import { MAX_FILE_BYTES, SKIP_REASON_TEXT, type FindResult } from './finder';

export type NotScanned = Pick<FindResult, 'tooLarge' | 'unreadable' | 'skipped'>;

export interface NotScannedFile {
  readonly path: string;
  /** Why, as the CLI prints it after the path. */
  readonly why: string;
}

export const NOT_READABLE_TEXT = 'not readable, not searched';
/** The size limit of every file read for tokens (`MAX_FILE_BYTES`), in words: `over 5 MiB`. */
export const OVER_MAX_FILE_TEXT = `over ${MAX_FILE_BYTES / (1024 * 1024)} MiB`;
export const TOO_LARGE_TEXT = `${OVER_MAX_FILE_TEXT}, not searched`;

/** Every file or folder not searched, with why, in the CLI's order (unreadable, too large, skipped). */
export function notScannedFiles(r: NotScanned): NotScannedFile[] {
  return [
    ...r.unreadable.map((path) => ({ path, why: NOT_READABLE_TEXT })),
    ...r.tooLarge.map((path) => ({ path, why: TOO_LARGE_TEXT })),
    ...r.skipped.map((s) => ({ path: s.path, why: SKIP_REASON_TEXT[s.reason] })),
  ];
}

/** The report's scan figure: `N files scanned`, and how many were not when some were. */
export function scanFigure(filesScanned: number, r: NotScanned): string {
  const n = notScannedFiles(r).length;
  return n === 0 ? `${filesScanned} files scanned` : `${filesScanned} files scanned, ${n} not scanned (listed under "Not scanned")`;
}

/** The report's "Not scanned" section (Markdown lines), empty when everything was searched. */
export function notScannedSection(r: NotScanned, displayPath: (file: string) => string): string[] {
  const files = notScannedFiles(r);
  if (files.length === 0) return [];
  return [
    `## Not scanned (${files.length})`,
    '',
    'These may hold the token: check them by hand.',
    '',
    ...files.map((f) => `- \`${displayPath(f.path)}\` ${f.why}`),
    '',
  ];
}
