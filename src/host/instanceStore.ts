import * as vscode from 'vscode';
import { Settings, tokenSecretKey } from '../constants';
import { parseInstances, type InstanceConfig } from '../core/instances';
import type { OutputChannelLogger } from './logger';

/**
 * Where instances live: their non-secret description in the `quay.instances` setting, their token in
 * SecretStorage (the OS keychain) under `quay.token:<origin>`. Nothing else ever holds a token.
 */
export class InstanceStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /**
   * Fires once when the instance list or a token changes: after this store's own writes, and for changes made
   * elsewhere (settings.json edited, another window). The editor's echo of a write (the configuration and
   * keychain events, which may come before the write resolves or after it) is not fired again: a second tree
   * refresh a moment after the first replaces the rows the user is expanding ("No tree item with id … found").
   */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private reportedProblems = '';
  /** Each token as this store last read or wrote it. */
  private readonly tokens = new Map<string, string | undefined>();
  /** Counts token writes and external token changes, so that they are announced even when the list is the same. */
  private tokenChanges = 0;
  /** The state last announced (token changes and instance list), to tell a change from the echo of one. */
  private announced = '';

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly logger: OutputChannelLogger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.announced = this.state();
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${Settings.section}.${Settings.instances}`)) this.announce();
      }),
      secrets.onDidChange((e) => {
        if (!e.key.startsWith(tokenSecretKey(''))) return; // an instance's token key, whichever instance
        void secrets.get(e.key).then((value) => {
          if (this.tokens.has(e.key) && this.tokens.get(e.key) === value) return;
          this.tokens.set(e.key, value);
          this.tokenChanges++;
          this.announce();
        });
      }),
    );
  }

  private state(): string {
    return `${this.tokenChanges} ${JSON.stringify(this.list())}`;
  }

  /** Fires onDidChange unless this state was announced already (by the write, or by the editor's echo of it). */
  private announce(): void {
    const now = this.state();
    if (now === this.announced) return;
    this.announced = now;
    this.changed.fire();
  }

  list(): InstanceConfig[] {
    const raw = vscode.workspace.getConfiguration(Settings.section).get<unknown>(Settings.instances);
    const { instances, problems } = parseInstances(raw);
    const text = problems.join('\n');
    if (text !== '' && text !== this.reportedProblems) {
      this.logger.warn(`Ignoring invalid entries in the quay.instances setting:\n${text}`);
    }
    this.reportedProblems = text;
    return instances;
  }

  get(instanceUrl: string): InstanceConfig | undefined {
    return this.list().find((i) => i.url === instanceUrl);
  }

  /**
   * The instance's token. When the keychain has none and the instance names an environment variable
   * that holds one, it is imported into the keychain once (so the variable can be dropped later).
   */
  async getToken(instanceUrl: string): Promise<string | undefined> {
    const key = tokenSecretKey(instanceUrl);
    let token = await this.secrets.get(key);
    if (token === undefined) {
      const variable = this.get(instanceUrl)?.tokenEnvironmentVariable;
      const fromEnv = variable !== undefined ? this.env[variable]?.trim() : undefined;
      if (fromEnv !== undefined && fromEnv !== '') {
        this.tokens.set(key, fromEnv);
        await this.secrets.store(key, fromEnv);
        this.logger.info(`Imported the token for ${instanceUrl} from the environment variable ${variable} into the keychain.`);
        token = fromEnv;
      }
    }
    this.tokens.set(key, token);
    this.logger.rememberSecret(token);
    return token;
  }

  async setToken(instanceUrl: string, token: string): Promise<void> {
    await this.writeToken(instanceUrl, token);
    this.announce();
  }

  private async writeToken(instanceUrl: string, token: string): Promise<void> {
    this.logger.rememberSecret(token);
    this.tokens.set(tokenSecretKey(instanceUrl), token);
    this.tokenChanges++;
    await this.secrets.store(tokenSecretKey(instanceUrl), token);
  }

  /** Adds or updates an instance in the user's settings and stores its token. */
  async save(instance: InstanceConfig, token: string): Promise<void> {
    await this.writeToken(instance.url, token);
    const config = vscode.workspace.getConfiguration(Settings.section);
    const current = (config.inspect<unknown[]>(Settings.instances)?.globalValue ?? []).filter(
      (e) => !(typeof e === 'object' && e !== null && normalise((e as { url?: unknown }).url) === instance.url),
    );
    await config.update(Settings.instances, [...current, instance], vscode.ConfigurationTarget.Global);
    this.announce();
  }

  /** Removes the instance from the user's settings and deletes its token from the keychain. */
  async remove(instanceUrl: string): Promise<void> {
    this.tokens.set(tokenSecretKey(instanceUrl), undefined);
    this.tokenChanges++;
    await this.secrets.delete(tokenSecretKey(instanceUrl));
    const config = vscode.workspace.getConfiguration(Settings.section);
    const current = config.inspect<unknown[]>(Settings.instances)?.globalValue ?? [];
    const kept = current.filter((e) => !(typeof e === 'object' && e !== null && normalise((e as { url?: unknown }).url) === instanceUrl));
    await config.update(Settings.instances, kept.length > 0 ? kept : undefined, vscode.ConfigurationTarget.Global);
    this.announce();
    const stillThere = this.get(instanceUrl);
    if (stillThere !== undefined) {
      throw new Error(
        `${instanceUrl} is also listed in the workspace or folder settings (quay.instances); remove it there too. Its token was deleted.`,
      );
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function normalise(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  const { instances } = parseInstances([{ url, allowHttp: true }]);
  return instances[0]?.url;
}
