/** @jsxRuntime classic */
/** @jsx h */
/**
 * Inline SVG icons (no icon font, no network): 24px grid, stroked, inherit the text colour. Their stroke
 * styling is one rule in widget.css rather than five attributes on every icon.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- `h` (and Fragment) are what the JSX pragma calls
import { h, type JSX } from 'preact';

const paths = {
  bag: 'M6 7h12l1 13H5L6 7zm3 0V6a3 3 0 0 1 6 0v1',
  close: 'M6 6l12 12M18 6L6 18',
  minus: 'M6 12h12',
  plus: 'M12 6v12M6 12h12',
  lock: 'M7 11V8a5 5 0 0 1 10 0v3M5 11h14v10H5z',
  external: 'M14 4h6v6M20 4l-9 9M18 14v6H4V6h6',
  alert: 'M12 8v5m0 3v.5M12 3l9.5 17h-19z',
};

/** One icon by name; decorative, so hidden from assistive technology. Its size is widget.css's (20px unless its place says). */
export function Icon({ name }: { name: keyof typeof paths }): JSX.Element {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true">
      <path d={paths[name]} />
    </svg>
  );
}
