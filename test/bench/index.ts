/** `npm run bench`: every benchmark, each printed beside its baseline. No thresholds fail the run. */
import { benchTree } from './tree';

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only === undefined || only === 'tree') console.log(`${(await benchTree()).text}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
