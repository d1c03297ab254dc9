// Builds the dashboard into static files (dist/) that the aggregator serves at `/`.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [svelte()],
  // Relative asset URLs: the aggregator may serve the UI below a path prefix.
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: {
    host: '127.0.0.1',
    // `npm run dev -w ui` talks to an aggregator on its default port.
    proxy: { '/api': process.env.CASCADE_AGGREGATOR_URL ?? 'http://127.0.0.1:7400', '/auth': process.env.CASCADE_AGGREGATOR_URL ?? 'http://127.0.0.1:7400' },
  },
});
