// Unit tests of the dashboard's pure modules (model, live, routes); the browser tests live in integration-test/ui.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@cascade/common/api': fileURLToPath(new URL('../common/src/api/index.ts', import.meta.url)) } },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
