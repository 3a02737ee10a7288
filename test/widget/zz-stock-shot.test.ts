import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { drawer, openShop, startShop, type ShopFixture } from './storefront-fixture';

describe('stock screenshots (scratch)', () => {
  let shop: ShopFixture;
  before(async () => {
    shop = await startShop();
  });
  after(async () => {
    await shop.close();
  });
  it('shows Only 2 left, refuses a third and marks sold out', async () => {
    const put = await shop.server.internal('PUT', `/stores/${shop.storeId}/products`, {
      products: [
        { id: 'ethiopia-guji', name: 'Ethiopia Guji, 250 g', unit_amount: 1850, currency: 'usd', stock: 2 },
        { id: 'pour-over-kit', name: 'Pour-over kit', unit_amount: 4200, currency: 'usd', stock: 0 },
      ],
    });
    assert.equal(put.status, 200);
    const page = await shop.newPage();
    await page.addInitScript(() =>
      document.addEventListener('DOMContentLoaded', () => {
        for (const id of ['ethiopia-guji', 'pour-over-kit']) {
          const p = document.createElement('p');
          p.setAttribute('data-checkout-best-stock', id);
          p.style.cssText = 'color:#b42318;font-size:13px;margin:6px 0 0';
          document.querySelector(`[data-checkout-best-add="${id}"]`)!.closest('.body')!.append(p);
        }
      }),
    );
    await openShop(page, shop.shop.url + '/');
    await page.waitForFunction(() => document.querySelector('[data-checkout-best-stock="ethiopia-guji"]')?.textContent === 'Only 2 left');
    const kit = page.locator('[data-checkout-best-add="pour-over-kit"]');
    console.log(
      'kit',
      await kit.getAttribute('data-checkout-best-state'),
      await kit.getAttribute('aria-disabled'),
      await kit.isDisabled(),
      await kit.getAttribute('aria-label'),
    );
    await page.screenshot({ path: '/tmp/stock-storefront.png' });
    await page.locator('[data-checkout-best-add="ethiopia-guji"]').click();
    await drawer(page)
      .getByRole('button', { name: /Increase quantity/ })
      .click();
    await page.waitForTimeout(500);
    await drawer(page)
      .getByRole('button', { name: /Increase quantity/ })
      .click();
    await drawer(page).getByRole('alert').waitFor();
    console.log('alert', await drawer(page).getByRole('alert').textContent());
    await page.screenshot({ path: '/tmp/stock-drawer.png' });
  });
});
