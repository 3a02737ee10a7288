// `npm run rotate-master-key`: re-seals every stored secret under the current MASTER_KEY. Rotation steps:
// 1. `npm run keygen` → new key; 2. set MASTER_KEY=<new>, MASTER_KEYS_PREVIOUS=<old>; 3. run this;
// 4. restart the server; 5. once this reported success, drop the old key from MASTER_KEYS_PREVIOUS.
import { ConfigError, loadConfig } from '../config';
import { resealAll } from '../crypto/reseal';
import { buildDeps } from '../deps';

try {
  const config = loadConfig(process.env, (w) => process.stderr.write(`warning: ${w}\n`));
  const deps = buildDeps(config);
  try {
    const count = await resealAll(deps.storage.sealed, deps.sealer);
    process.stdout.write(`re-sealed ${count} secret${count === 1 ? '' : 's'} under the current MASTER_KEY (${config.databasePath})\n`);
  } finally {
    await deps.storage.close();
  }
} catch (err) {
  const message = err instanceof ConfigError ? err.message : `rotation failed, nothing changed: ${(err as Error).message}`;
  process.stderr.write(`checkout-best: ${message}\n`);
  process.exit(1);
}
