/**
 * A real Kubernetes API server for the tests: Debian's etcd and a kube-apiserver 1.20 built by
 * scripts/install-kube-apiserver.sh (into .cache/kube/bin), both on loopback with random ports, in a temporary
 * directory that is removed on stop.
 *
 * - a throwaway CA and a serving certificate for 127.0.0.1 (the sandbox's `makeTlsMaterial`);
 * - a service-account signing key; the issuer is the API server's own URL, and the discovery document and
 *   JWKS are public (`system:service-account-issuer-discovery` bound to `system:unauthenticated`, as on
 *   OpenShift and EKS);
 * - a static token file: `admin` (system:masters) and `developer` (no rights until a test grants some by RBAC);
 * - a kubeconfig with the contexts `admin` (current) and `developer`;
 * - the `default` ServiceAccount in every namespace made through {@link TestCluster.createNamespace} and in
 *   `default` (no controller-manager runs);
 * - {@link TestCluster.stop} ends both processes by PID (SIGTERM, then SIGKILL after 10 s).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync, openSync, closeSync, readFileSync } from 'node:fs';
import * as https from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { kubectlDockerConfigJson } from '../../src/core/k8s/credentials';
import { Kubectl } from '../../src/core/k8s/kubectl';
import { makeTlsMaterial } from '../sandbox/tls';

/** The repository root (this file runs from out/test/cluster/). */
const ROOT = resolve(__dirname, '..', '..', '..');
export const KUBE_BIN = join(ROOT, '.cache', 'kube', 'bin');
/** kubectl 1.20 from Debian's kubernetes-client, unpacked by the install script: the oldest kubectl we support. */
export const TEST_KUBECTL = join(KUBE_BIN, 'kubectl');
const KUBE_APISERVER = join(KUBE_BIN, 'kube-apiserver');
const ETCD = '/usr/bin/etcd';

/** Why the cluster tests cannot run here, or undefined when they can (run scripts/install-kube-apiserver.sh). */
export const clusterSkip: string | undefined = [KUBE_APISERVER, TEST_KUBECTL, ETCD].every((f) => existsSync(f))
  ? undefined
  : 'kube-apiserver, kubectl or etcd is missing: run scripts/install-kube-apiserver.sh';

export interface TestCluster {
  /** `https://127.0.0.1:<port>`: the API server, and the service-account issuer. */
  readonly url: string;
  readonly issuer: string;
  /** The CA that signed the serving certificate (trust it to fetch discovery and JWKS). */
  readonly caPem: string;
  /** The API server's certificate (127.0.0.1, signed by that CA) and key: a test proxy in front of it can serve them. */
  readonly serving: { readonly certPem: string; readonly keyPem: string };
  /** A kubeconfig file with the contexts `admin` (current) and `developer`. */
  readonly kubeconfig: string;
  /** kubectl 1.20 on {@link kubeconfig}. */
  readonly kubectl: Kubectl;
  readonly pids: { readonly etcd: number; readonly apiserver: number };
  /** Runs kubectl as `admin` with `input` on standard input. */
  admin(args: readonly string[], input?: string): Promise<string>;
  /** Creates a namespace and its `default` ServiceAccount. */
  createNamespace(name: string): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      server.close(() => resolvePort(port));
    });
  });
}

function start(command: string, args: readonly string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

/** SIGTERM by PID, SIGKILL if it is still there after 10 s. */
async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  }, 10_000);
  await exited(child);
  clearTimeout(timer);
}

/** Polls `url` until it answers 200 (or the process dies, or 60 s pass). */
async function waitReady(url: string, ca: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${url}: the process exited (${child.exitCode ?? child.signalCode}); log:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    const status = await new Promise<number>((r) => {
      const req = https.get(url, { ca, timeout: 2000 }, (res) => {
        res.resume();
        r(res.statusCode ?? 0);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => r(0));
    });
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${url} not ready within 60 s; log:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function kubeconfigYaml(url: string, caPem: string, tokens: Record<string, string>): string {
  const users = Object.entries(tokens);
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: users.map(([name, token]) => ({ name, user: { token } })),
    contexts: users.map(([name]) => ({ name, context: { cluster: 'test', user: name, namespace: 'default' } })),
    'current-context': 'admin',
  });
}

/** Starts etcd and kube-apiserver; resolves once `/readyz` answers and the bootstrap objects exist. */
export async function startCluster(): Promise<TestCluster> {
  if (clusterSkip !== undefined) throw new Error(clusterSkip);
  const dir = mkdtempSync(join(tmpdir(), 'quay-test-cluster-'));
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) await stopProcess(child);
    children.length = 0;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const tls = await makeTlsMaterial('Quay test cluster CA');
    writeFileSync(join(dir, 'serving.pem'), tls.certPem);
    writeFileSync(join(dir, 'serving.key'), tls.keyPem, { mode: 0o600 });
    const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'sa.key'), sa.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(join(dir, 'sa.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' }));
    const tokens = { admin: randomBytes(24).toString('hex'), developer: randomBytes(24).toString('hex') };
    // token,user,uid,"group,…"
    writeFileSync(join(dir, 'tokens.csv'), `${tokens.admin},admin,1,"system:masters"\n${tokens.developer},developer,2\n`, { mode: 0o600 });

    const etcdLog = join(dir, 'etcd.log');
    const etcd = start(ETCD, [
      '--name=test', `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`, `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`, `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=test=http://127.0.0.1:${peerPort}`, '--log-level=warn',
    ], etcdLog);
    children.push(etcd);

    const url = `https://127.0.0.1:${apiPort}`;
    const apiLog = join(dir, 'kube-apiserver.log');
    const apiserver = start(KUBE_APISERVER, [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1', `--secure-port=${apiPort}`, '--insecure-port=0',
      `--tls-cert-file=${join(dir, 'serving.pem')}`, `--tls-private-key-file=${join(dir, 'serving.key')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`, '--authorization-mode=RBAC', '--anonymous-auth=true',
      `--service-account-issuer=${url}`, `--service-account-jwks-uri=${url}/openid/v1/jwks`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`, `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--api-audiences=${url}`, '--service-cluster-ip-range=10.96.0.0/24', '--profiling=false', `--cert-dir=${join(dir, 'certs')}`,
    ], apiLog);
    children.push(apiserver);
    await waitReady(`${url}/readyz`, tls.caPem, apiserver, apiLog);

    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml(url, tls.caPem, tokens), { mode: 0o600 });
    const kubectl = new Kubectl({ path: TEST_KUBECTL, kubeconfig, timeoutMs: 30_000 });
    const admin = (args: readonly string[], input?: string): Promise<string> => kubectl.run('admin', args, input);
    const createNamespace = async (name: string): Promise<void> => {
      if (name !== 'default') await admin(['create', 'namespace', name]);
      await admin(['create', 'serviceaccount', 'default', '-n', name]);
    };
    // Public discovery and JWKS, as on OpenShift and EKS.
    await admin(['create', 'clusterrolebinding', 'service-account-issuer-discovery-public', '--clusterrole=system:service-account-issuer-discovery', '--group=system:unauthenticated']);
    // The API server makes the `default` namespace itself, shortly after it is ready.
    for (let i = 0; ; i++) {
      try {
        await admin(['get', 'namespace', 'default']);
        break;
      } catch (e) {
        if (i > 100) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await createNamespace('default');
    return {
      url,
      issuer: url,
      caPem: tls.caPem,
      serving: { certPem: tls.certPem, keyPem: tls.keyPem },
      kubeconfig,
      kubectl,
      pids: { etcd: etcd.pid ?? 0, apiserver: apiserver.pid ?? 0 },
      admin,
      createNamespace,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** A pull Secret as `kubectl create secret docker-registry` makes it, as JSON for `kubectl apply -f -`. */
export function pullSecretJson(namespace: string, name: string, host: string, user: string, token: string, metadata: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace, ...metadata },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(kubectlDockerConfigJson(host, user, token)).toString('base64') },
  });
}
