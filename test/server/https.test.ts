// Behind an appending proxy the client's own X-Forwarded-Proto comes first and the
// proxy's last; the https guard must believe the proxy (the last entry), as ctx.ip believes the right-most
// X-Forwarded-For entry.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startStripeEmulator, type StripeEmulator } from '../../emulator/src/index';
import { startTestServer, type TestServer } from '../support/app';

describe('HTTPS only behind a trusted proxy', () => {
  let emu: StripeEmulator;
  let server: TestServer;

  before(async () => {
    emu = await startStripeEmulator({ port: 0 });
    server = await startTestServer({ emulator: emu, env: { env: 'production', trustProxy: true } });
  });
  after(async () => {
    await server.destroy();
    await emu.close();
  });

  const post = (proto: string) =>
    fetch(`${server.url}/stripe/connect`, {
      method: 'POST',
      headers: { Accept: 'application/json', 'X-Forwarded-Proto': proto },
      body: new URLSearchParams({ store_id: 'x' }),
    });

  it('refuses a POST whose client wrote X-Forwarded-Proto: https when our proxy appended http', async () => {
    const res = await post('https, http');
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error.code, 'https_required');
  });

  it('redirects a GET to https when only the forged left-most entry says https', async () => {
    const res = await fetch(`${server.url}/stripe/connect?store_id=x`, { headers: { 'X-Forwarded-Proto': 'https,http' }, redirect: 'manual' });
    assert.equal(res.status, 301);
    assert.match(res.headers.get('location') ?? '', /^https:\/\/127\.0\.0\.1:\d+\/stripe\/connect\?store_id=x$/);
  });

  it('believes the https our proxy appended, whatever the client put in front of it', async () => {
    const res = await post('http, https');
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error.code, 'invalid_request');
  });

  it('treats two X-Forwarded-Proto header lines like one list: the last one counts', async () => {
    const res = await fetch(`${server.url}/stripe/connect`, {
      method: 'POST',
      headers: [
        ['Accept', 'application/json'],
        ['X-Forwarded-Proto', 'https'],
        ['X-Forwarded-Proto', 'http'],
      ],
      body: new URLSearchParams({ store_id: 'x' }),
    });
    assert.equal(res.status, 403);
  });

  it('still answers a plain single https (a proxy that overwrites the header)', async () => {
    const res = await post('https');
    assert.equal(res.status, 400);
  });
});
