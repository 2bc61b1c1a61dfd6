import * as vscode from 'vscode';
import { tokenAgeDays, type TokenAge } from '../core/rotation/tokenAge';
import { isoDay } from '../core/time';

/** "token 132 days old", or what the logs can say: "not rotated in the last 104 days (logs reach back to 2026-08-20)". */
export function tokenAgeText(age: TokenAge, now: Date): string {
  const days = tokenAgeDays(age, now);
  if (age.kind === 'known') return days === 1 ? vscode.l10n.t('token 1 day old') : vscode.l10n.t('token {0} days old', days);
  if (days === 0) return vscode.l10n.t('token age unknown');
  return vscode.l10n.t('not rotated in the last {0} days (logs reach back to {1})', days, isoDay(age.notSince));
}

/** Where the date comes from, for tooltips. */
export function tokenAgeSource(age: TokenAge): string {
  if (age.kind === 'bounded') return vscode.l10n.t('no regeneration in the usage logs read');
  switch (age.source) {
    case 'regenerated':
      return vscode.l10n.t('regenerated ({0})', isoDay(age.since));
    case 'created':
      return vscode.l10n.t('set when the robot was created ({0})', isoDay(age.since));
    case 'rotatedHere':
      return vscode.l10n.t('rotated from this editor ({0})', isoDay(age.since));
  }
}
