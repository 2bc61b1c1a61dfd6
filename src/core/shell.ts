/** Commands the extension puts on the clipboard are for a POSIX shell (sh, bash, zsh). */

/** The environment variable the copied commands read a robot token from, so the token is on no command line. */
export const TOKEN_VARIABLE = 'QUAY_TOKEN';

/** One argument for a POSIX shell: as it is when it holds only safe characters, else single-quoted. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * A robot's user name (or a token) in a command we generate: always single-quoted, `--username 'acme+ci_pull'`,
 * as Quay's UI writes its login commands since PROJQUAY-9683 (quay/quay `6ab2a5d6f`, "double quotes in
 * podman/docker login commands, causing authentication failures"; users report shells that mangle `+`).
 * Single quotes keep every character as it is in every POSIX shell; a `'` inside is written `'\''`.
 */
export function shellQuoteAlways(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
