import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Composition root: filled in by the walking skeleton.
}

export function deactivate(): void {}
