/**
 * `npm run demo`: the Quay sandbox (demo seed) + code-server with the extension installed, the sandbox
 * configured as an instance and a workspace of Kubernetes manifests that pull from it. Prints the URL.
 *
 * The token reaches the extension the way a dev container would hand it over: through an environment
 * variable named by the instance's `tokenEnvironmentVariable` setting, imported into SecretStorage on first
 * use. It is never written to a file.
 *
 * `npm run demo -- --cluster` also starts a real Kubernetes API server (test/cluster/cluster.ts; install it with
 * scripts/install-kube-apiserver.sh), points VS Code's KUBECONFIG and `quay.kubectl.path` at it, applies the
 * workspace's pull Secret in namespace `prod`, and makes the sandbox trust its CA, so ServiceAccount tokens it
 * signs can be exchanged for keyless robots.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCodeServer, REPO_ROOT, type CodeServer } from '../e2e/harness';
import { pullSecretManifest } from '../../src/core/k8s/manifests';
import { startCluster, TEST_KUBECTL, type TestCluster } from '../cluster/cluster';
import { startSandbox, type Sandbox } from '../sandbox/server';

export const DEMO_TOKEN_VARIABLE = 'QUAY_DEMO_TOKEN';

export interface Demo {
  readonly sandbox: Sandbox;
  readonly codeServer: CodeServer;
  /** With `cluster: true`. */
  readonly cluster?: TestCluster;
  stop(): Promise<void>;
}

/** Copies the demo manifests into `target`, pointing their images at the sandbox's host. */
export function writeDemoWorkspace(target: string, quayHost: string): void {
  const source = path.join(REPO_ROOT, 'test', 'fixtures', 'demo-workspace');
  fs.rmSync(target, { recursive: true, force: true });
  for (const entry of fs.readdirSync(source, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const from = path.join(entry.parentPath, entry.name);
    const to = path.join(target, path.relative(source, from));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, fs.readFileSync(from, 'utf8').replaceAll('QUAY_HOST', quayHost));
  }
}

export async function startDemo(options: { codeServerPort?: number; sandboxPort?: number; cluster?: boolean } = {}): Promise<Demo> {
  const cluster = options.cluster === true ? await startCluster() : undefined;
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox({ seed: 'demo', port: options.sandboxPort ?? 0, ...(cluster !== undefined ? { trustedCaPem: cluster.caPem } : {}) });
  } catch (error) {
    await cluster?.stop();
    throw error;
  }
  try {
    const workspace = path.join(REPO_ROOT, '.cache', 'demo', 'workspace');
    writeDemoWorkspace(workspace, sandbox.hostname);
    // The pull Secret payments.yaml's ServiceAccount names, with the sandbox robot's token (a throwaway one):
    // with it, the editor's diagnostics can ask Quay whether that robot may pull what the manifests use.
    const robot = 'acme+k8s_prod_puller';
    const token = sandbox.state.robot(robot)?.token ?? '';
    const pullSecret = pullSecretManifest({ host: sandbox.hostname, robot, token, scope: 'org', namespace: 'prod' });
    fs.writeFileSync(path.join(workspace, 'k8s', 'pull-secret.yaml'), `${pullSecret}\n`);
    if (cluster !== undefined) {
      await cluster.createNamespace('prod');
      await cluster.admin(['apply', '-f', '-'], pullSecret);
    }
    const codeServer = await startCodeServer({
      workspace,
      name: 'demo',
      port: options.codeServerPort ?? 0,
      settings: {
        'quay.instances': [{ url: sandbox.url, label: 'Quay sandbox (demo)', tokenEnvironmentVariable: DEMO_TOKEN_VARIABLE }],
        'workbench.startupEditor': 'none',
        ...(cluster !== undefined ? { 'quay.kubectl.path': TEST_KUBECTL } : {}),
      },
      env: { [DEMO_TOKEN_VARIABLE]: sandbox.tokens.admin, ...(cluster !== undefined ? { KUBECONFIG: cluster.kubeconfig } : {}) },
    });
    return {
      sandbox,
      codeServer,
      ...(cluster !== undefined ? { cluster } : {}),
      stop: async () => {
        await codeServer.stop();
        await sandbox.close();
        await cluster?.stop();
      },
    };
  } catch (error) {
    await sandbox.close();
    await cluster?.stop();
    throw error;
  }
}

async function main(): Promise<void> {
  const port = Number(process.env.DEMO_PORT ?? 8080);
  const demo = await startDemo({ codeServerPort: port, cluster: process.argv.includes('--cluster') });
  const { sandbox, codeServer, cluster } = demo;
  console.log(`
Quay sandbox      ${sandbox.url}   (signed in as alice; demo organizations acme, platform, opensource)
Test OIDC issuer  ${sandbox.issuer.url}
VS Code           ${codeServer.url}${
    cluster !== undefined
      ? `
Kubernetes        ${cluster.url}   (kube-apiserver 1.20; contexts admin and developer; issuer = this URL)
Kubeconfig        ${cluster.kubeconfig}   (VS Code's KUBECONFIG; kubectl ${TEST_KUBECTL})`
      : ''
  }

Open the VS Code URL in a browser and click the Quay icon in the activity bar.
Press Ctrl-C to stop everything.`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping code-server and the sandbox…');
    demo.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
