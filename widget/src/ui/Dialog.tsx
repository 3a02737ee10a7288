/** @jsxRuntime classic */
/** @jsx h */
/**
 * A modal dialog shell: role, label, Esc to close, focus moved in and kept in (sentinels).
 * Class components rather than hooks throughout the widget: preact/hooks would cost ~1 KB gzip of our
 * 12 KB budget. Likewise classic `h()` JSX (the pragmas atop each widget .tsx; the checkout page keeps the
 * automatic runtime): children as arguments and no jsx-runtime wrapper, ~65 bytes gzip less.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- `h` (and Fragment) are what the JSX pragma calls
import { Component, createRef, h, type ComponentChildren } from 'preact';
import { focusEdge } from './focus';

interface DialogProps {
  labelId: string;
  class: string;
  children: ComponentChildren;
}

/** Renders its children inside a `role="dialog"` that keeps keyboard focus inside. */
export class Dialog extends Component<DialogProps> {
  ref = createRef<HTMLDivElement>();

  override componentDidMount(): void {
    const el = this.ref.current;
    const first = el?.querySelector<HTMLElement>('[data-autofocus]');
    if (first) first.focus();
    else focusEdge(el);
  }

  render({ children, labelId, class: cls }: DialogProps) {
    const edge = (last: boolean) => () => focusEdge(this.ref.current, last);
    return (
      <div ref={this.ref} class={cls} role="dialog" aria-modal="true" aria-labelledby={labelId}>
        <span tabIndex={0} data-sentinel="" onFocus={edge(true)} />
        {children}
        <span tabIndex={0} data-sentinel="" onFocus={edge(false)} />
      </div>
    );
  }
}
