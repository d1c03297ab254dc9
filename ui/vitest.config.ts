// Unit tests of the dashboard's pure modules (model, live, routes); the browser tests live in integration-test/ui.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
