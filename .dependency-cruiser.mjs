// Import-cycle check, run by `npm run lint` after ESLint (`depcruise .`).
// ESLint's import plugins (eslint-plugin-import, eslint-plugin-import-x) skip `import type` in no-cycle
// without an option to count it; the project wants no cycle at all, type-only imports included, so the
// cycles are found here: tsPreCompilationDeps makes dependency-cruiser read the TypeScript source before
// compilation, keeping `import type`, `import { type X }`, imports used only as types and `import('./x').T`.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'This module is part of an import cycle (type-only imports count too). Move what both sides need into a ' +
        'module of its own that imports neither, or pass it in.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'storage-below-the-domain',
      severity: 'error',
      comment:
        'The storage layer stores and fetches; it imports nothing from the domain (payments/, connect/) or the ' +
        'routes. A type both need belongs in storage/port.ts or wire.ts.',
      from: { path: '^server/src/storage/' },
      to: { path: '^server/src/(payments|connect|routes)/' },
    },
    {
      name: 'domain-below-the-routes',
      severity: 'error',
      comment:
        'The domain (payments/, connect/, platform-webhooks/) and what it stands on (security/, stripe/, crypto/, ' +
        'storage/) answer results and errors; none of them imports the HTTP routes. A view both need belongs ' +
        'beside the domain (connect/views.ts).',
      from: { path: '^server/src/(payments|connect|platform-webhooks|security|stripe|crypto|storage)/' },
      to: { path: '^server/src/routes/' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // What `npm run lint` covers; emulator/ may not exist yet, the pattern simply matches nothing then.
    includeOnly: '^(server|widget|test|examples|emulator)/|^[^/]+\\.(mjs|ts)$',
    exclude: { path: '(^|/)(node_modules|dist|test-results)/' },
    doNotFollow: { path: 'node_modules' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
