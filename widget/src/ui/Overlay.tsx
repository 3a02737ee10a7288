/** @jsxRuntime classic */
/** @jsx h */
/**
 * A page of our origin (the checkout, or the merchant connect form) in a modal iframe. The frame is
 * the only place card numbers or Stripe keys are typed; the host page never sees them.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- `h` (and Fragment) are what the JSX pragma calls
import { Component, h } from 'preact';
import { Dialog } from './Dialog';
import { Icon } from './icons';

interface OverlayProps {
  url: string;
  title: string;
  closeLabel: string;
  newTabLabel: string;
  kind: 'checkout' | 'admin';
  onClose: () => void;
}

/** The overlay dialog with its frame, a close button and a new-tab fallback link. */
export class Overlay extends Component<OverlayProps, { loaded: boolean }> {
  render({ url, title, closeLabel, newTabLabel, kind, onClose }: OverlayProps, { loaded }: { loaded: boolean }) {
    return (
      <Dialog class={'overlay overlay-' + kind} labelId="cb-ov-title">
        <div class="panel">
          <div class="bar">
            <span class="bar-icon">
              <Icon name="lock" />
            </span>
            <h2 id="cb-ov-title">{title}</h2>
            <a class="newtab" href={url} target="_blank" rel="noopener">
              {newTabLabel} <Icon name="external" />
            </a>
            <button class="x" aria-label={closeLabel} onClick={onClose}>
              <Icon name="close" />
            </button>
          </div>
          <div class="frame-wrap">
            {!loaded && <span class="spinner big" aria-hidden="true" />}
            <iframe src={url} title={title} data-autofocus="" class={loaded ? 'ready' : ''} allow="payment *" onLoad={() => this.setState({ loaded: true })} />
          </div>
        </div>
      </Dialog>
    );
  }
}
