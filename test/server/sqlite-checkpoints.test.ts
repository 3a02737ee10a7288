import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { systemClock } from '../../server/src/clock';
import { CHECKPOINT_EVERY_MS, SAFETY_NET_PAGES } from '../../server/src/storage/sqlite/checkpointer';
import { openSqliteStorage } from '../../server/src/storage/sqlite/index';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the SQLite file's checkpoints", () => {
  it('are made by a worker thread, not in a request: the database file takes the writes while the server connection never reaches its threshold', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cb-ckpt-')), 'db.sqlite');
    const storage = openSqliteStorage(path, systemClock);
    try {
      const probe = new Database(path, { readonly: true });
      // The server's connection would checkpoint only past SAFETY_NET_PAGES pages of log (about 40 MB).
      assert.equal(probe.pragma('page_size', { simple: true }), 4096);
      await sleep(CHECKPOINT_EVERY_MS * 3);
      const before = statSync(path).size;
      // About 2 MB of catalog: some 500 pages of log, far below the server connection's own threshold.
      const store = (await storage.stores.create({ id: 'st_ckpt', name: 'Checkpoints', allowed_origins: [], default_currency: 'usd' }))!;
      for (let i = 0; i < 20; i++) {
        const products = Array.from({ length: 100 }, (_, k) => ({ id: `p${i}-${k}`, name: 'x'.repeat(900), unit_amount: 100, currency: 'usd' }));
        await storage.catalog.upsertProducts(store.id, products);
      }
      assert.ok(500 < SAFETY_NET_PAGES);
      const deadline = Date.now() + 5000;
      while (statSync(path).size < before + 1_500_000 && Date.now() < deadline) await sleep(CHECKPOINT_EVERY_MS);
      assert.ok(statSync(path).size >= before + 1_500_000, `the database file grew by ${statSync(path).size - before} bytes only`);
      probe.close();
    } finally {
      await storage.close();
    }
    // The worker's connection is closed with the storage: the last connection gone, SQLite removes the log.
    assert.equal(existsSync(`${path}-wal`), false, 'no connection is left open on the file');
  });
});
