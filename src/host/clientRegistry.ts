import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { Settings } from '../constants';
import { instanceLabel, type InstanceConfig } from '../core/instances';
import type { RedactingLogger } from '../core/log';
import { proxyFor } from '../core/quay/proxy';
import { QuayClient } from '../core/quay/client';
import type { InstanceStore } from './instanceStore';

/** One QuayClient per instance, rebuilt when the instance's settings change. */
export class ClientRegistry implements vscode.Disposable {
  private readonly clients = new Map<string, { key: string; client: QuayClient }>();
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: InstanceStore,
    private readonly logger: RedactingLogger,
  ) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(Settings.section) || e.affectsConfiguration('http.proxy') || e.affectsConfiguration('http.noProxy')) this.disposeClients();
    });
  }

  get(instanceId: string): QuayClient {
    const instance = this.store.get(instanceId);
    if (instance === undefined) throw new Error(vscode.l10n.t('{0} is not a configured Quay instance.', instanceId));
    const key = JSON.stringify(instance);
    const cached = this.clients.get(instanceId);
    if (cached !== undefined && cached.key === key) return cached.client;
    void cached?.client.close();
    const client = this.create(instance, () => this.store.getToken(instanceId));
    this.clients.set(instanceId, { key, client });
    return client;
  }

  /** A client for an instance that is not saved yet, with a fixed token: used to check a token before storing it. */
  create(instance: InstanceConfig, getToken: () => Promise<string | undefined>): QuayClient {
    const config = vscode.workspace.getConfiguration(Settings.section);
    let ca: string | undefined;
    if (instance.caFile !== undefined) {
      try {
        ca = readFileSync(instance.caFile, 'utf8');
      } catch (error) {
        throw new Error(
          vscode.l10n.t('Cannot read the CA bundle {0} set for {1}: {2}', instance.caFile, instance.url, error instanceof Error ? error.message : String(error)),
        );
      }
    }
    const http = vscode.workspace.getConfiguration('http');
    const env = process.env;
    const setting = http.get<string>('proxy')?.trim();
    const proxy = proxyFor(instance.url, {
      httpsProxy: setting !== undefined && setting !== '' ? setting : (env.HTTPS_PROXY ?? env.https_proxy),
      httpProxy: setting !== undefined && setting !== '' ? setting : (env.HTTP_PROXY ?? env.http_proxy),
      noProxy: [...(http.get<string[]>('noProxy') ?? []), ...(env.NO_PROXY ?? env.no_proxy ?? '').split(/[\s,]+/)],
    });
    return new QuayClient({
      baseUrl: instance.url,
      ...(proxy !== undefined ? { proxy } : {}),
      instanceLabel: instanceLabel(instance),
      getToken,
      logger: this.logger,
      rememberSecret: this.logger.rememberSecret,
      tls: { ...(ca !== undefined ? { ca } : {}), rejectUnauthorized: instance.verifyTls !== false },
      allowInsecureHttp: instance.allowHttp === true,
      maxConcurrency: config.get<number>(Settings.maxConcurrentRequests, 4),
      timeoutMs: config.get<number>(Settings.requestTimeoutSeconds, 30) * 1000,
    });
  }

  private disposeClients(): void {
    for (const { client } of this.clients.values()) void client.close();
    this.clients.clear();
  }

  dispose(): void {
    this.subscription.dispose();
    this.disposeClients();
  }
}
