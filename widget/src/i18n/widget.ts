/**
 * Every language of the cart widget in one table, for tests and the error-catalogue check. The bundle never
 * imports this file: widget.js carries English (widget-en.ts) and fetches the page's other language as a
 * separate asset (rollup.config.mjs builds widget-<lang>.json from the JSON files here).
 */
import type { Language } from './index';
import de from './widget-de.json';
import { en, type WidgetText } from './widget-en';

export { errorText, failureText, type WidgetText } from './widget-en';

/** The widget texts for `lang`; a language missing here falls back to English. */
export const widgetText: Partial<Record<Language, WidgetText>> = { en, de };
