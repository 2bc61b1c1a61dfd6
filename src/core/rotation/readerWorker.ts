/**
 * A reader worker of the token-usage finder (readerPool.ts): for each scan it is sent the needles (`setup`), then
 * reads the batches of files it is sent with the same {@link ScanReader} the main thread uses and answers each batch's outcomes, in order, with the bytes of the files
 * that may hold the token transferred (not copied). Compiled to `readerWorker.js` beside finder.js (tsc) and
 * beside `dist/extension.js` and `dist/cli.js` (scripts/build.mjs).
 */
import { parentPort } from 'node:worker_threads';
import { ScanReader, type ReadOutcome, type ReadRequest } from './fileRead';

interface Setup {
  readonly literals: readonly string[];
  readonly hint: string;
  readonly words: readonly string[];
}

const port = parentPort;
if (port !== null) {
  let reader: ScanReader | undefined;
  port.on('message', (m: { setup: Setup } | { id: number; files: ReadRequest[] }) => {
    if ('setup' in m) {
      reader = new ScanReader(m.setup.literals, m.setup.hint, m.setup.words); // a new scan
      return;
    }
    const r = reader;
    if (r === undefined) return;
    const outcomes: ReadOutcome[] = m.files.map((f) => r.read(f));
    const transfer: ArrayBuffer[] = [];
    for (const o of outcomes) if (o.kind === 'text' && o.bytes !== undefined) transfer.push(o.bytes.buffer as ArrayBuffer);
    port.postMessage({ id: m.id, outcomes }, transfer);
  });
}
