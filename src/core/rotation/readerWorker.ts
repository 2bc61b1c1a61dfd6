/**
 * A reader worker of the token-usage finder (readerPool.ts): for each scan it is sent what to look for
 * (`setup`, answered `ready`), then runs the walk's tasks it is sent (list a folder and read its files, or read a run of files)
 * with the same {@link ScanReader} the main thread uses, and answers each message's results, in order, with the
 * bytes of the files that may hold the token transferred (not copied). Compiled to `readerWorker.js` beside
 * finder.js (tsc) and beside `dist/extension.js` and `dist/cli.js` (scripts/build.mjs).
 */
import { parentPort } from 'node:worker_threads';
import { ScanReader, type ScanSetup, type ScanTask } from './fileRead';

const port = parentPort;
if (port !== null) {
  let reader: ScanReader | undefined;
  port.on('message', (m: { setup: ScanSetup } | { id: number; tasks: ScanTask[] }) => {
    if ('setup' in m) {
      reader = new ScanReader(m.setup); // a new scan
      port.postMessage({ ready: true });
      return;
    }
    const r = reader;
    if (r === undefined) return;
    const results = m.tasks.map((t) => r.run(t));
    const transfer: ArrayBuffer[] = [];
    for (const result of results) {
      for (const e of result.entries) if (typeof e !== 'number' && e.outcome.kind === 'text' && e.outcome.bytes !== undefined) transfer.push(e.outcome.bytes.buffer as ArrayBuffer);
    }
    port.postMessage({ id: m.id, results }, transfer);
  });
}
