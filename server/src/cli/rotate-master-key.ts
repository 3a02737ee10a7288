// `npm run rotate-master-key`: re-seals every stored key under the current MASTER_KEY. Rotation steps:
// 1. `npm run keygen` → new key; 2. set MASTER_KEY=<new>, MASTER_KEYS_PREVIOUS=<old>; 3. run this;
// 4. restart the server; 5. once this reported success, drop the old key from MASTER_KEYS_PREVIOUS.
import { systemClock } from '../clock';
import { ConfigError, loadConfig } from '../config';
import { Sealer } from '../crypto/seal';
import { resealAll } from '../crypto/reseal';
import { createSqliteStorage, openDatabase } from '../db/index';

try {
  const config = loadConfig(process.env, (w) => process.stderr.write(`warning: ${w}\n`));
  const storage = createSqliteStorage(openDatabase(config.databasePath), systemClock);
  try {
    const count = resealAll(storage.stores, new Sealer(config.masterKey, config.masterKeysPrevious));
    process.stdout.write(`re-sealed ${count} secret${count === 1 ? '' : 's'} under the current MASTER_KEY (${config.databasePath})\n`);
  } finally {
    storage.close();
  }
} catch (err) {
  const message = err instanceof ConfigError ? err.message : `rotation failed, nothing changed: ${(err as Error).message}`;
  process.stderr.write(`checkout-best: ${message}\n`);
  process.exit(1);
}
