/**
 * A reader worker of the token-usage finder (readerPool.ts): reads the batches of files it is sent with the same
 * {@link ScanReader} the main thread uses and answers each batch's outcomes, in order, with the bytes of the files
 * that may hold the token transferred (not copied). Compiled to `readerWorker.js` beside finder.js (tsc) and
 * beside `dist/extension.js` and `dist/cli.js` (scripts/build.mjs).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ScanReader, type ReadOutcome, type ReadRequest } from './fileRead';

interface Setup {
  readonly literals: readonly string[];
  readonly hint: string;
}

const port = parentPort;
if (port !== null) {
  const setup = workerData as Setup;
  const reader = new ScanReader(setup.literals, setup.hint);
  port.on('message', (batch: { id: number; files: ReadRequest[] }) => {
    const outcomes: ReadOutcome[] = batch.files.map((f) => reader.read(f));
    const transfer: ArrayBuffer[] = [];
    for (const o of outcomes) if (o.kind === 'text' && o.bytes !== undefined) transfer.push(o.bytes.buffer as ArrayBuffer);
    port.postMessage({ id: batch.id, outcomes }, transfer);
  });
}
