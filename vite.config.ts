import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Relative asset paths, so the built app works from any folder or static host.
  base: './',
  // No SPA fallback: a missing asset must 404 (the e2e smoke test fails on it), not serve index.html.
  appType: 'mpa',
  plugins: [react()],
  build: {
    target: 'es2022',
  },
  worker: {
    format: 'es',
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // Until the first tests land; remove once src/ has tests.
    passWithNoTests: true,
    // 'default' prints the "Test Files / Tests" summary that .ci/run counts.
    reporters: ['default'],
  },
});
