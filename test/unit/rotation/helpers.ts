/** Shared by the rotation unit tests: credentials and base64 helpers. */
export const ROBOT = 'acme+ci_bot';
export const OTHER = 'acme+deployer';
export const TOKEN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ01';
export const NEW_TOKEN = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210ZYXWVUTSRQPONMLKJIHGFEDCBA98';
export const SUCCESSOR = 'acme+ci_bot_v2';

export const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** `s` cut into lines of `width` characters joined by `separator`. */
export function wrap(s: string, width: number, separator: string): string {
  const lines: string[] = [];
  for (let i = 0; i < s.length; i += width) lines.push(s.slice(i, i + width));
  return lines.join(separator);
}
