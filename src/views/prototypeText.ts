import * as vscode from 'vscode';
import type { Prototype } from '../core/quay/types';

/** Quay's rules for default permissions, shown wherever they are (peers.md §2.5, contract §5). */
export function prototypeRulesMarkdown(): string {
  return [
    vscode.l10n.t('Default permissions apply only to repositories created **after** the rule exists; existing repositories are not changed.'),
    vscode.l10n.t('A rule for a specific creator beats a rule for anyone with the same delegate.'),
    vscode.l10n.t('The creator always gets admin on a repository it creates; repositories created by robots get no default permissions.'),
  ].join('\n\n');
}

/** A default permission as a sentence: "team deployers gets write", "on new repositories created by anyone". */
export function describePrototype(p: Prototype): { label: string; description: string } {
  const delegate = p.delegate.kind === 'team' ? vscode.l10n.t('team {0}', p.delegate.name) : p.delegate.name;
  return {
    label: vscode.l10n.t('{0} gets {1}', delegate, p.role),
    description: vscode.l10n.t('on new repositories created by {0}', p.activatingUser?.name ?? vscode.l10n.t('anyone')),
  };
}
