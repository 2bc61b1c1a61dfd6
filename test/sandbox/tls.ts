/**
 * A throwaway CA and a server certificate for 127.0.0.1/localhost, made with the `openssl` CLI in a
 * temporary directory (removed afterwards). Used by `tls: true` to test private-CA setups.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TlsMaterial {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

function openssl(args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd }, (err, _stdout, stderr) => (err ? reject(new Error(`openssl ${args[0] ?? ''} failed: ${stderr || err.message}`)) : resolve()));
  });
}

/** `caName`: the CA's common name; two CAs that one client trusts need different names (OpenSSL finds issuers by name). */
/**
 * `days`: validity from the real time of the call (default 7). The certificates start at the real time (OpenSSL 3.0's
 * `req -x509`/`x509 -req` cannot backdate), so a client whose clock is behind that sees them as not yet valid.
 */
export async function makeTlsMaterial(caName = 'Quay sandbox test CA', days = 7): Promise<TlsMaterial> {
  const dir = await mkdtemp(join(tmpdir(), 'quay-sandbox-tls-'));
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    await openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', String(days), '-subj', `/CN=${caName}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
    await openssl(['req', '-new', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
    await writeFile(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
    await openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', String(days), '-extfile', 'server.ext'], dir);
    const [caPem, certPem, keyPem] = await Promise.all([readFile(join(dir, 'ca.pem'), 'utf8'), readFile(join(dir, 'server.pem'), 'utf8'), readFile(join(dir, 'server.key'), 'utf8')]);
    return { caPem, certPem, keyPem };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
