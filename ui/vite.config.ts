// Builds the dashboard into static files (dist/) that the aggregator serves at `/`.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/** The aggregator's wire types live in common; the UI imports them (types only) so the two cannot drift. */
const commonApi = fileURLToPath(new URL('../common/src/api/index.ts', import.meta.url));

export default defineConfig({
  plugins: [svelte()],
  // Relative asset URLs: the aggregator may serve the UI below a path prefix.
  base: './',
  resolve: { alias: { '@cascade/common/api': commonApi } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: {
    host: '127.0.0.1',
    // `npm run dev -w ui` talks to an aggregator on its default port.
    proxy: { '/api': process.env.CASCADE_AGGREGATOR_URL ?? 'http://127.0.0.1:7400' },
  },
});
