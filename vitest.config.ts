import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// Tests import workspace packages from source, so no build is needed to run them.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@skein\/storage\/conformance$/, replacement: `${root}packages/storage/src/conformance/index.ts` },
      { find: /^@skein\/model\/testing$/, replacement: `${root}packages/model/src/testing.ts` },
      { find: /^@skein\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/bench/**/*.test.ts', 'examples/*/src/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // `skein serve` processes that tests spawn would all bind OTLP's 4318 and gRPC's 4317 by
    // default and collide when test files run in parallel: they stay off unless a test sets them.
    env: { SKEIN_OTLP_HTTP_PORT: '-1', SKEIN_GRPC_PORT: '-1' },
  },
});
