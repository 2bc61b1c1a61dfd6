import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RedactingLogger } from '../../src/core/log';
import { QuayClient } from '../../src/core/quay/client';
import { checkToken } from '../../src/core/signIn';
import { localServer, memoryLogger } from './quay/helpers';

/**
 * The extension host wires it the same way: OutputChannelLogger is a RedactingLogger, and ClientRegistry hands its
 * rememberSecret to every client, including the one "Add Instance"/"Sign in" builds to check a pasted token.
 */
void test('a failed sign-in check logs no trace of the pasted token, even when the server echoes it', async () => {
  const pasted = 'PASTEDtokenABCDEFGHIJKLMNOPQRSTUVWXYZ0123';
  const s = await localServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`cannot check ${auth.slice('Bearer '.length)}`);
  });
  const { logger: sink, lines } = memoryLogger();
  const logger = new RedactingLogger(sink);
  const http = logger.tagged('http');
  const client = new QuayClient({ baseUrl: s.url, getToken: () => Promise.resolve(pasted), logger: http, rememberSecret: http.rememberSecret, retries: 0 });
  try {
    const outcome = await checkToken(client, '127.0.0.1');
    assert.equal(outcome.ok, false);
    if (!outcome.ok) logger.warn(`Token check for ${s.url} failed (${outcome.reason}): ${outcome.message}`);
    // A later line that quotes the token verbatim (say, a stack or a dump) is cleaned too: the token was registered when sent.
    logger.error(`unexpected: ${pasted}`);
  } finally {
    await client.close();
    await s.close();
  }
  assert.ok(lines.some((l) => l.startsWith('warn Token check') && l.includes('«redacted»')), lines.join('\n'));
  for (const line of lines) assert.ok(!line.includes(pasted), `leaked: ${line}`);
});
