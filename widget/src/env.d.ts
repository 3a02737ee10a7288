/** The content-hashed file name of the widget stylesheet, filled in by rollup.config.mjs at build time. */
declare const __WIDGET_CSS__: string;
