// The storage port in-process, without the app: on the engine TEST_DATABASE names, a fresh SQLite file in a temp
// dir or a throw-away PostgreSQL database (test/support/pg.ts), for suites that call repositories directly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../server/src/clock';
import type { Storage } from '../../server/src/storage/port';
import { openPostgresStorage } from '../../server/src/storage/postgres/index';
import { openSqliteStorage } from '../../server/src/storage/sqlite/index';
import { TEST_ENGINE } from './app';
import { throwawayDatabase } from './pg';

/** A throw-away database with the storage port over it; `open()` adds another instance on the same database. */
export interface ThrowawayStorage {
  engine: typeof TEST_ENGINE;
  storage: Storage;
  /** Another Storage on the same database (its own connection or pool): a second server process without the process. */
  open(): Promise<Storage>;
  /** Closes every Storage opened here and deletes the database. */
  destroy(): Promise<void>;
}

/** Makes the database of TEST_ENGINE, migrates it and opens the port over it with `clock`. */
export async function throwawayStorage(clock: Clock): Promise<ThrowawayStorage> {
  const opened: Storage[] = [];
  let open: () => Promise<Storage>;
  let remove: () => Promise<void>;
  if (TEST_ENGINE === 'postgres') {
    const db = await throwawayDatabase();
    open = () => openPostgresStorage({ url: db.url, poolSize: 4 }, clock);
    remove = db.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'cb-storage-'));
    open = () => Promise.resolve(openSqliteStorage(join(dir, 'storage.sqlite'), clock));
    remove = () => Promise.resolve(rmSync(dir, { recursive: true, force: true }));
  }
  const track = async () => {
    const s = await open();
    opened.push(s);
    return s;
  };
  return {
    engine: TEST_ENGINE,
    storage: await track(),
    open: track,
    async destroy() {
      await Promise.all(opened.map((s) => s.close()));
      await remove();
    },
  };
}
