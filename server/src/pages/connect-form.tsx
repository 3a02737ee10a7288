import type { VNode } from 'preact';
import { Layout } from './render';

/** What the connect form needs to render; `error` ties a message to a field (or to the whole form). */
export interface ConnectFormProps {
  nonce: string;
  storeName: string;
  link: { store_id: string; return_url: string; expires: string; signature: string };
  /** The widget page that framed the form (already checked against allowed_origins), carried to the success page. */
  parentOrigin?: string | null;
  publishableKey?: string;
  error?: { message: string; field: 'publishable_key' | 'secret_key' | null };
}

/** Shows "Test mode"/"Live mode" as the merchant types, from the key prefixes (no network involved). */
const MODE_SCRIPT = `(function(){var f=document.getElementById('connect-form');if(!f)return;
var b=document.getElementById('mode-badge'),pk=f.elements.publishable_key,sk=f.elements.secret_key;
function mode(v){v=(v||'').trim();return /^(pk|sk|rk)_live_/.test(v)?'live':/^(pk|sk|rk)_test_/.test(v)?'test':''}
function show(){var a=mode(pk.value),c=mode(sk.value),m=a||c;
if(a&&c&&a!==c){b.dataset.mode='';b.textContent='Test and live keys mixed';return}
b.dataset.mode=m;b.textContent=m==='live'?'Live mode: real payments':m==='test'?'Test mode':'Mode: detected from your keys'}
pk.addEventListener('input',show);sk.addEventListener('input',show);show();
var a=document.getElementById('form-error');if(a)a.focus();
f.addEventListener('submit',function(){var s=document.getElementById('submit');s.disabled=true;s.textContent='Verifying with Stripe…'})})();`;

/** The key entry form of a signed connect link. */
export function ConnectForm(p: ConnectFormProps): VNode {
  const err = (field: 'publishable_key' | 'secret_key') => (p.error?.field === field ? p.error.message : null);
  const mode = detectMode(p.publishableKey);
  return (
    <Layout title="Connect Stripe" nonce={p.nonce} script={MODE_SCRIPT}>
      <h1>Connect Stripe to {p.storeName}</h1>
      <p>
        Payments for <strong>{p.storeName}</strong> go straight into the Stripe account whose API keys you enter here.
      </p>
      <span id="mode-badge" class="badge" data-mode={mode} role="status" aria-live="polite">
        {mode === 'live' ? 'Live mode: real payments' : mode === 'test' ? 'Test mode' : 'Mode: detected from your keys'}
      </span>
      {p.error && p.error.field === null ? (
        <div id="form-error" class="alert" role="alert" tabIndex={-1}>
          {p.error.message}
        </div>
      ) : p.error ? (
        <div id="form-error" class="alert" role="alert" tabIndex={-1}>
          Please fix the highlighted field: {p.error.message}
        </div>
      ) : null}
      <form id="connect-form" method="post" action="/stripe/connect" autocomplete="off" novalidate>
        <input type="hidden" name="store_id" value={p.link.store_id} />
        <input type="hidden" name="return_url" value={p.link.return_url} />
        <input type="hidden" name="expires" value={p.link.expires} />
        <input type="hidden" name="signature" value={p.link.signature} />
        {p.parentOrigin ? <input type="hidden" name="parent_origin" value={p.parentOrigin} /> : null}
        <KeyField
          name="publishable_key"
          label="Publishable key"
          type="text"
          value={p.publishableKey ?? ''}
          hint="Starts with pk_test_ or pk_live_."
          error={err('publishable_key')}
        />
        <KeyField
          name="secret_key"
          label="Secret key"
          type="password"
          value=""
          hint="Starts with sk_test_ or sk_live_, or rk_ for a restricted key. Stored encrypted; never shown again."
          error={err('secret_key')}
        />
        <button id="submit" class="button" type="submit">
          Verify and connect
        </button>
      </form>
      <details>
        <summary>Where do I find my keys?</summary>
        <ol>
          <li>Sign in to the Stripe Dashboard.</li>
          <li>
            Open <strong>Developers → API keys</strong>. Use the <em>Test mode</em> switch to pick test or live keys.
          </li>
          <li>
            Copy the <strong>Publishable key</strong>, then press <strong>Reveal</strong> on the <strong>Secret key</strong> and copy it.
          </li>
        </ol>
      </details>
      <details>
        <summary>Using a restricted key instead</summary>
        <ul>
          <li>
            Required: <strong>PaymentIntents: Write</strong>.
          </li>
          <li>
            Recommended: <strong>Webhook Endpoints: Write</strong> (orders are recorded even if a shopper closes the tab) and <strong>Account: Read</strong>{' '}
            (shows your account name).
          </li>
        </ul>
      </details>
    </Layout>
  );
}

function KeyField(p: { name: string; label: string; type: 'text' | 'password'; value: string; hint: string; error: string | null }): VNode {
  const hintId = `${p.name}-hint`;
  const errorId = `${p.name}-error`;
  // Keys are case-sensitive opaque strings: no spellcheck, no auto-capitalising, no password managers.
  const common = {
    required: true,
    spellcheck: false,
    autocapitalize: 'off' as const,
    'aria-invalid': p.error ? ('true' as const) : undefined,
    'aria-describedby': p.error ? `${errorId} ${hintId}` : hintId,
  };
  return (
    <div class="field">
      <label for={p.name}>{p.label}</label>
      {p.type === 'password' ? (
        <input id={p.name} name={p.name} type="password" value={p.value} {...common} autocomplete="new-password" />
      ) : (
        <input id={p.name} name={p.name} type="text" value={p.value} {...common} autocomplete="off" />
      )}
      {p.error ? (
        <p id={errorId} class="field-error">
          {p.error}
        </p>
      ) : null}
      <p id={hintId} class="hint">
        {p.hint}
      </p>
    </div>
  );
}

function detectMode(key?: string): string {
  if (key?.startsWith('pk_live_')) return 'live';
  if (key?.startsWith('pk_test_')) return 'test';
  return '';
}
