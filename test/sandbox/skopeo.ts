/**
 * Debian's `skopeo login` (a registry client nobody here wrote) against the sandbox, with a throwaway HOME, XDG
 * dirs, registries.conf and `--authfile`, so it never reads or writes the user's container config. Used by the
 * contract test (test/unit/sandbox/skopeo.test.ts) and the rotation E2E.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const installed = spawnSync('skopeo', ['--version'], { encoding: 'utf8' });
/** `skopeo version 1.9.3`, or undefined when skopeo is not installed. */
export const skopeoVersion: string | undefined = installed.status === 0 ? installed.stdout.trim() : undefined;
/** A `skip` for node:test: skipped (visibly) without skopeo, except under CI=true, where the test then fails. */
export const skopeoSkip: string | false = skopeoVersion === undefined && process.env['CI'] !== 'true' ? 'skopeo is not installed (scripts/install-code-server.sh installs it)' : false;

export interface SkopeoRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Skopeo {
  /** The throwaway home; `registries.conf` in it stays empty. */
  readonly home: string;
  /** `skopeo login --tls-verify=false -u <user> --password-stdin <host>`, storing into `<home>/<authName>.json`. */
  login(host: string, user: string, password: string, authName: string): Promise<SkopeoRun>;
  dispose(): void;
}

export function skopeo(): Skopeo {
  const home = mkdtempSync(join(tmpdir(), 'skopeo-test-'));
  writeFileSync(join(home, 'registries.conf'), '');
  return {
    home,
    login(host, user, password, authName) {
      const authfile = join(home, `${authName}.json`);
      const env = {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: home,
        XDG_RUNTIME_DIR: home,
        XDG_CONFIG_HOME: join(home, 'config'),
        CONTAINERS_REGISTRIES_CONF: join(home, 'registries.conf'),
        REGISTRY_AUTH_FILE: authfile,
      };
      const args = ['login', '--tls-verify=false', '--authfile', authfile, '-u', user, '--password-stdin', host];
      return new Promise((resolve, reject) => {
        const child = spawn('skopeo', args, { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: 60_000 });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(`${password}\n`);
      });
    },
    dispose: () => rmSync(home, { recursive: true, force: true }),
  };
}
