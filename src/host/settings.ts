import * as vscode from 'vscode';
import { Settings } from '../constants';

/*
 * The extension's settings that views, commands and pages read, each with the default package.json gives it. The
 * host's own (instances, proxy, timeout, kubectl path) are read where `host` uses them.
 */

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(Settings.section);
}

/** `quay.rotation.maxTokenAgeDays`: older tokens are overdue. */
export function maxTokenAgeDays(): number {
  return config().get<number>(Settings.maxTokenAgeDays, 90);
}

/** `quay.maxConcurrentRequests`: how many requests a bulk change keeps in flight. */
export function maxConcurrentRequests(): number {
  return config().get<number>(Settings.maxConcurrentRequests, 4);
}

/** `quay.rotation.exclude`: globs a rotation's workspace scan leaves out. */
export function rotationExclude(): string[] {
  return config().get<string[]>(Settings.rotationExclude, []);
}

/** `quay.rotation.dailyReminder`: whether the daily reminder of overdue tokens shows. */
export function rotationReminder(): boolean {
  return config().get<boolean>(Settings.rotationReminder, true);
}

/** Turns the daily reminder off for the user ("Don't Remind Me"). */
export async function turnRotationReminderOff(): Promise<void> {
  await config().update(Settings.rotationReminder, false, vscode.ConfigurationTarget.Global);
}

/** `quay.externalSecrets.apiVersion`: `v1`, `v1beta1` or `auto`. */
export function externalSecretsApiVersion(): string {
  return config().get<string>(Settings.externalSecretsApiVersion, 'auto');
}
