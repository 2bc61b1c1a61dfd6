import * as vscode from 'vscode';
import { RedactingLogger } from '../core/log';

/**
 * The one "Quay" LogOutputChannel behind the core Logger seam. Every line goes through redact(),
 * plus the tokens this session knows of, so no caller can leak one by mistake (`RedactingLogger`).
 */
export class OutputChannelLogger extends RedactingLogger implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor(name = 'Quay') {
    const channel = vscode.window.createOutputChannel(name, { log: true });
    super(channel);
    this.channel = channel;
  }

  dispose(): void {
    this.channel.dispose();
  }
}
