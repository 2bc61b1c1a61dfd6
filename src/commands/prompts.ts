import * as vscode from 'vscode';
import { instanceLabel, type InstanceConfig } from '../core/instances';
import { userNameProblem } from '../core/robotName';
import type { InstanceStore } from '../host/instanceStore';
import { refInstanceUrl } from '../refs';
import { TreeNode } from '../views/nodes/treeNode';
import { UserCancelled } from './runCommand';

/** The answer of an input box, quick pick or dialog; none (Escape, or the box closed) cancels the command quietly. */
export async function required<T>(answer: Thenable<T | undefined>): Promise<T> {
  const value = await answer;
  if (value === undefined) throw new UserCancelled();
  return value;
}

/**
 * An input box that stays open while an asynchronous check of the value runs, and shows the check's
 * message in place when it fails, so the user can correct the value without starting over.
 */
export function inputWithCheck<T>(options: {
  title: string;
  prompt: string;
  value?: string;
  placeholder?: string;
  password?: boolean;
  validate?: (value: string) => string | undefined;
  check: (value: string, signal: AbortSignal) => Promise<{ ok: true; result: T } | { ok: false; message: string }>;
}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.prompt = options.prompt;
    box.value = options.value ?? '';
    box.placeholder = options.placeholder;
    box.password = options.password === true;
    box.ignoreFocusOut = true;
    let controller: AbortController | undefined;
    let settled = false;
    const finish = (fn: () => void) => {
      settled = true;
      fn();
      box.dispose();
    };
    box.onDidChangeValue((v) => {
      box.validationMessage = options.validate?.(v);
    });
    box.onDidAccept(async () => {
      const value = box.value;
      const invalid = options.validate?.(value);
      if (invalid !== undefined) {
        box.validationMessage = invalid;
        return;
      }
      controller?.abort();
      controller = new AbortController();
      box.busy = true;
      box.enabled = false;
      box.validationMessage = undefined;
      try {
        const outcome = await options.check(value, controller.signal);
        if (settled) return;
        if (outcome.ok) finish(() => resolve(outcome.result));
        else box.validationMessage = { message: outcome.message, severity: vscode.InputBoxValidationSeverity.Error };
      } catch (error) {
        if (!settled) finish(() => reject(error instanceof Error ? error : new Error(String(error))));
      } finally {
        box.busy = false;
        box.enabled = true;
      }
    });
    box.onDidHide(() => {
      controller?.abort();
      if (!settled) finish(() => reject(new UserCancelled()));
    });
    box.show();
  });
}

/** The instance a command's argument names: a tree node's, or a ref's (robot page, CodeLens, due list, hygiene fix). */
export function instanceUrlOf(node: unknown): string | undefined {
  return node instanceof TreeNode ? node.instanceUrl : refInstanceUrl(node);
}

/** The instance a command applies to: the node's or ref's, or the only one, or the user's pick. */
export async function pickInstance(store: InstanceStore, node: unknown, placeHolder: string): Promise<InstanceConfig> {
  const named = instanceUrlOf(node);
  const found = named === undefined ? undefined : store.get(named);
  if (found !== undefined) return found;
  const instances = store.list();
  if (instances.length === 0) throw new Error(vscode.l10n.t('No Quay instance is configured. Run "Quay: Add Instance" first.'));
  if (instances.length === 1) return instances[0];
  const picked = await required(vscode.window.showQuickPick(
    instances.map((i) => ({ label: instanceLabel(i), description: i.url, instance: i })),
    { placeHolder, ignoreFocusOut: true },
  ));
  return picked.instance;
}

/** A typed user name, checked like Quay checks usernames before it becomes a path segment or a rule's creator. */
export async function askUserName(title: string, prompt: string): Promise<string> {
  const name = (await vscode.window.showInputBox({ title, prompt, ignoreFocusOut: true, validateInput: (v) => (v.trim() === '' ? undefined : userNameProblem(v.trim())) }))?.trim();
  if (name === undefined || name === '') throw new UserCancelled();
  return name;
}
