import * as vscode from 'vscode';

/** The workspace's YAML files, as the file watcher and every enumeration match them. */
export const YAML_GLOB = '**/*.{yaml,yml}';
const EXCLUDE_GLOB = '**/{node_modules,.git}/**';
const MAX_FILES = 5000;

/**
 * The workspace's YAML files on disk (at most 5000, none under node_modules or .git): the one enumeration the
 * pull-Secret index and the ExternalSecret version detection share.
 */
export function workspaceYamlFiles(): Thenable<vscode.Uri[]> {
  return vscode.workspace.findFiles(YAML_GLOB, EXCLUDE_GLOB, MAX_FILES);
}
