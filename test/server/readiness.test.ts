// GET /readyz (readiness for load balancers) against GET /healthz (liveness), on the engine TEST_DATABASE names.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/app';

const servers: TestServer[] = [];
async function fresh(env: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer(env);
  servers.push(s);
  return s;
}
after(async () => {
  await Promise.allSettled(servers.map((s) => s.destroy()));
});

async function readyz(server: TestServer): Promise<{ status: number; body: { ready: boolean; reason?: string }; cache: string | null }> {
  const res = await fetch(`${server.url}/readyz`);
  return { status: res.status, body: (await res.json()) as { ready: boolean; reason?: string }, cache: res.headers.get('cache-control') };
}

describe('GET /readyz', () => {
  it('answers 200 { ready: true } while the database answers and its schema is current, not cached', async () => {
    const server = await fresh();
    const res = await readyz(server);
    assert.deepEqual(res, { status: 200, body: { ready: true }, cache: 'no-store' });
  });

  it('answers 503 while a migration the code knows is not applied, and 200 once it is', async () => {
    const server = await fresh();
    const [row] = await server.sql<{ applied_at: number }>("SELECT applied_at FROM schema_migrations WHERE id = '007_retired_connections'");
    await server.sql("DELETE FROM schema_migrations WHERE id = '007_retired_connections'");
    const res = await readyz(server);
    assert.equal(res.status, 503);
    assert.deepEqual(res.body, { ready: false, reason: 'schema not current: migration 007_retired_connections not applied' });
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200, 'liveness does not depend on the database');
    await server.sql("INSERT INTO schema_migrations (id, applied_at) VALUES ('007_retired_connections', ?)", [Number(row.applied_at)]);
    assert.equal((await readyz(server)).status, 200);
    assert.ok(
      server.logs.some((l) => l.includes('"msg":"not ready"') && l.includes('007_retired_connections')),
      'the change is logged',
    );
  });

  it('does not turn unready when a newer release recorded a migration this code does not know', async () => {
    const server = await fresh();
    await server.sql("INSERT INTO schema_migrations (id, applied_at) VALUES ('999_from_the_future', 1)");
    assert.equal((await readyz(server)).status, 200);
  });

  it('answers 503 "database unavailable" when the database does not answer; /healthz stays 200', async () => {
    const server = await fresh();
    await server.deps.storage.close();
    const res = await readyz(server);
    assert.deepEqual(res.body, { ready: false, reason: 'database unavailable' });
    assert.equal(res.status, 503);
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    // The error goes to the log, not to the probe's answer.
    assert.ok(server.logs.some((l) => l.includes('"msg":"not ready"') && l.includes('"err"')));
  });

  it('answers 503 "shutting down" once a graceful shutdown began', async () => {
    const server = await fresh();
    server.deps.lifecycle.stopping = true;
    assert.deepEqual((await readyz(server)).body, { ready: false, reason: 'shutting down' });
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  });

  it('answers over plain http in production behind the proxy, like /healthz', async () => {
    const server = await fresh({ env: { env: 'production', trustProxy: true, publicUrl: 'https://pay.example.com' } });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/readyz`, { headers: { Host: 'pay.example.com', 'X-Forwarded-Proto': 'http' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
  });
});
