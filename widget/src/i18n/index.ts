/**
 * The widget's door to the shared language helpers. They live in server/src/i18n because the server renders
 * the checkout page's shell and error pages in the same languages; the server never imports widget source.
 */
export { LANGUAGES, pickLanguage, fill, type Language } from '../../../server/src/i18n';
