import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { Settings } from '../constants';
import { instanceLabel, type InstanceConfig } from '../core/instances';
import { errorMessage, type RedactingLogger } from '../core/log';
import { createFetchJson } from '../core/federation/fetchJson';
import type { FetchJson } from '../core/federation/issuer';
import { proxyFor, type ProxySettings } from '../core/quay/proxy';
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

  get(instanceUrl: string): QuayClient {
    const instance = this.store.get(instanceUrl);
    if (instance === undefined) throw new Error(vscode.l10n.t('{0} is not a configured Quay instance.', instanceUrl));
    const key = JSON.stringify(instance);
    const cached = this.clients.get(instanceUrl);
    if (cached !== undefined && cached.key === key) return cached.client;
    void cached?.client.close();
    const client = this.create(instance, () => this.store.getToken(instanceUrl));
    this.clients.set(instanceUrl, { key, client });
    return client;
  }

  /** A client for an instance that is not saved yet, with a fixed token: used to check a token before storing it. */
  create(instance: InstanceConfig, getToken: () => Promise<string | undefined>): QuayClient {
    const config = vscode.workspace.getConfiguration(Settings.section);
    const ca = caOf(instance);
    const proxy = proxyFor(instance.url, proxySettings());
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
      timeoutMs: requestTimeoutMs(),
    });
  }

  /**
   * The editor's fetch of an OIDC issuer's discovery document and keys (Check Issuer): the proxy settings that
   * apply to the issuer's host, the system CAs and the instance's CA bundle.
   */
  issuerFetch(instance: InstanceConfig): FetchJson {
    const ca = caOf(instance);
    const settings = proxySettings();
    return createFetchJson({ proxyFor: (url) => proxyFor(url, settings), ...(ca !== undefined ? { ca } : {}), timeoutMs: requestTimeoutMs() });
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

function requestTimeoutMs(): number {
  return vscode.workspace.getConfiguration(Settings.section).get<number>(Settings.requestTimeoutSeconds, 30) * 1000;
}

function caOf(instance: InstanceConfig): string | undefined {
  if (instance.caFile === undefined) return undefined;
  try {
    return readFileSync(instance.caFile, 'utf8');
  } catch (error) {
    throw new Error(vscode.l10n.t('Cannot read the CA bundle {0} set for {1}: {2}', instance.caFile, instance.url, errorMessage(error)));
  }
}

/** VS Code's `http.proxy` and `http.noProxy`, else the environment's, as curl and Docker read them. */
function proxySettings(): ProxySettings {
  const http = vscode.workspace.getConfiguration('http');
  const env = process.env;
  const setting = http.get<string>('proxy')?.trim();
  return {
    httpsProxy: setting !== undefined && setting !== '' ? setting : (env.HTTPS_PROXY ?? env.https_proxy),
    httpProxy: setting !== undefined && setting !== '' ? setting : (env.HTTP_PROXY ?? env.http_proxy),
    noProxy: [...(http.get<string[]>('noProxy') ?? []), ...(env.NO_PROXY ?? env.no_proxy ?? '').split(/[\s,]+/)],
  };
}
