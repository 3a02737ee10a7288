// `npm run rotate-master-key`: re-seals every stored secret under the current MASTER_KEY. Rotation steps:
// 1. `npm run keygen` → new key; 2. set MASTER_KEY=<new>, MASTER_KEYS_PREVIOUS=<old>; 3. run this;
// 4. restart the server; 5. once this reported success, drop the old key from MASTER_KEYS_PREVIOUS.
// v1 boxes of an earlier release are upgraded to v2 first, as the server does at start (crypto/upgrade.ts).
import { ConfigError, loadConfig, redactDatabaseUrl } from '../config';
import { resealAll } from '../crypto/reseal';
import { upgradeSealedValues } from '../crypto/upgrade';
import { buildDeps, StorageOpenError } from '../deps';

try {
  const config = loadConfig(process.env, (w) => process.stderr.write(`warning: ${w}\n`));
  const deps = await buildDeps(config);
  try {
    // v1 boxes first (as the server does at start): those that prove their place become v2 under MASTER_KEY.
    const upgrade = await upgradeSealedValues(deps);
    if (upgrade.upgraded > 0)
      process.stdout.write(`upgraded ${upgrade.upgraded} v1 box${upgrade.upgraded === 1 ? '' : 'es'} to v2 (bound to store, purpose and row)\n`);
    for (const r of upgrade.refused) process.stderr.write(`checkout-best: not upgraded: ${r.table}.${r.column} of row ${r.rowId}: ${r.reason}\n`);
    const count = await resealAll(deps.storage.sealed, deps.sealer);
    process.stdout.write(
      `re-sealed ${count} secret${count === 1 ? '' : 's'} under the current MASTER_KEY (${config.databaseUrl ? redactDatabaseUrl(config.databaseUrl) : config.databasePath})\n`,
    );
  } finally {
    await deps.storage.close();
  }
} catch (err) {
  const message = err instanceof ConfigError || err instanceof StorageOpenError ? err.message : `rotation failed, nothing changed: ${(err as Error).message}`;
  process.stderr.write(`checkout-best: ${message}\n`);
  process.exit(1);
}
