/** `npm run bench`: every benchmark, each printed beside its baseline. No thresholds fail the run. */
import { benchActivation } from './activation';
import { benchAudit } from './audit';
import { benchBulk } from './bulk';
import { benchRotation } from './rotation';
import { benchTree } from './tree';
import { benchYaml } from './yaml';

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only === undefined || only === 'tree') console.log(`${(await benchTree()).text}\n`);
  if (only === undefined || only === 'yaml') console.log(`${await benchYaml()}\n`);
  if (only === undefined || only === 'bulk') console.log(`${await benchBulk()}\n`);
  if (only === undefined || only === 'rotation') console.log(`${await benchRotation()}\n`);
  if (only === undefined || only === 'audit') console.log(`${await benchAudit()}\n`);
  if (only === undefined || only === 'activation') console.log(`${await benchActivation()}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
