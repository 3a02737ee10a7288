/*
 * Stripe.js double: a stand-in for https://js.stripe.com/v3 (and /endive/stripe.js) that runs offline against the
 * project's Stripe emulator. Plain browser JavaScript, served as-is by the emulator; no build step.
 *
 * What it implements (the subset checkout-best uses):
 *   window.Stripe(pk, options?) with Stripe.version, stripe._registerWrapper(), stripe.elements({ clientSecret |
 *   mode/amount/currency, appearance }), elements.create('payment'), element.mount/unmount/destroy/on/once/off/
 *   focus/blur/clear/update, elements.submit(), elements.update(), elements.getElement(), stripe.confirmPayment(),
 *   stripe.retrievePaymentIntent().
 *
 * Where it knowingly differs from Stripe.js:
 * - The Payment Element renders into an open shadow root inside the mount point, not into a cross-origin iframe.
 *   The page's CSS cannot reach it, but the page's scripts could read the card fields; real Stripe.js keeps card data
 *   out of the page entirely. Keystrokes and input events are stopped at the shadow root, so the page's bubbling
 *   listeners do not see them (as with the iframe), but capture-phase listeners on the page still do.
 *   Only the card payment method exists (no tabs, Link, wallets, postal code field).
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
 * - It is one long file on purpose: the emulator serves exactly one script, as Stripe serves one Stripe.js.
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
    return fetch(url, init).then(function (res) {
      return res.json().then(function (json) {
        if (res.ok) return { data: json };
        return { error: (json && json.error) || { type: 'api_error', message: 'Unexpected answer from Stripe.' } };
      }, function () {
        return { error: { type: 'api_error', message: 'Unexpected answer from Stripe (HTTP ' + res.status + ').' } };
      });
    }, function () {
      return { error: connectionError() };
    });
  }

  function intentIdFrom(clientSecret) {
    var match = typeof clientSecret === 'string' && clientSecret.match(/^(pi_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/);
    if (!match) {
      throw integrationError('Invalid value for clientSecret: expected a client secret of the form ' +
        '${id}_secret_${secret}. You specified: ' + clientSecret + '.');
    }
    return match[1];
  }

  // ---------------------------------------------------------------- card rules

  function onlyDigits(text) { return String(text || '').replace(/\D/g, ''); }

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
      if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
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
      card: 'Card', number: 'Card number', expiry: 'Expiration date', expiryPlaceholder: 'MM / YY',
      cvc: 'Security code', country: 'Country',
      challengeTitle: '3D Secure test authentication', complete: 'Complete authentication', fail: 'Fail authentication',
      challengeText: 'Your bank asks you to confirm this payment of {amount}. This is a test challenge from the Stripe emulator.',
      incomplete_number: 'Your card number is incomplete.',
      invalid_number: 'Your card number is invalid.',
      incomplete_expiry: "Your card's expiration date is incomplete.",
      invalid_expiry_month: "Your card's expiration date is invalid.",
      invalid_expiry_month_past: "Your card's expiration date is in the past.",
      invalid_expiry_year_past: "Your card's expiration year is in the past.",
      incomplete_cvc: "Your card's security code is incomplete.",
    },
    de: {
      card: 'Karte', number: 'Kartennummer', expiry: 'Ablaufdatum', expiryPlaceholder: 'MM / JJ',
      cvc: 'Sicherheitscode', country: 'Land',
      challengeTitle: '3D-Secure-Testauthentifizierung', complete: 'Authentifizierung abschließen',
      fail: 'Authentifizierung fehlschlagen lassen',
      challengeText: 'Ihre Bank bittet Sie, diese Zahlung über {amount} zu bestätigen. Dies ist eine Test-Abfrage des Stripe-Emulators.',
      incomplete_number: 'Ihre Kartennummer ist unvollständig.',
      invalid_number: 'Ihre Kartennummer ist ungültig.',
      incomplete_expiry: 'Das Ablaufdatum Ihrer Karte ist unvollständig.',
      invalid_expiry_month: 'Das Ablaufdatum Ihrer Karte ist ungültig.',
      invalid_expiry_month_past: 'Das Ablaufdatum Ihrer Karte liegt in der Vergangenheit.',
      invalid_expiry_year_past: 'Das Ablaufjahr Ihrer Karte liegt in der Vergangenheit.',
      incomplete_cvc: 'Der Sicherheitscode Ihrer Karte ist unvollständig.',
    },
    fr: {
      card: 'Carte', number: 'Numéro de carte', expiry: "Date d'expiration", expiryPlaceholder: 'MM / AA',
      cvc: 'Code de sécurité', country: 'Pays',
      challengeTitle: "Test d'authentification 3D Secure", complete: "Terminer l'authentification",
      fail: "Faire échouer l'authentification",
      challengeText: "Votre banque vous demande de confirmer ce paiement de {amount}. Ceci est un test de l'émulateur Stripe.",
      incomplete_number: 'Votre numéro de carte est incomplet.',
      invalid_number: "Votre numéro de carte n'est pas valide.",
      incomplete_expiry: "La date d'expiration de votre carte est incomplète.",
      invalid_expiry_month: "La date d'expiration de votre carte n'est pas valide.",
      invalid_expiry_month_past: "La date d'expiration de votre carte est dépassée.",
      invalid_expiry_year_past: "L'année d'expiration de votre carte est dépassée.",
      incomplete_cvc: 'Le code de sécurité de votre carte est incomplet.',
    },
  };

  function textsFor(locale) {
    var wanted = !locale || locale === 'auto' ? navigator.language : locale;
    var lang = String(wanted || 'en').slice(0, 2).toLowerCase();
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
      var wrapped = function (event) { target.off(type, wrapped); handler(event); };
      return target.on(type, wrapped);
    };
    target.off = function (type, handler) {
      handlers[type] = handler ? (handlers[type] || []).filter(function (h) { return h !== handler; }) : [];
      return target;
    };
    return function emit(type, event) {
      (handlers[type] || []).slice().forEach(function (handler) {
        try { handler(event); } catch (error) { setTimeout(function () { throw error; }); }
      });
    };
  }

  // ---------------------------------------------------------------- appearance

  var THEMES = {
    stripe: { colorPrimary: '#0570de', colorBackground: '#ffffff', colorText: '#30313d', colorDanger: '#df1b41',
      colorBorder: '#e6e6e6' },
    night: { colorPrimary: '#0570de', colorBackground: '#30313d', colorText: '#ffffff', colorDanger: '#fe87a1',
      colorBorder: '#424353' },
    flat: { colorPrimary: '#0570de', colorBackground: '#f1f1f1', colorText: '#30313d', colorDanger: '#df1b41',
      colorBorder: '#f1f1f1' },
  };

  /** Turns Stripe's appearance object (theme + a few variables) into CSS custom properties for the shadow root. */
  function themeCss(appearance) {
    appearance = appearance || {};
    var vars = Object.assign({ fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
      borderRadius: '5px', fontSizeBase: '16px' }, THEMES[appearance.theme] || THEMES.stripe, appearance.variables);
    return ':host{--sd-primary:' + vars.colorPrimary + ';--sd-bg:' + vars.colorBackground + ';--sd-text:' +
      vars.colorText + ';--sd-danger:' + vars.colorDanger + ';--sd-border:' + vars.colorBorder + ';--sd-font:' +
      vars.fontFamily + ';--sd-radius:' + vars.borderRadius + ';--sd-size:' + vars.fontSizeBase + '}';
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
  var COUNTRIES = ['AT', 'AU', 'BE', 'CA', 'CH', 'DE', 'DK', 'ES', 'FI', 'FR', 'GB', 'IE', 'IT', 'JP', 'NL', 'NO',
    'NZ', 'PL', 'PT', 'SE', 'US'];

  function defaultCountry() {
    var match = String(navigator.language || '').match(/-([A-Z]{2})$/i);
    var code = match ? match[1].toUpperCase() : 'US';
    return COUNTRIES.indexOf(code) >= 0 ? code : 'US';
  }

  function countryName(code, lang) {
    try { return new Intl.DisplayNames([lang], { type: 'region' }).of(code) || code; }
    catch (e) { return code; }
  }

  function makeField(spec, texts) {
    var wrap = document.createElement('div');
    wrap.className = 'sd-field' + (spec.wide ? ' sd-wide' : '');
    var label = document.createElement('label');
    label.htmlFor = 'sd-' + spec.name;
    label.textContent = texts[spec.name];
    var control = document.createElement(spec.options ? 'select' : 'input');
    control.id = 'sd-' + spec.name;
    control.name = spec.name;
    control.autocomplete = spec.autocomplete;
    if (spec.options) {
      spec.options.forEach(function (code) { control.add(new Option(countryName(code, texts.lang), code)); });
    } else {
      control.type = 'text';
      control.inputMode = 'numeric';
      control.placeholder = texts[spec.placeholder] || spec.placeholder;
      control.spellcheck = false;
      control.setAttribute('aria-describedby', 'sd-' + spec.name + '-error');
    }
    var error = document.createElement('p');
    error.className = 'sd-error';
    error.id = 'sd-' + spec.name + '-error';
    error.setAttribute('role', 'alert');
    wrap.append(label, control, error);
    return { wrap: wrap, control: control, error: error };
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
      return function (next) { sheet.replaceSync(next); };
    }
    var style = document.createElement('style');
    style.textContent = css;
    root.prepend(style);
    return function (next) { style.textContent = next; };
  }

  /** Renders the card form into a shadow root; returns the controls by name and a style updater. */
  function renderForm(root, values, appearance, texts) {
    var tab = document.createElement('div');
    tab.className = 'sd-tab';
    tab.textContent = texts.card;
    var form = document.createElement('div');
    form.className = 'sd-form';
    var fields = {};
    FIELDS.concat([{ name: 'country', autocomplete: 'country', wide: true, options: COUNTRIES }])
      .forEach(function (spec) {
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
    number: function (d) { return formatNumber(d.slice(0, brandOf(d) === 'amex' ? 15 : 16)); },
    expiry: formatExpiry,
    cvc: function (d) { return d.slice(0, 4); },
  };

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

    function errors() { return validateCard(values); }

    function isEmpty() { return !values.number && !values.expiry && !values.cvc; }

    function showError(name, code) {
      shown[name] = code || null;
      if (!view || !view.fields) return;
      var field = view.fields[name];
      field.error.textContent = code ? group._texts[code] : '';
      field.control.setAttribute('aria-invalid', code ? 'true' : 'false');
    }

    function syncClasses() {
      if (!view) return;
      var list = view.container.classList;
      var anyShown = Object.keys(shown).some(function (name) { return shown[name]; });
      list.toggle('StripeElement--empty', isEmpty());
      list.toggle('StripeElement--complete', element._complete());
      list.toggle('StripeElement--invalid', anyShown);
      list.toggle('StripeElement--focus', focused);
    }

    function changed() {
      syncClasses();
      emit('change', { elementType: 'payment', empty: isEmpty(), complete: element._complete(), collapsed: false,
        value: { type: 'card' } });
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
      var full = name === 'number' ? onlyDigits(values.number).length >= (brandOf(onlyDigits(values.number)) === 'amex' ? 15 : 16)
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
        control.addEventListener(name === 'country' ? 'change' : 'input', function (event) { onInput(name, event); });
        control.addEventListener('blur', function () { onBlurField(name); });
        lock(control, readOnly);
      });
      view.root.addEventListener('focusin', function () {
        if (focused) return;
        focused = true;
        syncClasses();
        emit('focus', { elementType: 'payment' });
      });
      view.root.addEventListener('focusout', function (event) {
        if (event.relatedTarget && view && view.root.contains(event.relatedTarget)) return;
        focused = false;
        syncClasses();
        emit('blur', { elementType: 'payment' });
      });
      view.root.addEventListener('keydown', function (event) {
        if (event.key === 'Escape') emit('escape', { elementType: 'payment' });
      });
      // Stripe's iframe keeps keystrokes and input events from the page; stop them at the shadow root likewise, so a
      // page's Esc or shortcut handler behaves as it will with real Stripe.js (use the 'escape' event instead).
      ['keydown', 'keyup', 'keypress', 'input', 'beforeinput', 'change'].forEach(function (type) {
        view.root.addEventListener(type, function (event) { event.stopPropagation(); });
      });
    }

    function render() {
      var rendered = renderForm(view.root, values, group._appearance, group._texts);
      view.restyle = rendered.restyle;
      view.fields = rendered.fields;
      wire();
      Object.keys(shown).forEach(function (name) { showError(name, shown[name]); });
      syncClasses();
    }

    element.mount = function (target) {
      if (destroyed) throw integrationError('This Element has already been destroyed. Please create a new one.');
      if (view) throw integrationError('This Element is already mounted. Use `unmount()` to unmount the Element before re-mounting.');
      var container = typeof target === 'string' ? document.querySelector(target) : target;
      if (!container || container.nodeType !== 1) {
        throw integrationError(typeof target === 'string'
          ? 'The selector you specified (' + target + ') applies to no DOM elements that are currently on the page. Make sure the element exists on the page before calling mount().'
          : 'Invalid DOM element. Make sure to call mount() with a valid DOM element or selector.');
      }
      var host = document.createElement('div');
      host.className = '__PrivateStripeElement';
      container.appendChild(host);
      container.classList.add('StripeElement');
      var mounted = view = { container: container, host: host, root: host.attachShadow({ mode: 'open' }) };
      group._load().then(function (result) {
        if (view !== mounted) return; // unmounted meanwhile
        if (result.error) return emit('loaderror', { elementType: 'payment', error: result.error });
        render();
        emit('ready', { elementType: 'payment' });
      });
    };

    element.unmount = function () {
      if (!view) return;
      view.host.remove();
      ['StripeElement', 'StripeElement--empty', 'StripeElement--complete', 'StripeElement--invalid',
        'StripeElement--focus'].forEach(function (name) { view.container.classList.remove(name); });
      view = null;
      focused = false;
    };

    element.destroy = function () {
      element.unmount();
      destroyed = true;
      if (group._payment === element) group._payment = null;
    };

    element.focus = function () { if (view && view.fields) view.fields.number.control.focus(); };
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
    element._isMounted = function () { return !!(view && view.fields); };
    element._restyle = function () { if (view && view.restyle) view.restyle(themeCss(group._appearance) + ELEMENT_CSS); };

    /** Shows every field's error (as Stripe does on submit) and returns the first as a validation error. */
    element._validate = function () {
      var found = errors();
      FIELDS.forEach(function (spec) { showError(spec.name, found[spec.name]); });
      syncClasses();
      var first = FIELDS.map(function (spec) { return found[spec.name]; }).filter(Boolean)[0];
      if (first && view && view.fields) view.fields[FIELDS.filter(function (s) { return found[s.name]; })[0].name].control.focus();
      return first ? validationError(first, group._texts) : null;
    };

    element._setBusy = function (busy, permanent) {
      if (permanent) readOnly = busy;
      if (!view || !view.fields) return;
      Object.keys(view.fields).forEach(function (name) { lock(view.fields[name].control, busy || readOnly); });
    };

    element._paymentMethodData = function () {
      var expiry = onlyDigits(values.expiry);
      return { type: 'card', card: { number: onlyDigits(values.number), exp_month: Number(expiry.slice(0, 2)),
        exp_year: 2000 + Number(expiry.slice(2, 4)), cvc: onlyDigits(values.cvc) },
        billing_details: { address: { country: values.country } } };
    };

    return element;
  }

  // ---------------------------------------------------------------- elements group

  /** Creates the Elements group; with a clientSecret it loads the PaymentIntent once, as Stripe.js does on mount. */
  function createElements(stripe, options) {
    options = options || {};
    if (options.clientSecret !== undefined) intentIdFrom(options.clientSecret);
    var group = { _clientSecret: options.clientSecret || null, _appearance: options.appearance || {}, _payment: null,
      _submitted: false, _texts: textsFor(options.locale || stripe._options.locale) };
    var loading = null;

    group._load = function () {
      if (!group._clientSecret) return Promise.resolve({});
      if (!loading) {
        loading = callApi(stripe._pk, 'GET', '/v1/payment_intents/' + intentIdFrom(group._clientSecret),
          { client_secret: group._clientSecret });
        loading.then(function (result) { if (result.error) loading = null; }); // a later mount may retry
      }
      return loading;
    };

    group.create = function (type, elementOptions) {
      if (type !== 'payment') {
        throw integrationError('The Stripe.js double only implements the "payment" Element, not "' + type + '".');
      }
      if (group._payment) throw integrationError('Can only create one Element of type payment.');
      group._payment = createPaymentElement(group, elementOptions || {});
      return group._payment;
    };

    group.getElement = function (type) { return type === 'payment' ? group._payment : null; };

    group.update = function (next) {
      if (next && next.appearance) {
        group._appearance = next.appearance;
        if (group._payment) group._payment._restyle();
      }
    };

    group.fetchUpdates = function () { return Promise.resolve({}); };

    group.submit = function () {
      return new Promise(function (resolve) {
        var element = group._payment;
        if (!element || !element._isMounted()) {
          throw integrationError('elements.submit(): the Payment Element is not mounted or not ready yet.');
        }
        var error = element._validate();
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
    Object.keys(props || {}).forEach(function (key) { node.setAttribute(key, props[key]); });
    (children || []).forEach(function (child) { node.append(child); });
    return node;
  }

  /** Builds the challenge dialog (DOM calls, no innerHTML, so a Trusted Types CSP cannot block it). */
  function buildChallenge(root, intent, texts) {
    var amount = formatAmount(intent.amount, String(intent.currency || 'usd').toUpperCase());
    var buttons = [
      make('button', { type: 'button', 'data-outcome': 'fail' }, [texts.fail]),
      make('button', { type: 'button', 'data-outcome': 'complete', class: 'primary' }, [texts.complete]),
    ];
    var dialog = make('div', { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'sd-3ds-title',
      'aria-describedby': 'sd-3ds-text' }, [
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
        button.addEventListener('click', function () { done(button.getAttribute('data-outcome')); });
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

  var NEVER = function () { return new Promise(function () {}); }; // the page is navigating away

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
    return showChallenge(intent, ctx.texts).then(function (outcome) {
      return callApi(ctx.pk, 'POST', '/_emulator/payment_intents/' + intent.id + '/authenticate',
        { client_secret: ctx.clientSecret, outcome: outcome });
    }).then(function (result) {
      if (result.error) return result;
      if (result.data && result.data.object === 'payment_intent') return result;
      return callApi(ctx.pk, 'GET', '/v1/payment_intents/' + intent.id, { client_secret: ctx.clientSecret });
    }).then(function (result) {
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
    return { error: { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', payment_intent: intent,
      message: 'The Stripe.js double cannot handle next_action of type ' + action.type + '.' } };
  }

  function confirmBody(clientSecret, params, element) {
    var body = { client_secret: clientSecret };
    ['return_url', 'receipt_email', 'shipping', 'setup_future_usage'].forEach(function (key) {
      if (params[key] !== undefined) body[key] = params[key];
    });
    if (typeof params.payment_method === 'string') {
      body.payment_method = params.payment_method;
    } else {
      var data = element._paymentMethodData();
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
      throw integrationError('stripe.confirmPayment(): the `confirmParams.return_url` argument is required unless passing `redirect: \'if_required\'`.');
    }
    var element = elements && elements._payment;
    if (typeof params.payment_method !== 'string' && !(element && element._isMounted())) {
      throw integrationError('stripe.confirmPayment(): pass `elements` with a mounted Payment Element.');
    }
    if (element && !elements._clientSecret && !elements._submitted) {
      throw integrationError('elements.submit() must be called before stripe.confirmPayment().');
    }
    if (element && typeof params.payment_method !== 'string') {
      var invalid = element._validate();
      if (invalid) return { error: invalid };
    }
    var ctx = { pk: stripe._pk, clientSecret: clientSecret, redirect: redirect, returnUrl: params.return_url,
      texts: elements ? elements._texts : textsFor(stripe._options.locale) };
    if (element) element._setBusy(true);
    if (elements) elements._submitted = false;
    return callApi(stripe._pk, 'POST', '/v1/payment_intents/' + intentId + '/confirm', confirmBody(clientSecret, params, element))
      .then(function (result) {
        if (result.error) return { error: result.error };
        return result.data.status === 'requires_action' ? handleAction(ctx, result.data) : settle(ctx, result.data);
      })
      .then(function (answer) {
        if (element) element._setBusy(false);
        return answer;
      }, function (error) {
        if (element) element._setBusy(false);
        throw error;
      });
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

  Stripe.prototype._registerWrapper = function (wrapper) { this._wrappers.push(wrapper); };
  Stripe.prototype.registerAppInfo = function () {};
  Stripe.prototype.elements = function (options) { return createElements(this, options); };

  Stripe.prototype.confirmPayment = function (options) {
    var stripe = this;
    return new Promise(function (resolve) { resolve(confirmPayment(stripe, options || {})); });
  };

  Stripe.prototype.retrievePaymentIntent = function (clientSecret) {
    var pk = this._pk;
    return new Promise(function (resolve) {
      var path = '/v1/payment_intents/' + intentIdFrom(clientSecret);
      resolve(callApi(pk, 'GET', path, { client_secret: clientSecret }).then(function (result) {
        return result.error ? { error: result.error } : { paymentIntent: result.data };
      }));
    });
  };

  Stripe.version = VERSION;
  Stripe.__double = { apiBase: API_BASE }; // lets tests (and curious people) tell the double from the real thing
  window.Stripe = Stripe;
})();
