/*
 * Stripe.js double: a stand-in for https://js.stripe.com/v3 (and /endive/stripe.js) that runs offline against the
 * project's Stripe emulator. Plain browser JavaScript, served as-is by the emulator; no build step.
 *
 * What it implements (the subset checkout-best uses):
 *   window.Stripe(pk, options?) with Stripe.version, stripe._registerWrapper(), stripe.elements({ clientSecret |
 *   mode/amount/currency, appearance }), elements.create('payment' | 'linkAuthentication' | 'address'),
 *   element.mount/unmount/destroy/on/once/off/focus/blur/clear/update, addressElement.getValue(), elements.submit(),
 *   elements.update(), elements.getElement(type, { mode }?), stripe.confirmPayment(), stripe.retrievePaymentIntent().
 * - Link Authentication Element ({ defaultValues: { email } }): one "Email" input; change events
 *   { elementType: 'linkAuthentication', empty, complete, value: { email } }, complete = a syntactically valid email.
 *   No getValue(), as in Stripe.js's type definitions.
 * - Address Element ({ mode, allowedCountries, defaultValues, fields: { phone }, validation: { phone: { required } } }):
 *   "Full name", "Country or region" (only allowedCountries; a default country that is not allowed falls back to the
 *   first allowed one), "Address line 1", "Address line 2", "City", "State" / "Province" / "Region", "ZIP" /
 *   "Postal code", and "Phone number" with fields.phone 'always'. Change events and getValue() in the shape of
 *   @stripe/stripe-js's address.d.ts: { elementType: 'address', elementMode, empty, complete, isNewAddress: false,
 *   value: { name, phone? (when shown), address: { line1, line2 (null when empty), city, state, postal_code,
 *   country } } }. One Address Element per mode.
 * - elements.submit() and confirmPayment validate every mounted Element of the group: each shows its fields' messages,
 *   the first incomplete field on the page gets the focus and its error is the answer. confirmPayment sends a mounted
 *   shipping-mode Address Element as `shipping` (empty fields left out; confirmParams.shipping wins) and a
 *   billing-mode one as payment_method_data[billing_details].
 *
 * Where it knowingly differs from Stripe.js:
 * - The Payment Element renders into an open shadow root inside the mount point, not into a cross-origin iframe.
 *   The page's CSS cannot reach it, but the page's scripts could read the card fields; real Stripe.js keeps card data
 *   out of the page entirely. Keystrokes and input events are stopped at the shadow root, so the page's bubbling
 *   listeners do not see them (as with the iframe), but capture-phase listeners on the page still do.
 *   Only the card payment method exists (no tabs, Link, wallets, postal code field).
 * - The Link Authentication Element is a plain email field: no Link lookup, one-time code or sign-up; its email is
 *   not sent on confirm (Stripe's docs do not say Stripe.js sends it as receipt_email, so the double does not).
 * - The Address Element has no autocomplete, contacts, split or organization names, PO box blocking or per-country
 *   layouts (the same fields for every country; only the state and postal code labels change), and no
 *   "billing address same as shipping" checkbox in the Payment Element. Without allowedCountries it offers the
 *   Payment Element's short country list (plus a default country outside it), preselecting the browser's country or US.
 * - The 3-D Secure challenge is an in-page modal (shadow root) with "Complete authentication" / "Fail
 *   authentication" buttons that calls the emulator-only POST /_emulator/payment_intents/:id/authenticate;
 *   Stripe shows the issuer's page in an iframe. Closing the modal (Esc) counts as a failed authentication.
 * - Requests carry the publishable key as `Authorization: Bearer pk_…` (the project's emulator contract); Stripe.js
 *   sends `key=pk_…` in the form body and many more parameters (use_stripe_sdk, expected_payment_method_type, …).
 * - The API base is https://api.stripe.com when this file was loaded from js.stripe.com (browser tests route both
 *   hosts to the emulator), otherwise the origin this file was loaded from (so a page can load <emulator>/v3).
 * - Texts exist in English, German and French (the widget's languages); API error messages (declines) stay as the
 *   API sends them, while Stripe.js localizes some of them.
 *
 * - It is one long file on purpose: the emulator serves exactly one script, as Stripe serves one Stripe.js, and the
 *   Elements share their helpers (a second file would need the emulator to splice it into this one).
 *
 * Guesses (Stripe's exact texts were not all verifiable offline; the German and French texts are ours):
 * - Validation errors: { type: 'validation_error', code: 'incomplete_number' | 'invalid_number' | 'incomplete_expiry'
 *   | 'invalid_expiry_month' | 'invalid_expiry_month_past' | 'invalid_expiry_year_past' | 'incomplete_cvc', message }
 *   with Stripe's English texts ("Your card number is incomplete." …).
 * - Network failure: { type: 'api_connection_error', message: 'An error occurred with our connection to Stripe.' }.
 * - 3-D Secure failure: the PaymentIntent's last_payment_error (code payment_intent_authentication_failure) plus
 *   payment_intent, as Stripe.js returns it.
 * - redirect_status on return_url: 'succeeded' (succeeded, requires_capture), 'processing', otherwise 'failed'.
 * - IntegrationError messages are paraphrased; they are thrown (rejected) as Error with name 'IntegrationError'.
 * - Link Authentication and Address Element messages ("Your email address is incomplete.", "Your email address is
 *   invalid.", "Your full name is incomplete.", "Your address is incomplete.", "Your city is incomplete.", "Your state
 *   / province is incomplete.", "Your ZIP / postal code is incomplete.", "Your phone number is incomplete.") and their
 *   codes (incomplete_email, invalid_email, incomplete_name, incomplete_line1, incomplete_city, incomplete_state,
 *   incomplete_postal_code, incomplete_phone), and the labels "Phone number" and "Region".
 * - Which fields complete an address: name, line1, city, postal_code and country; the state only in US, CA and AU;
 *   the phone only with fields.phone 'always' and validation.phone.required 'always'. Errors show on blur (for a
 *   filled field), getValue(), submit() and confirmPayment, and then follow the value.
 * - isNewAddress is always false (no contacts); `empty` ignores the country; an Element prefilled by defaultValues
 *   emits one change event right after ready.
 */
(function () {
  'use strict';
  if (window.Stripe && window.Stripe.__double) return;

  var script = document.currentScript;
  var scriptUrl = new URL(script && script.src ? script.src : 'https://js.stripe.com/v3', location.href);
  var releaseMatch = scriptUrl.pathname.match(/^\/([a-z]+)\/stripe\.js$/);
  // @stripe/stripe-js compares Stripe.version with its release train ('endive'); /v3 reports 3 like Stripe does.
  var VERSION = releaseMatch && releaseMatch[1] !== 'v3' ? releaseMatch[1] : 3;
  var API_BASE = scriptUrl.hostname === 'js.stripe.com' ? 'https://api.stripe.com' : scriptUrl.origin;

  // ---------------------------------------------------------------- helpers

  function integrationError(message) {
    var error = new Error(message);
    error.name = 'IntegrationError';
    return error;
  }

  function encodeForm(value, prefix, out) {
    if (value === undefined || value === null) return out;
    if (typeof value === 'object') {
      Object.keys(value).forEach(function (key) {
        encodeForm(value[key], prefix ? prefix + '[' + key + ']' : key, out);
      });
    } else {
      out.push(encodeURIComponent(prefix) + '=' + encodeURIComponent(String(value)));
    }
    return out;
  }

  function connectionError() {
    return { type: 'api_connection_error', message: 'An error occurred with our connection to Stripe.' };
  }

  /** Calls the API with the publishable key; resolves { data } or { error } and never rejects. */
  function callApi(pk, method, path, params) {
    var body = encodeForm(params || {}, '', []).join('&');
    var url = API_BASE + path + (method === 'GET' && body ? '?' + body : '');
    var init = { method: method, headers: { Authorization: 'Bearer ' + pk } };
    if (method !== 'GET') {
      init.headers['Content-Type'] = 'application/x-www-form-urlencoded';
      init.body = body;
    }
    return fetch(url, init).then(
      function (res) {
        return res.json().then(
          function (json) {
            if (res.ok) return { data: json };
            return { error: (json && json.error) || { type: 'api_error', message: 'Unexpected answer from Stripe.' } };
          },
          function () {
            return { error: { type: 'api_error', message: 'Unexpected answer from Stripe (HTTP ' + res.status + ').' } };
          },
        );
      },
      function () {
        return { error: connectionError() };
      },
    );
  }

  function intentIdFrom(clientSecret) {
    var match = typeof clientSecret === 'string' && clientSecret.match(/^(pi_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/);
    if (!match) {
      throw integrationError(
        'Invalid value for clientSecret: expected a client secret of the form ' + '${id}_secret_${secret}. You specified: ' + clientSecret + '.',
      );
    }
    return match[1];
  }

  // ---------------------------------------------------------------- card rules

  function onlyDigits(text) {
    return String(text || '').replace(/\D/g, '');
  }

  function brandOf(number) {
    if (/^3[47]/.test(number)) return 'amex';
    if (/^4/.test(number)) return 'visa';
    if (/^(5[1-5]|2[2-7])/.test(number)) return 'mastercard';
    if (/^(6011|65|64[4-9])/.test(number)) return 'discover';
    return 'unknown';
  }

  function luhnValid(number) {
    var sum = 0;
    for (var i = 0; i < number.length; i++) {
      var d = Number(number[number.length - 1 - i]);
      if (i % 2 === 1) {
        d *= 2;
        if (d > 9) d -= 9;
      }
      sum += d;
    }
    return sum % 10 === 0;
  }

  function formatNumber(number) {
    var groups = brandOf(number) === 'amex' ? [4, 6, 5] : [4, 4, 4, 4, 3];
    var parts = [];
    var at = 0;
    for (var i = 0; i < groups.length && at < number.length; i++) {
      parts.push(number.slice(at, at + groups[i]));
      at += groups[i];
    }
    return parts.join(' ');
  }

  function formatExpiry(raw) {
    var d = onlyDigits(raw);
    if (d.length === 1 && d > '1') d = '0' + d; // "4" means April, as Stripe's field does
    d = d.slice(0, 4);
    return d.length > 2 ? d.slice(0, 2) + ' / ' + d.slice(2) : d;
  }

  // Texts by language, picked by Stripe(pk, { locale }) or elements({ locale }); 'auto' follows the browser.
  var TEXTS = {
    en: {
      card: 'Card',
      number: 'Card number',
      expiry: 'Expiration date',
      expiryPlaceholder: 'MM / YY',
      cvc: 'Security code',
      country: 'Country',
      challengeTitle: '3D Secure test authentication',
      complete: 'Complete authentication',
      fail: 'Fail authentication',
      challengeText: 'Your bank asks you to confirm this payment of {amount}. This is a test challenge from the Stripe emulator.',
      incomplete_number: 'Your card number is incomplete.',
      invalid_number: 'Your card number is invalid.',
      incomplete_expiry: "Your card's expiration date is incomplete.",
      invalid_expiry_month: "Your card's expiration date is invalid.",
      invalid_expiry_month_past: "Your card's expiration date is in the past.",
      invalid_expiry_year_past: "Your card's expiration year is in the past.",
      incomplete_cvc: "Your card's security code is incomplete.",
      email: 'Email',
      name: 'Full name',
      countryRegion: 'Country or region',
      line1: 'Address line 1',
      line2: 'Address line 2',
      city: 'City',
      state: 'State',
      province: 'Province',
      region: 'Region',
      zip: 'ZIP',
      postal: 'Postal code',
      phone: 'Phone number',
      incomplete_email: 'Your email address is incomplete.',
      invalid_email: 'Your email address is invalid.',
      incomplete_name: 'Your full name is incomplete.',
      incomplete_line1: 'Your address is incomplete.',
      incomplete_city: 'Your city is incomplete.',
      incomplete_state: 'Your state is incomplete.',
      incomplete_province: 'Your province is incomplete.',
      incomplete_zip: 'Your ZIP is incomplete.',
      incomplete_postal: 'Your postal code is incomplete.',
      incomplete_phone: 'Your phone number is incomplete.',
    },
    de: {
      card: 'Karte',
      number: 'Kartennummer',
      expiry: 'Ablaufdatum',
      expiryPlaceholder: 'MM / JJ',
      cvc: 'Sicherheitscode',
      country: 'Land',
      challengeTitle: '3D-Secure-Testauthentifizierung',
      complete: 'Authentifizierung abschließen',
      fail: 'Authentifizierung fehlschlagen lassen',
      challengeText: 'Ihre Bank bittet Sie, diese Zahlung über {amount} zu bestätigen. Dies ist eine Test-Abfrage des Stripe-Emulators.',
      incomplete_number: 'Ihre Kartennummer ist unvollständig.',
      invalid_number: 'Ihre Kartennummer ist ungültig.',
      incomplete_expiry: 'Das Ablaufdatum Ihrer Karte ist unvollständig.',
      invalid_expiry_month: 'Das Ablaufdatum Ihrer Karte ist ungültig.',
      invalid_expiry_month_past: 'Das Ablaufdatum Ihrer Karte liegt in der Vergangenheit.',
      invalid_expiry_year_past: 'Das Ablaufjahr Ihrer Karte liegt in der Vergangenheit.',
      incomplete_cvc: 'Der Sicherheitscode Ihrer Karte ist unvollständig.',
      email: 'E-Mail',
      name: 'Vollständiger Name',
      countryRegion: 'Land oder Region',
      line1: 'Adresszeile 1',
      line2: 'Adresszeile 2',
      city: 'Ort',
      state: 'Bundesstaat',
      province: 'Provinz',
      region: 'Region',
      zip: 'Postleitzahl',
      postal: 'Postleitzahl',
      phone: 'Telefonnummer',
      incomplete_email: 'Ihre E-Mail-Adresse ist unvollständig.',
      invalid_email: 'Ihre E-Mail-Adresse ist ungültig.',
      incomplete_name: 'Ihr Name ist unvollständig.',
      incomplete_line1: 'Ihre Adresse ist unvollständig.',
      incomplete_city: 'Ihr Ort ist unvollständig.',
      incomplete_state: 'Ihr Bundesstaat ist unvollständig.',
      incomplete_province: 'Ihre Provinz ist unvollständig.',
      incomplete_zip: 'Ihre Postleitzahl ist unvollständig.',
      incomplete_postal: 'Ihre Postleitzahl ist unvollständig.',
      incomplete_phone: 'Ihre Telefonnummer ist unvollständig.',
    },
    fr: {
      card: 'Carte',
      number: 'Numéro de carte',
      expiry: "Date d'expiration",
      expiryPlaceholder: 'MM / AA',
      cvc: 'Code de sécurité',
      country: 'Pays',
      challengeTitle: "Test d'authentification 3D Secure",
      complete: "Terminer l'authentification",
      fail: "Faire échouer l'authentification",
      challengeText: "Votre banque vous demande de confirmer ce paiement de {amount}. Ceci est un test de l'émulateur Stripe.",
      incomplete_number: 'Votre numéro de carte est incomplet.',
      invalid_number: "Votre numéro de carte n'est pas valide.",
      incomplete_expiry: "La date d'expiration de votre carte est incomplète.",
      invalid_expiry_month: "La date d'expiration de votre carte n'est pas valide.",
      invalid_expiry_month_past: "La date d'expiration de votre carte est dépassée.",
      invalid_expiry_year_past: "L'année d'expiration de votre carte est dépassée.",
      incomplete_cvc: 'Le code de sécurité de votre carte est incomplet.',
      email: 'E-mail',
      name: 'Nom complet',
      countryRegion: 'Pays ou région',
      line1: "Ligne d'adresse n° 1",
      line2: "Ligne d'adresse n° 2",
      city: 'Ville',
      state: 'État',
      province: 'Province',
      region: 'Région',
      zip: 'Code postal',
      postal: 'Code postal',
      phone: 'Numéro de téléphone',
      incomplete_email: 'Votre adresse e-mail est incomplète.',
      invalid_email: "Votre adresse e-mail n'est pas valide.",
      incomplete_name: 'Votre nom est incomplet.',
      incomplete_line1: 'Votre adresse est incomplète.',
      incomplete_city: 'Votre ville est incomplète.',
      incomplete_state: 'Votre État est incomplet.',
      incomplete_province: 'Votre province est incomplète.',
      incomplete_zip: 'Votre code postal est incomplet.',
      incomplete_postal: 'Votre code postal est incomplet.',
      incomplete_phone: 'Votre numéro de téléphone est incomplet.',
    },
  };

  function textsFor(locale) {
    var wanted = !locale || locale === 'auto' ? navigator.language : locale;
    var lang = String(wanted || 'en')
      .slice(0, 2)
      .toLowerCase();
    return Object.assign({ lang: TEXTS[lang] ? lang : 'en' }, TEXTS[lang] || TEXTS.en);
  }

  function checkNumber(number) {
    var length = brandOf(number) === 'amex' ? 15 : 16;
    if (number.length < length) return 'incomplete_number';
    return luhnValid(number) ? null : 'invalid_number';
  }

  function checkExpiry(expiry, now) {
    var d = onlyDigits(expiry);
    if (d.length < 4) return 'incomplete_expiry';
    var month = Number(d.slice(0, 2));
    var year = 2000 + Number(d.slice(2, 4));
    if (month < 1 || month > 12) return 'invalid_expiry_month';
    if (year < now.getFullYear()) return 'invalid_expiry_year_past';
    if (year === now.getFullYear() && month < now.getMonth() + 1) return 'invalid_expiry_month_past';
    return null;
  }

  function checkCvc(cvc, number) {
    return onlyDigits(cvc).length < (brandOf(number) === 'amex' ? 4 : 3) ? 'incomplete_cvc' : null;
  }

  /** Per-field error codes (null when the field is fine) for the card fields' current values. */
  function validateCard(values) {
    var number = onlyDigits(values.number);
    return {
      number: checkNumber(number),
      expiry: checkExpiry(values.expiry, new Date()),
      cvc: checkCvc(values.cvc, number),
    };
  }

  function validationError(code, texts) {
    return { type: 'validation_error', code: code, message: texts[code] };
  }

  // ---------------------------------------------------------------- emitter

  function makeEmitter(target) {
    var handlers = {};
    target.on = function (type, handler) {
      (handlers[type] = handlers[type] || []).push(handler);
      return target;
    };
    target.once = function (type, handler) {
      var wrapped = function (event) {
        target.off(type, wrapped);
        handler(event);
      };
      return target.on(type, wrapped);
    };
    target.off = function (type, handler) {
      handlers[type] = handler
        ? (handlers[type] || []).filter(function (h) {
            return h !== handler;
          })
        : [];
      return target;
    };
    return function emit(type, event) {
      (handlers[type] || []).slice().forEach(function (handler) {
        try {
          handler(event);
        } catch (error) {
          setTimeout(function () {
            throw error;
          });
        }
      });
    };
  }

  // ---------------------------------------------------------------- appearance

  var THEMES = {
    stripe: { colorPrimary: '#0570de', colorBackground: '#ffffff', colorText: '#30313d', colorDanger: '#df1b41', colorBorder: '#e6e6e6' },
    night: { colorPrimary: '#0570de', colorBackground: '#30313d', colorText: '#ffffff', colorDanger: '#fe87a1', colorBorder: '#424353' },
    flat: { colorPrimary: '#0570de', colorBackground: '#f1f1f1', colorText: '#30313d', colorDanger: '#df1b41', colorBorder: '#f1f1f1' },
  };

  /** Turns Stripe's appearance object (theme + a few variables) into CSS custom properties for the shadow root. */
  function themeCss(appearance) {
    appearance = appearance || {};
    var vars = Object.assign(
      { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', borderRadius: '5px', fontSizeBase: '16px' },
      THEMES[appearance.theme] || THEMES.stripe,
      appearance.variables,
    );
    return (
      ':host{--sd-primary:' +
      vars.colorPrimary +
      ';--sd-bg:' +
      vars.colorBackground +
      ';--sd-text:' +
      vars.colorText +
      ';--sd-danger:' +
      vars.colorDanger +
      ';--sd-border:' +
      vars.colorBorder +
      ';--sd-font:' +
      vars.fontFamily +
      ';--sd-radius:' +
      vars.borderRadius +
      ';--sd-size:' +
      vars.fontSizeBase +
      '}'
    );
  }

  var ELEMENT_CSS = [
    ':host{all:initial;display:block;font-family:var(--sd-font);font-size:var(--sd-size);color:var(--sd-text)}',
    '.sd-tab{display:inline-flex;align-items:center;gap:8px;padding:8px 12px;margin-bottom:12px;font-size:14px;',
    'font-weight:600;border:2px solid var(--sd-primary);border-radius:var(--sd-radius);color:var(--sd-primary)}',
    '.sd-form{display:grid;grid-template-columns:1fr 1fr;gap:12px}',
    '.sd-field{display:flex;flex-direction:column;gap:4px;min-width:0}',
    '.sd-wide{grid-column:1 / -1}',
    'label{font-size:14px}',
    'input,select{font:inherit;padding:10px 12px;border:1px solid var(--sd-border);border-radius:var(--sd-radius);',
    'background:var(--sd-bg);color:var(--sd-text);box-shadow:0 1px 1px rgba(0,0,0,.03),0 3px 6px rgba(0,0,0,.02);',
    'min-width:0}',
    'input:focus,select:focus{outline:2px solid var(--sd-primary);outline-offset:1px}',
    'input[aria-invalid="true"]{border-color:var(--sd-danger);color:var(--sd-danger)}',
    '.sd-error{margin:0;font-size:13px;color:var(--sd-danger)}',
    '.sd-error:empty{display:none}',
    '.sd-note{grid-column:1 / -1;margin:0;font-size:12px;opacity:.7}',
  ].join('');

  // ---------------------------------------------------------------- payment element DOM

  var FIELDS = [
    { name: 'number', placeholder: '1234 1234 1234 1234', autocomplete: 'cc-number', wide: true },
    { name: 'expiry', placeholder: 'expiryPlaceholder', autocomplete: 'cc-exp' },
    { name: 'cvc', placeholder: 'CVC', autocomplete: 'cc-csc' },
  ];
  var COUNTRIES = ['AT', 'AU', 'BE', 'CA', 'CH', 'DE', 'DK', 'ES', 'FI', 'FR', 'GB', 'IE', 'IT', 'JP', 'NL', 'NO', 'NZ', 'PL', 'PT', 'SE', 'US'];

  function defaultCountry() {
    var match = String(navigator.language || '').match(/-([A-Z]{2})$/i);
    var code = match ? match[1].toUpperCase() : 'US';
    return COUNTRIES.indexOf(code) >= 0 ? code : 'US';
  }

  function countryName(code, lang) {
    try {
      return new Intl.DisplayNames([lang], { type: 'region' }).of(code) || code;
    } catch (e) {
      return code;
    }
  }

  function makeField(spec, texts) {
    var wrap = document.createElement('div');
    wrap.className = 'sd-field' + (spec.wide ? ' sd-wide' : '');
    var label = document.createElement('label');
    label.htmlFor = 'sd-' + spec.name;
    label.textContent = texts[spec.label || spec.name];
    var control = document.createElement(spec.options ? 'select' : 'input');
    control.id = 'sd-' + spec.name;
    control.name = spec.name;
    control.autocomplete = spec.autocomplete;
    if (spec.options) {
      spec.options.forEach(function (code) {
        control.add(new Option(countryName(code, texts.lang), code));
      });
    } else {
      control.type = spec.type || 'text';
      control.inputMode = spec.inputMode || 'numeric';
      if (spec.placeholder) control.placeholder = texts[spec.placeholder] || spec.placeholder;
      control.spellcheck = false;
      control.setAttribute('aria-describedby', 'sd-' + spec.name + '-error');
    }
    var error = document.createElement('p');
    error.className = 'sd-error';
    error.id = 'sd-' + spec.name + '-error';
    error.setAttribute('role', 'alert');
    wrap.append(label, control, error);
    return { wrap: wrap, label: label, control: control, error: error };
  }

  /**
   * Styles a shadow root with a constructable stylesheet: unlike a <style> element it is not blocked by a page CSP
   * without 'unsafe-inline' (Stripe's iframe is not subject to the page's CSP either). Returns an updater.
   */
  function applyCss(root, css) {
    if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [sheet];
      return function (next) {
        sheet.replaceSync(next);
      };
    }
    var style = document.createElement('style');
    style.textContent = css;
    root.prepend(style);
    return function (next) {
      style.textContent = next;
    };
  }

  /** Renders the card form into a shadow root; returns the controls by name and a style updater. */
  function renderForm(root, values, appearance, texts) {
    var tab = document.createElement('div');
    tab.className = 'sd-tab';
    tab.textContent = texts.card;
    var form = document.createElement('div');
    form.className = 'sd-form';
    var fields = {};
    FIELDS.concat([{ name: 'country', autocomplete: 'country', wide: true, options: COUNTRIES }]).forEach(function (spec) {
      var field = makeField(spec, texts);
      field.control.value = values[spec.name];
      fields[spec.name] = field;
      form.appendChild(field.wrap);
    });
    root.replaceChildren(tab, form);
    return { restyle: applyCss(root, themeCss(appearance) + ELEMENT_CSS), fields: fields };
  }

  /** Re-formats a digits field and keeps the caret after the same number of digits. */
  function reformat(control, format, deleting, previousDigits) {
    var caretDigits = onlyDigits(control.value.slice(0, control.selectionStart || 0)).length;
    var digits = onlyDigits(control.value);
    // Deleting only a separator (space or " / ") would change nothing: delete the digit before it instead.
    if (deleting && digits === previousDigits && caretDigits > 0) {
      digits = digits.slice(0, caretDigits - 1) + digits.slice(caretDigits);
      caretDigits -= 1;
    }
    control.value = format(digits);
    // The expiry field writes "4" as "04": count the added digit so the caret stays after it.
    caretDigits += Math.max(0, onlyDigits(control.value).length - digits.length);
    var at = 0;
    for (var seen = 0; at < control.value.length && seen < caretDigits; at++) {
      if (/\d/.test(control.value[at])) seen++;
    }
    if (control.getRootNode().activeElement === control) control.setSelectionRange(at, at);
  }

  var FORMATTERS = {
    number: function (d) {
      return formatNumber(d.slice(0, brandOf(d) === 'amex' ? 15 : 16));
    },
    expiry: formatExpiry,
    cvc: function (d) {
      return d.slice(0, 4);
    },
  };

  // ---------------------------------------------------------------- mounting (shared by every Element)

  var ALREADY_MOUNTED = 'This Element is already mounted. Use `unmount()` to unmount the Element before re-mounting.';
  var DESTROYED = 'This Element has already been destroyed. Please create a new one.';
  var STATE_CLASSES = ['StripeElement', 'StripeElement--empty', 'StripeElement--complete', 'StripeElement--invalid', 'StripeElement--focus'];

  /** Resolves mount(target) to a DOM element, or throws the IntegrationError Stripe.js throws. */
  function mountTarget(target) {
    var container = typeof target === 'string' ? document.querySelector(target) : target;
    if (!container || container.nodeType !== 1) {
      throw integrationError(
        typeof target === 'string'
          ? 'The selector you specified (' +
              target +
              ') applies to no DOM elements that are currently on the page. Make sure the element exists on the page before calling mount().'
          : 'Invalid DOM element. Make sure to call mount() with a valid DOM element or selector.',
      );
    }
    return container;
  }

  /** Adds the shadow host to the mount point; the view the Element renders into. */
  function attachView(container) {
    var host = document.createElement('div');
    host.className = '__PrivateStripeElement';
    container.appendChild(host);
    container.classList.add('StripeElement');
    return { container: container, host: host, root: host.attachShadow({ mode: 'open' }) };
  }

  function detachView(view) {
    view.host.remove();
    STATE_CLASSES.forEach(function (name) {
      view.container.classList.remove(name);
    });
  }

  /** Sets the StripeElement--* classes on the mount point, as Stripe.js does on the iframe's container. */
  function syncStateClasses(view, state) {
    if (!view) return;
    var list = view.container.classList;
    list.toggle('StripeElement--empty', state.empty);
    list.toggle('StripeElement--complete', state.complete);
    list.toggle('StripeElement--invalid', state.invalid);
    list.toggle('StripeElement--focus', state.focus);
  }

  /**
   * Emits focus and blur when focus enters or leaves the whole Element, and escape on Esc. `setFocused(on)` answers
   * whether the focus state changed. Stripe's iframe keeps keystrokes and input events from the page; they are
   * stopped at the shadow root likewise, so a page's Esc or shortcut handler behaves as it will with real Stripe.js.
   */
  function wireRoot(view, elementType, emit, setFocused) {
    view.root.addEventListener('focusin', function () {
      if (setFocused(true)) emit('focus', { elementType: elementType });
    });
    view.root.addEventListener('focusout', function (event) {
      if (event.relatedTarget && view.root.contains(event.relatedTarget)) return;
      if (setFocused(false)) emit('blur', { elementType: elementType });
    });
    view.root.addEventListener('keydown', function (event) {
      if (event.key === 'Escape') emit('escape', { elementType: elementType });
    });
    ['keydown', 'keyup', 'keypress', 'input', 'beforeinput', 'change'].forEach(function (type) {
      view.root.addEventListener(type, function (event) {
        event.stopPropagation();
      });
    });
  }

  /** Whether Element a's mount point comes before b's in the document. */
  function byPosition(a, b) {
    return a._container().compareDocumentPosition(b._container()) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  }

  // ---------------------------------------------------------------- payment element

  /** Read-only rather than disabled for text inputs, so focus is not lost while a payment is confirming. */
  function lock(control, locked) {
    if (control.tagName === 'SELECT') control.disabled = locked;
    else control.readOnly = locked;
  }

  /** Creates the Payment Element (card only) belonging to an Elements group. */
  function createPaymentElement(group, options) {
    var element = {};
    var emit = makeEmitter(element);
    var values = { number: '', expiry: '', cvc: '', country: defaultCountry() };
    var shown = {}; // field name → error code currently displayed
    var view = null; // { container, host, root, style, fields } while mounted
    var destroyed = false;
    var readOnly = !!options.readOnly;
    var focused = false;

    function errors() {
      return validateCard(values);
    }

    function isEmpty() {
      return !values.number && !values.expiry && !values.cvc;
    }

    function showError(name, code) {
      shown[name] = code || null;
      if (!view || !view.fields) return;
      var field = view.fields[name];
      field.error.textContent = code ? group._texts[code] : '';
      field.control.setAttribute('aria-invalid', code ? 'true' : 'false');
    }

    function syncClasses() {
      syncStateClasses(view, {
        empty: isEmpty(),
        complete: element._complete(),
        focus: focused,
        invalid: Object.keys(shown).some(function (name) {
          return shown[name];
        }),
      });
    }

    function changed() {
      syncClasses();
      emit('change', { elementType: 'payment', empty: isEmpty(), complete: element._complete(), collapsed: false, value: { type: 'card' } });
    }

    function onInput(name, event) {
      var control = view.fields[name].control;
      if (name !== 'country') {
        var deleting = /^delete/.test(event.inputType || '');
        reformat(control, FORMATTERS[name], deleting, onlyDigits(values[name]));
      }
      values[name] = control.value;
      group._submitted = false;
      var code = errors()[name];
      // Like Stripe: a shown error follows the value; a definite mistake shows at once, "incomplete" waits for blur.
      if (shown[name] || (code && !/^incomplete/.test(code))) showError(name, code);
      if (!code) advanceFrom(name);
      changed();
    }

    function advanceFrom(name) {
      var next = { number: 'expiry', expiry: 'cvc' }[name];
      var control = view.fields[name].control;
      var full =
        name === 'number'
          ? onlyDigits(values.number).length >= (brandOf(onlyDigits(values.number)) === 'amex' ? 15 : 16)
          : onlyDigits(values.expiry).length === 4;
      if (next && full && control.getRootNode().activeElement === control) view.fields[next].control.focus();
    }

    function onBlurField(name) {
      if (name === 'country' || !values[name]) return;
      showError(name, errors()[name]);
      syncClasses();
    }

    function wire() {
      Object.keys(view.fields).forEach(function (name) {
        var control = view.fields[name].control;
        control.addEventListener(name === 'country' ? 'change' : 'input', function (event) {
          onInput(name, event);
        });
        control.addEventListener('blur', function () {
          onBlurField(name);
        });
        lock(control, readOnly);
      });
      wireRoot(view, 'payment', emit, function (on) {
        if (focused === on) return false;
        focused = on;
        syncClasses();
        return true;
      });
    }

    function render() {
      var rendered = renderForm(view.root, values, group._appearance, group._texts);
      view.restyle = rendered.restyle;
      view.fields = rendered.fields;
      wire();
      Object.keys(shown).forEach(function (name) {
        showError(name, shown[name]);
      });
      syncClasses();
    }

    element.mount = function (target) {
      if (destroyed) throw integrationError(DESTROYED);
      if (view) throw integrationError(ALREADY_MOUNTED);
      var mounted = (view = attachView(mountTarget(target)));
      group._load().then(function (result) {
        if (view !== mounted) return; // unmounted meanwhile
        if (result.error) return emit('loaderror', { elementType: 'payment', error: result.error });
        render();
        emit('ready', { elementType: 'payment' });
      });
    };

    element.unmount = function () {
      if (!view) return;
      detachView(view);
      view = null;
      focused = false;
    };

    element.destroy = function () {
      element.unmount();
      destroyed = true;
      if (group._payment === element) group._payment = null;
    };

    element.focus = function () {
      if (view && view.fields) view.fields.number.control.focus();
    };
    element.blur = function () {
      var active = view && view.root.activeElement;
      if (active) active.blur();
    };
    element.clear = function () {
      values.number = values.expiry = values.cvc = '';
      shown = {};
      if (view && view.fields) render();
      changed();
    };
    element.update = function (next) {
      if (next && 'readOnly' in next) element._setBusy(!!next.readOnly, true);
    };
    element.collapse = function () {};

    element._complete = function () {
      var found = errors();
      return !found.number && !found.expiry && !found.cvc;
    };
    element._isMounted = function () {
      return !!(view && view.fields);
    };
    element._container = function () {
      return view.container;
    };
    element._restyle = function () {
      if (view && view.restyle) view.restyle(themeCss(group._appearance) + ELEMENT_CSS);
    };

    /** Shows every field's error (as Stripe does on submit) and returns the first as a validation error. */
    element._validate = function (noFocus) {
      var found = errors();
      FIELDS.forEach(function (spec) {
        showError(spec.name, found[spec.name]);
      });
      syncClasses();
      var first = FIELDS.map(function (spec) {
        return found[spec.name];
      }).filter(Boolean)[0];
      if (first && !noFocus && view && view.fields)
        view.fields[
          FIELDS.filter(function (s) {
            return found[s.name];
          })[0].name
        ].control.focus();
      return first ? validationError(first, group._texts) : null;
    };

    element._setBusy = function (busy, permanent) {
      if (permanent) readOnly = busy;
      if (!view || !view.fields) return;
      Object.keys(view.fields).forEach(function (name) {
        lock(view.fields[name].control, busy || readOnly);
      });
    };

    element._paymentMethodData = function () {
      var expiry = onlyDigits(values.expiry);
      return {
        type: 'card',
        card: {
          number: onlyDigits(values.number),
          exp_month: Number(expiry.slice(0, 2)),
          exp_year: 2000 + Number(expiry.slice(2, 4)),
          cvc: onlyDigits(values.cvc),
        },
        billing_details: { address: { country: values.country } },
      };
    };

    return element;
  }

  // ---------------------------------------------------------------- Link Authentication and Address Elements

  var EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
  var STATE_REQUIRED = ['US', 'CA', 'AU']; // a guess at where Stripe requires the state

  function text(value) {
    return value === undefined || value === null ? '' : String(value);
  }

  /** The Link Authentication Element's fields and rules: one email input (no Link sign-in). */
  function linkAuthenticationSpec(options) {
    var defaults = options.defaultValues || {};
    return {
      type: 'linkAuthentication',
      values: { email: text(defaults.email) },
      fields: function () {
        return [{ name: 'email', type: 'email', inputMode: 'email', autocomplete: 'email', wide: true }];
      },
      errors: function (values) {
        var email = values.email.trim();
        return { email: !email ? 'incomplete_email' : EMAIL_PATTERN.test(email) ? null : 'invalid_email' };
      },
      empty: function (values) {
        return !values.email;
      },
      event: function (values) {
        return { value: { email: values.email } };
      },
    };
  }

  /** The Address Element's fields and rules (full name only: no split or organization names, no autocomplete). */
  function addressSpec(options) {
    var defaults = options.defaultValues || {};
    var address = defaults.address || {};
    var allowed = (Array.isArray(options.allowedCountries) ? options.allowedCountries : [])
      .map(function (code) {
        return String(code).toUpperCase();
      })
      .filter(function (code, at, all) {
        return /^[A-Z]{2}$/.test(code) && all.indexOf(code) === at;
      });
    var countries = allowed.length ? allowed : COUNTRIES.slice();
    var wanted = text(address.country).toUpperCase();
    if (!allowed.length && /^[A-Z]{2}$/.test(wanted) && countries.indexOf(wanted) < 0) countries.push(wanted);
    var fallback = allowed.length ? allowed[0] : defaultCountry();
    var prefix = options.mode + ' ';
    var spec = {
      type: 'address',
      options: options,
      values: {
        name: text(defaults.name),
        country: countries.indexOf(wanted) >= 0 ? wanted : fallback,
        line1: text(address.line1),
        line2: text(address.line2),
        city: text(address.city),
        state: text(address.state),
        postal_code: text(address.postal_code),
        phone: text(defaults.phone),
      },
      phoneShown: function () {
        return !!(spec.options.fields && spec.options.fields.phone === 'always');
      },
      fields: function (values) {
        var list = [
          { name: 'name', autocomplete: prefix + 'name', wide: true },
          { name: 'country', label: 'countryRegion', autocomplete: prefix + 'country', wide: true, options: countries },
          { name: 'line1', autocomplete: prefix + 'address-line1', wide: true },
          { name: 'line2', autocomplete: prefix + 'address-line2', wide: true },
          { name: 'city', autocomplete: prefix + 'address-level2', wide: true },
          { name: 'state', label: spec.labels(values).state, autocomplete: prefix + 'address-level1' },
          { name: 'postal_code', label: spec.labels(values).postal_code, autocomplete: prefix + 'postal-code' },
        ];
        if (spec.phoneShown()) list.push({ name: 'phone', type: 'tel', inputMode: 'tel', autocomplete: prefix + 'tel', wide: true });
        list.forEach(function (field) {
          if (!field.inputMode && !field.options) field.inputMode = 'text';
        });
        return list;
      },
      labels: function (values) {
        return {
          state: values.country === 'CA' ? 'province' : STATE_REQUIRED.indexOf(values.country) >= 0 ? 'state' : 'region',
          postal_code: values.country === 'US' ? 'zip' : 'postal',
        };
      },
      errors: function (values) {
        var found = {};
        ['name', 'line1', 'city', 'postal_code'].forEach(function (name) {
          found[name] = values[name].trim() ? null : 'incomplete_' + name;
        });
        found.state = values.state.trim() || STATE_REQUIRED.indexOf(values.country) < 0 ? null : 'incomplete_state';
        var phoneRequired =
          spec.phoneShown() && spec.options.validation && spec.options.validation.phone && spec.options.validation.phone.required === 'always';
        found.phone = phoneRequired && !values.phone.trim() ? 'incomplete_phone' : null;
        return found;
      },
      message: function (code, values) {
        if (code === 'incomplete_state' || code === 'incomplete_postal_code') {
          return 'incomplete_' + spec.labels(values)[code.slice('incomplete_'.length)];
        }
        return code;
      },
      empty: function (values) {
        return !['name', 'line1', 'line2', 'city', 'state', 'postal_code', 'phone'].some(function (name) {
          return values[name];
        });
      },
      value: function (values) {
        var value = {
          name: values.name,
          address: {
            line1: values.line1,
            line2: values.line2 || null,
            city: values.city,
            state: values.state,
            postal_code: values.postal_code,
            country: values.country,
          },
        };
        if (spec.phoneShown()) value.phone = values.phone;
        return value;
      },
      event: function (values) {
        return { elementMode: options.mode, isNewAddress: false, value: spec.value(values) };
      },
    };
    return spec;
  }

  /** Creates a Link Authentication or Address Element from its spec (fields, rules, event payload). */
  function createContactElement(group, spec) {
    var element = {};
    var emit = makeEmitter(element);
    var values = spec.values;
    var prefilled = Object.keys(values).some(function (name) {
      return values[name] && name !== 'country';
    });
    var shown = {}; // field name → error code currently displayed
    var view = null;
    var destroyed = false;
    var readOnly = false;
    var focused = false;

    function showError(name, code) {
      shown[name] = code || null;
      var field = view && view.fields && view.fields[name];
      if (!field) return;
      field.error.textContent = code ? group._texts[spec.message ? spec.message(code, values) : code] : '';
      field.control.setAttribute('aria-invalid', code ? 'true' : 'false');
    }

    function syncClasses() {
      syncStateClasses(view, {
        empty: spec.empty(values),
        complete: element._complete(),
        focus: focused,
        invalid: Object.keys(shown).some(function (name) {
          return shown[name];
        }),
      });
    }

    function payload() {
      return Object.assign({ elementType: spec.type }, spec.event(values), { empty: spec.empty(values), complete: element._complete() });
    }

    function changed() {
      syncClasses();
      emit('change', payload());
    }

    function relabel() {
      if (!spec.labels || !view || !view.fields) return;
      var labels = spec.labels(values);
      Object.keys(labels).forEach(function (name) {
        view.fields[name].label.textContent = group._texts[labels[name]];
      });
    }

    function onInput(name) {
      values[name] = view.fields[name].control.value;
      group._submitted = false;
      relabel();
      var found = spec.errors(values);
      Object.keys(shown).forEach(function (shownName) {
        if (shown[shownName]) showError(shownName, found[shownName]);
      });
      changed();
    }

    function render() {
      var form = make('div', { class: 'sd-form' });
      view.fields = {};
      spec.fields(values).forEach(function (fieldSpec) {
        var field = makeField(fieldSpec, group._texts);
        field.control.value = values[fieldSpec.name];
        view.fields[fieldSpec.name] = field;
        form.appendChild(field.wrap);
        field.control.addEventListener(fieldSpec.options ? 'change' : 'input', function () {
          onInput(fieldSpec.name);
        });
        field.control.addEventListener('blur', function () {
          if (!values[fieldSpec.name] || fieldSpec.options) return;
          showError(fieldSpec.name, spec.errors(values)[fieldSpec.name]);
          syncClasses();
        });
        lock(field.control, readOnly);
      });
      view.root.replaceChildren(form);
      view.restyle = applyCss(view.root, themeCss(group._appearance) + ELEMENT_CSS);
      Object.keys(shown).forEach(function (name) {
        showError(name, shown[name]);
      });
      syncClasses();
    }

    element.mount = function (target) {
      if (destroyed) throw integrationError(DESTROYED);
      if (view) throw integrationError(ALREADY_MOUNTED);
      var mounted = (view = attachView(mountTarget(target)));
      wireRoot(view, spec.type, emit, function (on) {
        if (focused === on) return false;
        focused = on;
        syncClasses();
        return true;
      });
      group._load().then(function (result) {
        if (view !== mounted) return;
        if (result.error) return emit('loaderror', { elementType: spec.type, error: result.error });
        render();
        emit('ready', { elementType: spec.type });
        // Guess: like Stripe.js, an Element prefilled from defaultValues reports its value once it is ready.
        if (prefilled) emit('change', payload());
      });
    };

    element.unmount = function () {
      if (!view) return;
      detachView(view);
      view = null;
      focused = false;
    };

    element.destroy = function () {
      element.unmount();
      destroyed = true;
      group._forget(element);
    };

    element.focus = function () {
      if (view && view.fields) view.root.querySelector('input,select').focus();
    };
    element.blur = function () {
      var active = view && view.root.activeElement;
      if (active) active.blur();
    };
    element.clear = function () {
      Object.keys(values).forEach(function (name) {
        if (name !== 'country') values[name] = '';
      });
      shown = {};
      if (view && view.fields) render();
      changed();
    };
    element.update = function (next) {
      if (!next) return;
      if ('readOnly' in next) element._setBusy(!!next.readOnly, true);
      if (spec.options && (next.fields || next.validation)) {
        spec.options = Object.assign({}, spec.options, next.fields ? { fields: next.fields } : {}, next.validation ? { validation: next.validation } : {});
        if (view && view.fields) render();
      }
    };

    if (spec.value) {
      /** Address Element only (as in Stripe.js): shows the fields' errors and resolves the current value. */
      element.getValue = function () {
        return new Promise(function (resolve) {
          element._validate(true);
          var event = payload();
          resolve({ complete: event.complete, isNewAddress: event.isNewAddress, value: event.value });
        });
      };
    }

    element._complete = function () {
      var found = spec.errors(values);
      return !Object.keys(found).some(function (name) {
        return found[name];
      });
    };
    element._isMounted = function () {
      return !!(view && view.fields);
    };
    element._container = function () {
      return view.container;
    };
    element._restyle = function () {
      if (view && view.restyle) view.restyle(themeCss(group._appearance) + ELEMENT_CSS);
    };
    element._value = function () {
      return spec.value ? spec.value(values) : { email: values.email };
    };
    element._mode = spec.options && spec.options.mode;

    /** Shows every field's error and returns the first (in field order) as a validation error. */
    element._validate = function (noFocus) {
      var found = spec.errors(values);
      var order = spec.fields(values).map(function (field) {
        return field.name;
      });
      order.forEach(function (name) {
        showError(name, found[name]);
      });
      syncClasses();
      var first = order.filter(function (name) {
        return found[name];
      })[0];
      if (!first) return null;
      if (!noFocus && view && view.fields) view.fields[first].control.focus();
      var key = spec.message ? spec.message(found[first], values) : found[first];
      return { type: 'validation_error', code: found[first], message: group._texts[key] };
    };

    element._setBusy = function (busy, permanent) {
      if (permanent) readOnly = busy;
      if (!view || !view.fields) return;
      Object.keys(view.fields).forEach(function (name) {
        lock(view.fields[name].control, busy || readOnly);
      });
    };

    return element;
  }

  // ---------------------------------------------------------------- elements group

  /** Creates the Elements group; with a clientSecret it loads the PaymentIntent once, as Stripe.js does on mount. */
  function createElements(stripe, options) {
    options = options || {};
    if (options.clientSecret !== undefined) intentIdFrom(options.clientSecret);
    var group = {
      _clientSecret: options.clientSecret || null,
      _appearance: options.appearance || {},
      _payment: null,
      _link: null,
      _addresses: {},
      _submitted: false,
      _texts: textsFor(options.locale || stripe._options.locale),
    };
    var loading = null;

    group._load = function () {
      if (!group._clientSecret) return Promise.resolve({});
      if (!loading) {
        loading = callApi(stripe._pk, 'GET', '/v1/payment_intents/' + intentIdFrom(group._clientSecret), { client_secret: group._clientSecret });
        loading.then(function (result) {
          if (result.error) loading = null;
        }); // a later mount may retry
      }
      return loading;
    };

    group.create = function (type, elementOptions) {
      elementOptions = elementOptions || {};
      if (type === 'payment') {
        if (group._payment) throw integrationError('Can only create one Element of type payment.');
        return (group._payment = createPaymentElement(group, elementOptions));
      }
      if (type === 'linkAuthentication') {
        if (group._link) throw integrationError('Can only create one Element of type linkAuthentication.');
        return (group._link = createContactElement(group, linkAuthenticationSpec(elementOptions)));
      }
      if (type === 'address') {
        var mode = elementOptions.mode;
        if (mode !== 'shipping' && mode !== 'billing') {
          throw integrationError(
            "Invalid value for create('address'): mode should be one of the following strings: " + 'shipping, billing. You specified: ' + mode + '.',
          );
        }
        if (group._addresses[mode]) throw integrationError('Can only create one Element of type address in ' + mode + ' mode.');
        return (group._addresses[mode] = createContactElement(group, addressSpec(elementOptions)));
      }
      throw integrationError('The Stripe.js double only implements the "payment", "linkAuthentication" and "address" ' + 'Elements, not "' + type + '".');
    };

    group.getElement = function (type, lookup) {
      if (type === 'payment') return group._payment;
      if (type === 'linkAuthentication') return group._link;
      if (type !== 'address') return null;
      if (lookup && lookup.mode) return group._addresses[lookup.mode] || null;
      return group._addresses.shipping || group._addresses.billing || null;
    };

    /** Every Element of the group, created and not destroyed. */
    group._all = function () {
      return [group._link, group._addresses.shipping, group._addresses.billing, group._payment].filter(Boolean);
    };

    group._forget = function (element) {
      if (group._link === element) group._link = null;
      if (group._addresses[element._mode] === element) delete group._addresses[element._mode];
    };

    /** A mounted Address Element's value in the given mode, or null. */
    group._address = function (mode) {
      var element = group._addresses[mode];
      return element && element._isMounted() ? element._value() : null;
    };

    /**
     * Validates every mounted Element (each shows its fields' errors); focuses the first incomplete field on the page
     * and returns its validation error, or null when all are complete.
     */
    group._validate = function () {
      var failed = group._all().filter(function (element) {
        return element._isMounted() && element._validate(true);
      });
      if (!failed.length) return null;
      return failed.sort(byPosition)[0]._validate();
    };

    group._setBusy = function (busy) {
      group._all().forEach(function (element) {
        element._setBusy(busy);
      });
    };

    group.update = function (next) {
      if (next && next.appearance) {
        group._appearance = next.appearance;
        group._all().forEach(function (element) {
          element._restyle();
        });
      }
    };

    group.fetchUpdates = function () {
      return Promise.resolve({});
    };

    group.submit = function () {
      return new Promise(function (resolve) {
        var element = group._payment;
        if (!element || !element._isMounted()) {
          throw integrationError('elements.submit(): the Payment Element is not mounted or not ready yet.');
        }
        var error = group._validate();
        group._submitted = !error;
        resolve(error ? { error: error } : { selectedPaymentMethod: 'card' });
      });
    };

    return group;
  }

  // ---------------------------------------------------------------- 3-D Secure challenge

  var MODAL_CSS = [
    ':host{all:initial}',
    '.backdrop{position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;',
    'justify-content:center;z-index:2147483647;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}',
    '.dialog{background:#fff;color:#30313d;border-radius:8px;padding:24px;width:min(380px,90vw);',
    'box-shadow:0 10px 40px rgba(0,0,0,.3)}',
    'h2{margin:0 0 8px;font-size:18px}',
    'p{margin:0 0 16px;font-size:14px;line-height:1.4}',
    '.actions{display:flex;gap:8px;justify-content:flex-end;flex-wrap:wrap}',
    'button{font:inherit;font-size:14px;padding:10px 14px;border-radius:5px;border:1px solid #c0c0c8;',
    'background:#fff;color:#30313d;cursor:pointer}',
    'button.primary{background:#0570de;border-color:#0570de;color:#fff}',
    'button:focus-visible{outline:2px solid #0570de;outline-offset:2px}',
  ].join('');

  function formatAmount(amount, currency) {
    try {
      var format = new Intl.NumberFormat(navigator.language || 'en', { style: 'currency', currency: currency });
      return format.format(amount / Math.pow(10, format.resolvedOptions().maximumFractionDigits));
    } catch (e) {
      return amount + ' ' + currency;
    }
  }

  function make(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      node.setAttribute(key, props[key]);
    });
    (children || []).forEach(function (child) {
      node.append(child);
    });
    return node;
  }

  /** Builds the challenge dialog (DOM calls, no innerHTML, so a Trusted Types CSP cannot block it). */
  function buildChallenge(root, intent, texts) {
    var amount = formatAmount(intent.amount, String(intent.currency || 'usd').toUpperCase());
    var buttons = [
      make('button', { type: 'button', 'data-outcome': 'fail' }, [texts.fail]),
      make('button', { type: 'button', 'data-outcome': 'complete', class: 'primary' }, [texts.complete]),
    ];
    var dialog = make('div', { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'sd-3ds-title', 'aria-describedby': 'sd-3ds-text' }, [
      make('h2', { id: 'sd-3ds-title' }, [texts.challengeTitle]),
      make('p', { id: 'sd-3ds-text' }, [texts.challengeText.replace('{amount}', amount)]),
      make('div', { class: 'actions' }, buttons),
    ]);
    root.append(make('div', { class: 'backdrop' }, [dialog]));
    applyCss(root, MODAL_CSS);
    return buttons;
  }

  /** Shows the challenge modal; resolves 'complete' or 'fail' (Esc counts as fail, like closing Stripe's modal). */
  function showChallenge(intent, texts) {
    return new Promise(function (resolve) {
      var previous = document.activeElement;
      while (previous && previous.shadowRoot && previous.shadowRoot.activeElement) previous = previous.shadowRoot.activeElement;
      var host = document.createElement('div');
      host.setAttribute('data-stripe-double', 'three-d-secure');
      var root = host.attachShadow({ mode: 'open' });
      var buttons = buildChallenge(root, intent, texts);
      function done(outcome) {
        host.remove();
        if (previous && previous.focus) previous.focus();
        resolve(outcome);
      }
      buttons.forEach(function (button) {
        button.addEventListener('click', function () {
          done(button.getAttribute('data-outcome'));
        });
      });
      root.addEventListener('keydown', function (event) {
        if (event.key === 'Escape') return done('fail');
        if (event.key !== 'Tab') return;
        // Keep focus inside the dialog: two buttons, so Tab and Shift+Tab just swap.
        event.preventDefault();
        (root.activeElement === buttons[0] ? buttons[1] : buttons[0]).focus();
      });
      document.body.appendChild(host);
      buttons[1].focus();
    });
  }

  // ---------------------------------------------------------------- confirm

  var NEVER = function () {
    return new Promise(function () {});
  }; // the page is navigating away

  function redirectStatus(status) {
    if (status === 'succeeded' || status === 'requires_capture') return 'succeeded';
    return status === 'processing' ? 'processing' : 'failed';
  }

  function goToReturnUrl(returnUrl, intent, clientSecret) {
    var url = new URL(returnUrl, location.href);
    url.searchParams.set('payment_intent', intent.id);
    url.searchParams.set('payment_intent_client_secret', clientSecret);
    url.searchParams.set('redirect_status', redirectStatus(intent.status));
    window.location.assign(url.href);
    return NEVER();
  }

  function errorFromIntent(intent) {
    return Object.assign({}, intent.last_payment_error, { payment_intent: intent });
  }

  /** Resolves the final answer for an intent that needs no more action. */
  function settle(ctx, intent) {
    if (intent.status === 'requires_payment_method' && intent.last_payment_error) {
      return { error: errorFromIntent(intent) };
    }
    if (ctx.redirect === 'if_required') return { paymentIntent: intent };
    return goToReturnUrl(ctx.returnUrl, intent, ctx.clientSecret);
  }

  function authenticate(ctx, intent) {
    return showChallenge(intent, ctx.texts)
      .then(function (outcome) {
        return callApi(ctx.pk, 'POST', '/_emulator/payment_intents/' + intent.id + '/authenticate', { client_secret: ctx.clientSecret, outcome: outcome });
      })
      .then(function (result) {
        if (result.error) return result;
        if (result.data && result.data.object === 'payment_intent') return result;
        return callApi(ctx.pk, 'GET', '/v1/payment_intents/' + intent.id, { client_secret: ctx.clientSecret });
      })
      .then(function (result) {
        return result.error ? { error: result.error } : settle(ctx, result.data);
      });
  }

  function handleAction(ctx, intent) {
    var action = intent.next_action || {};
    if (action.type === 'redirect_to_url' && action.redirect_to_url) {
      window.location.assign(action.redirect_to_url.url);
      return NEVER();
    }
    if (action.type === 'use_stripe_sdk') return authenticate(ctx, intent);
    return {
      error: {
        type: 'invalid_request_error',
        code: 'payment_intent_unexpected_state',
        payment_intent: intent,
        message: 'The Stripe.js double cannot handle next_action of type ' + action.type + '.',
      },
    };
  }

  /** An Address Element's value as the API's shipping or billing_details, without empty fields. */
  function addressParams(value) {
    var params = { name: value.name, address: {} };
    if (value.phone) params.phone = value.phone;
    Object.keys(value.address).forEach(function (key) {
      if (value.address[key]) params.address[key] = value.address[key];
    });
    return params;
  }

  function confirmBody(clientSecret, params, element, elements) {
    var body = { client_secret: clientSecret };
    ['return_url', 'receipt_email', 'shipping', 'setup_future_usage'].forEach(function (key) {
      if (params[key] !== undefined) body[key] = params[key];
    });
    // Like Stripe.js: a mounted Address Element in shipping mode fills `shipping` (explicit confirmParams win).
    var shipping = elements && elements._address('shipping');
    if (shipping && body.shipping === undefined) body.shipping = addressParams(shipping);
    if (typeof params.payment_method === 'string') {
      body.payment_method = params.payment_method;
    } else {
      var data = element._paymentMethodData();
      // ... and one in billing mode fills the payment method's billing_details.
      var billing = elements && elements._address('billing');
      if (billing) data.billing_details = Object.assign({}, data.billing_details, addressParams(billing));
      var extra = params.payment_method_data || {};
      if (extra.billing_details) data.billing_details = Object.assign({}, data.billing_details, extra.billing_details);
      body.payment_method_data = data;
    }
    return body;
  }

  /** stripe.confirmPayment: validates, confirms with the publishable key, runs 3-D Secure, redirects or resolves. */
  function confirmPayment(stripe, options) {
    var elements = options.elements;
    var params = options.confirmParams || {};
    var clientSecret = options.clientSecret || (elements && elements._clientSecret);
    if (options.redirect !== undefined && options.redirect !== 'always' && options.redirect !== 'if_required') {
      throw integrationError('Invalid value for confirmPayment: redirect should be "always" or "if_required".');
    }
    var redirect = options.redirect || 'always';
    if (!clientSecret) throw integrationError('stripe.confirmPayment(): a `clientSecret` is required when `elements` was created without one.');
    var intentId = intentIdFrom(clientSecret);
    if (redirect === 'always' && !params.return_url) {
      throw integrationError("stripe.confirmPayment(): the `confirmParams.return_url` argument is required unless passing `redirect: 'if_required'`.");
    }
    var element = elements && elements._payment;
    if (typeof params.payment_method !== 'string' && !(element && element._isMounted())) {
      throw integrationError('stripe.confirmPayment(): pass `elements` with a mounted Payment Element.');
    }
    if (element && !elements._clientSecret && !elements._submitted) {
      throw integrationError('elements.submit() must be called before stripe.confirmPayment().');
    }
    if (element && typeof params.payment_method !== 'string') {
      var invalid = elements._validate();
      if (invalid) return { error: invalid };
    }
    var ctx = {
      pk: stripe._pk,
      clientSecret: clientSecret,
      redirect: redirect,
      returnUrl: params.return_url,
      texts: elements ? elements._texts : textsFor(stripe._options.locale),
    };
    var body = confirmBody(clientSecret, params, element, elements);
    if (elements) elements._setBusy(true);
    if (elements) elements._submitted = false;
    return callApi(stripe._pk, 'POST', '/v1/payment_intents/' + intentId + '/confirm', body)
      .then(function (result) {
        if (result.error) return { error: result.error };
        return result.data.status === 'requires_action' ? handleAction(ctx, result.data) : settle(ctx, result.data);
      })
      .then(
        function (answer) {
          if (elements) elements._setBusy(false);
          return answer;
        },
        function (error) {
          if (elements) elements._setBusy(false);
          throw error;
        },
      );
  }

  // ---------------------------------------------------------------- Stripe

  /** window.Stripe(pk, options): works with or without `new`, like Stripe.js. */
  function Stripe(pk, options) {
    if (!(this instanceof Stripe)) return new Stripe(pk, options);
    if (typeof pk === 'string' && /^(sk|rk)_/.test(pk)) {
      throw integrationError('You should not use your secret key with Stripe.js. Please pass a publishable key instead.');
    }
    if (typeof pk !== 'string' || !/^pk_(test|live)_/.test(pk)) {
      throw integrationError('Invalid value for Stripe(): apiKey should be a publishable key (pk_test_… or pk_live_…). You specified: ' + pk + '.');
    }
    this._pk = pk;
    this._options = options || {};
    this._wrappers = [];
    this.version = VERSION;
  }

  Stripe.prototype._registerWrapper = function (wrapper) {
    this._wrappers.push(wrapper);
  };
  Stripe.prototype.registerAppInfo = function () {};
  Stripe.prototype.elements = function (options) {
    return createElements(this, options);
  };

  Stripe.prototype.confirmPayment = function (options) {
    var stripe = this;
    return new Promise(function (resolve) {
      resolve(confirmPayment(stripe, options || {}));
    });
  };

  Stripe.prototype.retrievePaymentIntent = function (clientSecret) {
    var pk = this._pk;
    return new Promise(function (resolve) {
      var path = '/v1/payment_intents/' + intentIdFrom(clientSecret);
      resolve(
        callApi(pk, 'GET', path, { client_secret: clientSecret }).then(function (result) {
          return result.error ? { error: result.error } : { paymentIntent: result.data };
        }),
      );
    });
  };

  Stripe.version = VERSION;
  Stripe.__double = { apiBase: API_BASE }; // lets tests (and curious people) tell the double from the real thing
  window.Stripe = Stripe;
})();
