/**
 * checkout.js: the bundle of the hosted checkout page (`GET /checkout/:token`, our origin). Its
 * configuration is a JSON data block the server renders into the page (data, not script, so the CSP
 * needs no inline script allowance).
 */
import { render } from 'preact';
import { checkoutText } from '../i18n/checkout';
import { pickLanguage } from '../i18n';
import { checkoutApi } from './api';
import type { CheckoutPageConfig } from '../../../server/src/wire';
import { CheckoutApp } from './CheckoutApp';

function start(): void {
  const data = document.getElementById('checkout-best-config')?.textContent;
  const root = document.getElementById('checkout-best-app');
  if (!data || !root) return;
  const config = JSON.parse(data) as CheckoutPageConfig;
  const t = checkoutText[pickLanguage(config.lang)];
  if (config.accent) document.documentElement.style.setProperty('--accent', config.accent);
  root.textContent = '';
  render(<CheckoutApp config={config} api={checkoutApi(config.token)} t={t} />, root);
}

try {
  start();
} catch (err) {
  console.error('[checkout-best] checkout page failed to start', err);
}
