/** The content-hashed file name of the widget stylesheet, filled in by rollup.config.mjs at build time. */
declare const __WIDGET_CSS__: string;
/** The content-hashed file names of the widget's other languages (`{ de: 'widget-de.<hash>.json' }`), filled in by rollup.config.mjs. */
declare const __WIDGET_TEXTS__: { [lang: string]: string | undefined };
