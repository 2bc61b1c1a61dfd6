/**
 * `npm run demo`: the Quay sandbox (demo seed) + code-server with the extension installed, the sandbox
 * configured as an instance and a workspace of Kubernetes manifests that pull from it. Prints the URL.
 *
 * The token reaches the extension the way a dev container would hand it over: through an environment
 * variable named by the instance's `tokenEnvironmentVariable` setting, imported into SecretStorage on first
 * use. It is never written to a file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCodeServer, REPO_ROOT, type CodeServer } from '../e2e/harness';
import { pullSecretManifest } from '../../src/core/k8s/manifests';
import { startSandbox, type Sandbox } from '../sandbox/server';

export const DEMO_TOKEN_VARIABLE = 'QUAY_DEMO_TOKEN';

export interface Demo {
  readonly sandbox: Sandbox;
  readonly codeServer: CodeServer;
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

export async function startDemo(options: { codeServerPort?: number; sandboxPort?: number } = {}): Promise<Demo> {
  const sandbox = await startSandbox({ seed: 'demo', port: options.sandboxPort ?? 0 });
  try {
    const workspace = path.join(REPO_ROOT, '.cache', 'demo', 'workspace');
    writeDemoWorkspace(workspace, sandbox.hostname);
    // The pull Secret payments.yaml's ServiceAccount names, with the sandbox robot's token (a throwaway one):
    // with it, the editor's diagnostics can ask Quay whether that robot may pull what the manifests use.
    const robot = 'acme+k8s_prod_puller';
    const token = sandbox.state.robot(robot)?.token ?? '';
    fs.writeFileSync(path.join(workspace, 'k8s', 'pull-secret.yaml'), `${pullSecretManifest({ host: sandbox.hostname, robot, token, scope: 'org', namespace: 'prod' })}\n`);
    const codeServer = await startCodeServer({
      workspace,
      name: 'demo',
      port: options.codeServerPort ?? 0,
      settings: {
        'quay.instances': [{ url: sandbox.url, label: 'Quay sandbox (demo)', tokenEnvironmentVariable: DEMO_TOKEN_VARIABLE }],
        'workbench.startupEditor': 'none',
      },
      env: { [DEMO_TOKEN_VARIABLE]: sandbox.tokens.admin },
    });
    return {
      sandbox,
      codeServer,
      stop: async () => {
        await codeServer.stop();
        await sandbox.close();
      },
    };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

async function main(): Promise<void> {
  const port = Number(process.env.DEMO_PORT ?? 8080);
  const demo = await startDemo({ codeServerPort: port });
  const { sandbox, codeServer } = demo;
  console.log(`
Quay sandbox      ${sandbox.url}   (signed in as alice; demo organizations acme, platform, opensource)
Test OIDC issuer  ${sandbox.issuer.url}
VS Code           ${codeServer.url}

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
