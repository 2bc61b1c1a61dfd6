/**
 * How a trust entry is shown (tree rows, quick picks, notifications): its subject and issuer as one line each,
 * control characters visibly escaped (`serverText.ts`), and a warning when there were any. Quay compares the
 * token's claims with the entry verbatim, so such an entry is almost certainly a mistake or an attack.
 */
import type { FederationEntry } from '../quay/types';
import { hasControlChars, visibleText } from '../serverText';

export const CONTROL_CHARS_WARNING = 'contains control characters (shown escaped)';

export interface EntryDisplay {
  /** The subject, escaped. */
  readonly label: string;
  /** The issuer, escaped, after a ⚠ and the warning when the entry holds control characters. */
  readonly description: string;
  /** Set when the subject or the issuer holds control characters. */
  readonly warning?: string;
}

/** `warning` is the text after the ⚠ (the extension passes its translation). */
export function entryDisplay(entry: FederationEntry, warning = CONTROL_CHARS_WARNING): EntryDisplay {
  const bad = hasControlChars(entry.subject) || hasControlChars(entry.issuer);
  const issuer = visibleText(entry.issuer);
  return {
    label: visibleText(entry.subject),
    description: bad ? `⚠ ${warning} · ${issuer}` : issuer,
    ...(bad ? { warning } : {}),
  };
}
