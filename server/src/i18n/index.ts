/**
 * Picking a language and filling `{name}` placeholders, shared by the server (the checkout page's shell and
 * its error pages) and the browser bundles (widget/src/i18n re-exports this). It is bundled into widget.js
 * and checkout.js, so it stays plain, browser-safe code without imports.
 */

/** Languages we ship texts for; the first is the fallback. */
export const LANGUAGES = ['en', 'de', 'fr'] as const;
/** One of LANGUAGES. */
export type Language = (typeof LANGUAGES)[number];

/** Picks our language for a BCP 47 tag list (`data-locale`, then `navigator.languages`), English if none fits. */
export function pickLanguage(...tags: Array<string | null | undefined>): Language {
  for (const tag of tags) {
    const base = (tag ?? '').toLowerCase().split(/[-_]/)[0];
    if ((LANGUAGES as readonly string[]).includes(base)) return base as Language;
  }
  return 'en';
}

/** Replaces `{key}` in `text` with values; unknown keys stay visible so mistakes are noticed. */
export function fill(text: string, values: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
