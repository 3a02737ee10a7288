/** @jsxRuntime classic */
/** @jsx h */
/** @jsxFrag Fragment */
/** The widget's root: floating cart button, drawer, overlays and the live region. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- `h` (and Fragment) are what the JSX pragma calls
import { Component, Fragment, h } from 'preact';
import type { CartController } from '../cart/state';
import { fill } from '../i18n';
import type { WidgetText } from '../i18n/widget-en';
import type { Store } from '../store';
import { Drawer, type DrawerActions } from './Drawer';
import { Overlay } from './Overlay';
import { Icon } from './icons';

/** Which frame the overlay shows. */
export interface OverlayState {
  kind: 'checkout' | 'admin';
  url: string;
}

/** Everything about the widget's UI that is not the cart itself. */
export interface UiState {
  drawer: boolean;
  overlay: OverlayState | null;
  checkingOut: boolean;
  /** Text for the polite live region (cart changes). */
  announcement: string;
  /** False when the page has its own `data-checkout-best-cart` button. */
  launcher: boolean;
}

/** What the UI can ask the widget to do. */
export interface AppActions extends DrawerActions {
  open: () => void;
}

interface AppProps {
  cart: CartController;
  ui: Store<UiState>;
  t: WidgetText;
  locale: string;
  position: string;
  actions: AppActions;
}

/** Renders the whole widget from the cart and UI stores, re-rendering when either changes. */
export class App extends Component<AppProps> {
  stop: Array<() => void> = [];

  override componentDidMount(): void {
    const update = () => this.forceUpdate();
    this.stop = [this.props.cart.subscribe(update), this.props.ui.subscribe(update)];
  }

  override componentWillUnmount(): void {
    this.stop.forEach((f) => f());
  }

  render({ cart, ui, t, locale, position, actions }: AppProps) {
    const state = cart.getState();
    const view = ui.getState();
    const count = state.cart?.item_count ?? 0;
    const label = `${t.openCart}, ${fill(count === 1 ? t.cartCountOne : t.cartCount, { n: count })}`;
    return (
      <div class={'root pos-' + position}>
        {view.launcher && (
          // Hidden rather than unmounted while a dialog is open, so focus can return to this very button.
          <button class="launcher" hidden={view.drawer || !!view.overlay} aria-label={label} aria-haspopup="dialog" onClick={actions.open}>
            <Icon name="bag" />
            {count > 0 && (
              <span class="badge" aria-hidden="true">
                {count > 99 ? '99+' : count}
              </span>
            )}
          </button>
        )}
        {view.drawer && (
          <>
            <div class="backdrop" onClick={actions.close} />
            <Drawer state={state} t={t} locale={locale} actions={actions} checkingOut={view.checkingOut} />
          </>
        )}
        {view.overlay && (
          <>
            <div class="backdrop dark" />
            <Overlay
              url={view.overlay.url}
              kind={view.overlay.kind}
              title={view.overlay.kind === 'admin' ? t.adminTitle : t.checkoutTitle}
              closeLabel={t.close}
              newTabLabel={t.openNewTab}
              onClose={actions.close}
            />
          </>
        )}
        <div class="sr" role="status" aria-live="polite" aria-atomic="true">
          {view.announcement}
        </div>
      </div>
    );
  }
}
