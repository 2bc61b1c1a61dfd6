import * as vscode from 'vscode';
import { redact, type Logger } from '../core/log';

/**
 * The one "Quay" LogOutputChannel behind the core Logger seam. Every line goes through redact(),
 * plus the tokens this session knows of, so no caller can leak one by mistake.
 */
export class OutputChannelLogger implements Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
  private readonly knownSecrets = new Set<string>();

  constructor(name = 'Quay') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** Registers a secret value (a token read from the keychain) so it is redacted verbatim too. */
  rememberSecret(secret: string | undefined): void {
    if (secret !== undefined && secret.length >= 8) this.knownSecrets.add(secret);
  }

  private clean(message: string): string {
    return redact(message, this.knownSecrets);
  }

  trace(message: string): void {
    this.channel.trace(this.clean(message));
  }
  debug(message: string): void {
    this.channel.debug(this.clean(message));
  }
  info(message: string): void {
    this.channel.info(this.clean(message));
  }
  warn(message: string): void {
    this.channel.warn(this.clean(message));
  }
  error(message: string): void {
    this.channel.error(this.clean(message));
  }

  /** A logger that prefixes a component tag, e.g. `[tree]`. */
  tagged(component: string): Logger {
    const tag = `[${component}] `;
    return {
      trace: (m) => this.trace(tag + m),
      debug: (m) => this.debug(tag + m),
      info: (m) => this.info(tag + m),
      warn: (m) => this.warn(tag + m),
      error: (m) => this.error(tag + m),
    };
  }

  dispose(): void {
    this.channel.dispose();
  }
}
