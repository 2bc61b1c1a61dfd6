import * as vscode from 'vscode';
import type { TextEdit } from '../core/yaml/edits';

/**
 * A core planner's offset edits as a `WorkspaceEdit` on `doc` (the offsets are `positionAt`'s UTF-16 units,
 * core/yaml/edits.ts), added to `into` when given: one WorkspaceEdit can carry several documents' edits.
 */
export function toWorkspaceEdit(doc: Pick<vscode.TextDocument, 'uri' | 'positionAt'>, edits: readonly TextEdit[], into = new vscode.WorkspaceEdit()): vscode.WorkspaceEdit {
  for (const e of edits) into.replace(doc.uri, new vscode.Range(doc.positionAt(e.offset), doc.positionAt(e.offset + e.length)), e.text);
  return into;
}
