// Issue 14, finding 6: a limiter whose cost per request stays flat however many clients it has seen, with
// a bound on the clients it tracks, and client addresses grouped as the limits count them (IPv6 by /64).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { manualClock } from '../../server/src/clock';
import { clientKey } from '../../server/src/security/client-key';
import { rateLimit, RateLimitTable } from '../../server/src/security/rate-limit';

describe('the limiter itself', () => {
  /** Runs the middleware for a request from `ip`; resolves to the status it ends with (200 or 429). */
  function hit(limit: ReturnType<typeof rateLimit>, ip: string): Promise<number> {
    const ctx = { ip } as never;
    return Promise.resolve(limit(ctx, async () => {})).then(
      () => 200,
      (err: { status?: number }) => err.status ?? 500,
    );
  }

  it('keeps its cost per new client flat: 40 000 distinct clients within one minute take well under a second of CPU', async () => {
    const clock = manualClock();
    const limit = rateLimit({ clock, windowMs: 60_000, max: 5 });
    // CPU time of this process, not wall time: the machine running the tests may be busy with other work.
    const started = process.cpuUsage();
    for (let i = 0; i < 40_000; i++) await hit(limit, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const { user, system } = process.cpuUsage(started);
    const ms = (user + system) / 1000;
    // A few microseconds per client now; the old full-Map scan past 10 000 entries took seconds of CPU here.
    assert.ok(ms < 1000, `40 000 clients took ${ms.toFixed(0)} ms of CPU`);
  });

  it('tracks at most maxKeys clients and forgets the ones whose minute is over first', () => {
    const table = new RateLimitTable({ windowMs: 60_000, max: 2, maxKeys: 100 });
    for (let i = 0; i < 50; i++) table.hit(`old-${i}`, 0);
    for (let i = 0; i < 100; i++) table.hit(`new-${i}`, 60_000);
    assert.equal(table.size, 100);
    assert.equal(table.hit('new-0', 60_001), null);
    assert.notEqual(table.hit('new-0', 60_002), null, 'new-0 kept its count: its third request is refused');
  });

  it('keeps refusing a client at its limit while many times the bound of other clients pass in its minute', () => {
    const table = new RateLimitTable({ windowMs: 60_000, max: 2, maxKeys: 100 });
    for (let i = 0; i < 3; i++) table.hit('abuser', 0);
    for (let i = 0; i < 1000; i++) table.hit(`passer-${i}`, 1000);
    assert.ok(table.size <= 100);
    const retry = table.hit('abuser', 2000);
    assert.equal(retry, 58_000, 'still refused until its own minute is over');
  });
});

describe('client addresses', () => {
  it('keeps IPv4 as is, folds IPv4-mapped IPv6 into IPv4 and groups IPv6 by /64', () => {
    assert.equal(clientKey('203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('::ffff:203.0.113.7'), '203.0.113.7');
    assert.equal(clientKey('::FFFF:cb00:7107'), '203.0.113.7');
    assert.equal(clientKey('2001:db8:aa:bb:1:2:3:4'), '2001:db8:aa:bb::/64');
    assert.equal(clientKey('2001:0DB8:00AA:00BB::9'), '2001:db8:aa:bb::/64');
    assert.equal(clientKey('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
    assert.equal(clientKey('::1'), '0:0:0:0::/64');
    assert.equal(clientKey('2001:db8:aa:bb::1.2.3.4'), '2001:db8:aa:bb::/64');
    assert.equal(clientKey(''), '');
    assert.equal(clientKey('not-an-ip'), 'not-an-ip');
  });
});
