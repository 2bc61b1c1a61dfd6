/**
 * Text from a server (robot, team and repository names, roles, descriptions, federation issuers and subjects)
 * placed in the Markdown of a hover or tooltip must read as itself: no emphasis, link, HTML, heading, or the
 * end of a code span, and no theme icon (`$(name)`, which VS Code renders even after the Markdown is rendered).
 */

/**
 * Escapes every ASCII punctuation character (CommonMark: any of them may be backslash-escaped), and writes `$` as
 * the entity `&#36;` so that no `$(icon)` appears in the rendered text.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, (c) => (c === '$' ? '&#36;' : `\\${c}`));
}

/**
 * A code span showing `text` literally: fenced by one backtick more than its longest run of backticks, padded
 * with a space each side (CommonMark strips one), line breaks as spaces (a span cannot cross a blank line).
 * Only for Markdown without theme icons: a code span cannot escape `$(icon)`.
 */
export function markdownCode(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${flat} ${fence}`;
}
