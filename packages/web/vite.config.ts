import { defineConfig } from 'vite';

/** Preact's JSX through Vite's own transform (oxc): no Babel, no preset. */
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Every module is loaded from the service itself; the polyfill would only add bytes.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:7420', '/hb': 'http://127.0.0.1:7420' } },
});
