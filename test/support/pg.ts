// Throw-away PostgreSQL databases on the test server (127.0.0.1:5432, trust auth, user postgres; or TEST_POSTGRES_URL).
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server tests create their databases on, without a trailing slash. */
export const PG_SERVER = (process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432').replace(/\/+$/, '');

/** Runs one statement on the server's `postgres` database (CREATE/DROP DATABASE). */
export async function pgAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh empty database `cb_test_<random>`; drop() removes it. */
export async function throwawayDatabase(): Promise<{
  name: string;
  url: string;
  query: <R = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<R[]>;
  drop: () => Promise<void>;
}> {
  const name = `cb_test_${randomBytes(8).toString('hex')}`;
  await pgAdmin(`CREATE DATABASE ${name}`);
  const url = `${PG_SERVER}/${name}`;
  return {
    name,
    url,
    async query<R>(sql: string, params: unknown[] = []) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as R[];
      } finally {
        await client.end();
      }
    },
    drop: () => pgAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
