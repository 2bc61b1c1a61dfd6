/** Commands the extension puts on the clipboard are for a POSIX shell (sh, bash, zsh). */

/** The environment variable the copied commands read a robot token from, so the token is on no command line. */
export const TOKEN_VARIABLE = 'QUAY_TOKEN';

/** One argument for a POSIX shell: as it is when it holds only safe characters, else single-quoted. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
