// The SSRF guard's address classifier: every loopback, private, link-local, carrier-grade NAT, unspecified
// and metadata address is refused, in IPv4, IPv6 and IPv4 carried in IPv6; public addresses pass.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../server/src/errors';
import { checkPublicUrl } from '../../server/src/platform-webhooks/endpoints';
import { nonPublicReason, refusedHost } from '../../server/src/security/public-address';

/** A resolver that answers these addresses for any host. */
const resolved = (addresses: string[]) => () => Promise.resolve(addresses);

describe('nonPublicReason', () => {
  it('refuses loopback, private, link-local, CGNAT, unspecified and metadata addresses', () => {
    const cases: Array<[string, string]> = [
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['::1', 'loopback'],
      ['10.0.0.1', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.1.1', 'private'],
      ['fc00::1', 'private'],
      ['fd12:3456::1', 'private'],
      ['169.254.1.1', 'link-local'],
      ['fe80::1', 'link-local'],
      ['febf::1', 'link-local'],
      ['100.64.0.1', 'carrier-grade NAT'],
      ['100.127.255.254', 'carrier-grade NAT'],
      ['0.0.0.0', 'unspecified'],
      ['::', 'unspecified'],
      ['169.254.169.254', 'metadata service'],
      ['fd00:ec2::254', 'metadata service'],
      ['100.100.100.200', 'metadata service'],
      ['224.0.0.1', 'multicast or reserved'],
      ['255.255.255.255', 'multicast or reserved'],
    ];
    for (const [address, reason] of cases) assert.equal(nonPublicReason(address), reason, address);
  });

  it('judges IPv4 carried in IPv6 as the IPv4 address it reaches', () => {
    assert.equal(nonPublicReason('::ffff:127.0.0.1'), 'loopback');
    assert.equal(nonPublicReason('::ffff:a00:1'), 'private');
    assert.equal(nonPublicReason('::FFFF:169.254.169.254'), 'metadata service');
    assert.equal(nonPublicReason('64:ff9b::10.1.2.3'), 'private');
    assert.equal(nonPublicReason('::ffff:8.8.8.8'), null);
  });

  it('lets public addresses through, next to the edges of the ranges', () => {
    for (const address of [
      '8.8.8.8',
      '1.1.1.1',
      '172.15.255.255',
      '172.32.0.1',
      '100.63.255.255',
      '100.128.0.1',
      '192.169.0.1',
      '11.0.0.1',
      '2606:4700:4700::1111',
      '2001:db9::1',
    ]) {
      assert.equal(nonPublicReason(address), null, address);
    }
  });
});

describe('refusedHost', () => {
  it('refuses a host when any one of its addresses is not public', async () => {
    assert.equal(await refusedHost('https://hooks.example/x', resolved(['93.184.216.34', '10.0.0.7'])), 'host resolves to 10.0.0.7 (private)');
    assert.equal(await refusedHost('https://hooks.example/x', resolved(['93.184.216.34', '2606:2800:220:1::1'])), null);
  });

  it('resolves IP literals, bracketed IPv6 included, and refuses a host that does not resolve', async () => {
    assert.equal(await refusedHost('http://127.0.0.1:9/'), 'host resolves to 127.0.0.1 (loopback)');
    assert.equal(await refusedHost('http://[::1]:9/'), 'host resolves to ::1 (loopback)');
    assert.equal(await refusedHost('http://0x7f000001/'), 'host resolves to 127.0.0.1 (loopback)', 'the URL parser normalises odd forms');
    const missing = await refusedHost('https://nowhere.example/', () => Promise.reject(Object.assign(new Error('x'), { code: 'ENOTFOUND' })));
    assert.equal(missing, 'host does not resolve (ENOTFOUND)');
  });
});

describe('checkPublicUrl (endpoint creation and change)', () => {
  it('refuses a private host in production with 422 webhook_url_not_public naming url', async () => {
    const resolve = resolved(['192.168.0.10']);
    await assert.rejects(checkPublicUrl('https://hooks.example/x', 'production', resolve), (err: AppError) => {
      assert.deepEqual([err.status, err.code, err.param], [422, 'webhook_url_not_public', 'url']);
      assert.match(err.message, /192\.168\.0\.10 \(private\)/);
      return true;
    });
    await checkPublicUrl('https://hooks.example/x', 'production', resolved(['93.184.216.34']));
  });

  it('allows any host in development and tests', async () => {
    await checkPublicUrl('http://127.0.0.1:9/', 'development');
    await checkPublicUrl('http://127.0.0.1:9/', 'test');
  });
});
