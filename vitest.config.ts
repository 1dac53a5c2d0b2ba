import { defineConfig } from 'vitest/config';

// Four projects: fast unit tests of every package; the end-to-end suite that builds real
// Python environments and runs the real `mlflow` client (slow, so it runs on its own); and the
// stores that need a PostgreSQL server at MLPROJECT_TEST_POSTGRES_URI (skipped when it is unset;
// `source scripts/ci-postgres.sh` provides one); and the web UI in a real Chromium (skipped without
// /usr/bin/chromium; `scripts/ci-chromium.sh` installs Debian's).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
          exclude: ['**/*.e2e.test.ts', '**/*.pg.test.ts', '**/*.browser.test.ts', '**/node_modules/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['packages/*/test/**/*.e2e.test.ts', 'apps/*/test/**/*.e2e.test.ts', 'test/**/*.e2e.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'postgres',
          include: ['packages/*/test/**/*.pg.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['apps/*/test/**/*.browser.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
