/**
 * Text from a server (Quay, a cluster, an issuer) that goes into something the user reads or runs: a generated
 * script, a comment, YAML, Markdown, a tree row or a quick pick. Quay stores any non-empty federation subject or
 * issuer, newlines included (contract §6.1), so a stored `sub\ntouch ~/PWNED #` would end a `# …` comment in a
 * copied script and run as a command (security review 2026-12, finding 1). Such text is shown visibly escaped.
 */

/**
 * Control characters: C0 (line feed, carriage return, tab, NUL…), DEL, C1 (NEL…), the Unicode line and paragraph
 * separators, and the bidirectional marks, embeddings, overrides and isolates (which reorder what is shown).
 */
const isControl = (code: number): boolean =>
  code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0x200e || code === 0x200f || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);

const NAMED: Readonly<Record<number, string>> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' };

/** True when `text` holds a control character (line breaks and tabs included). */
export function hasControlChars(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControl(text.charCodeAt(i))) return true;
  return false;
}

/**
 * `text` unchanged when it holds no control character; else with each one written as an escape (`\n`, `\r`,
 * `\t`, `\u001b`, `\u202e`…) and each backslash doubled, so that the result is one line, reads the same in any
 * direction, and cannot be mistaken for a string that held the two characters `\` `n`.
 */
export function visibleText(text: string): string {
  if (!hasControlChars(text)) return text;
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (isControl(code)) out += NAMED[code] ?? `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}
